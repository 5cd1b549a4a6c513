"""The current prices: /prices.csv and /prices.json.

A medicine's rows are its current figure for each product (brand, generic,
or the medicine as a whole) of each kind. A group's rows are worked out
from those, one per kind, as the pages work them out: the lowest low and
the highest high of its published medicines' current figures of that kind.
A group's own estimates are ranges published in the past (the seed
article's); they are dated history (/prices/history.csv), never shown here
as a group's current range.
"""

import csv
import json

from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from core.site_url import absolute_url
from prices.models import CostEstimate
from prices.open_data.columns import CURRENT, csv_cells, json_item
from prices.open_data.serving import csv_headers, last_change, licence, open_data_file, price_disclaimer
from therapies.models import Category, Therapy
from therapies.queries import published_therapies

# The coarser of two precisions wins when a group's newest figures differ.
PRECISION_ORDER = {"day": 0, "month": 1, "year": 2}


def current_figures(therapy_pks, kinds):
    """{therapy_id: [estimate, ...]}: the current (newest active) estimate of
    each product of each of `kinds` for each therapy, in the kinds' order,
    cheapest first. One query, whatever the history: each (therapy, kind,
    product)'s newest estimate is one seek in the (therapy, kind, product,
    date) index."""
    if not therapy_pks or not kinds:
        return {}
    kind_ids = [kind.pk for kind in kinds]
    active = CostEstimate.objects.active()
    newest_of_product = (
        active.filter(therapy=OuterRef("therapy"), kind=OuterRef("kind"), product=OuterRef("product"))
        .newest_first().values("id")[:1]
    )
    # `product > ''` (not `!= ''`) is a range on the index.
    named = (
        active.filter(therapy__in=therapy_pks, kind__in=kind_ids, product__gt="").order_by()
        .values("therapy", "kind", "product").distinct()
        .annotate(current_id=Subquery(newest_of_product)).values("current_id")
    )
    found = Q(id__in=named)
    # The medicine as a whole: one seek per therapy and kind, not a DISTINCT
    # over every weekly figure ever imported.
    for kind_id in kind_ids:
        whole = active.filter(therapy=OuterRef("pk"), kind=kind_id, product="").newest_first().values("id")[:1]
        found |= Q(id__in=Therapy._base_manager.filter(pk__in=therapy_pks).annotate(
            current_id=Subquery(whole)).values("current_id"))
    order = {kind_id: position for position, kind_id in enumerate(kind_ids)}
    by_therapy = {}
    for estimate in sorted(CostEstimate.objects.filter(found), key=lambda e: (order[e.kind_id], e.low, e.product)):
        by_therapy.setdefault(estimate.therapy_id, []).append(estimate)
    return by_therapy


def _kind_cells(kind):
    return {"country": kind.country.code, "kind": kind.slug, "kind_name": kind.name}


def _figure_row(therapy, estimate, kind, page_url):
    return {
        "subject": str(therapy),
        "subject_type": "therapy",
        "product": estimate.product,
        **_kind_cells(kind),
        "low": estimate.low,
        "high": estimate.high,
        "currency": estimate.currency,
        "unit_price": estimate.unit_price,
        "unit": estimate.unit,
        "units_per_year": estimate.units_per_year,
        "as_of": estimate.as_of,
        "as_of_precision": estimate.as_of_precision,
        "source": estimate.source_name,
        "source_url": estimate.source_url,
        "page_url": page_url,
    }


def _group_row(category, kind, figures, page_url):
    """A group's range of one kind, from its medicines' current figures of that kind."""
    newest = max(figure.as_of for figure in figures)
    precision = max(
        (figure.as_of_precision for figure in figures if figure.as_of == newest), key=PRECISION_ORDER.get
    )
    medicines = len({figure.therapy_id for figure in figures})
    return {
        "subject": str(category),
        "subject_type": "category",
        "product": "",
        **_kind_cells(kind),
        "low": min(figure.low for figure in figures),
        "high": max(figure.high for figure in figures),
        "currency": figures[0].currency,
        "unit_price": None,
        "unit": "",
        "units_per_year": None,
        "as_of": newest,
        "as_of_precision": precision,
        "source": (
            f"Worked out from {len(figures)} current figure{'s' if len(figures) != 1 else ''} of this kind "
            f"for {medicines} of its medicines on this site"
        ),
        "source_url": "",
        "page_url": page_url,
    }


def current_prices(request):
    """The current prices of the country asked for (request.open_data), one
    dict a row of raw values, in the order of the site's menus: each group's
    range of each kind, then each medicine's figures. Three queries whatever
    the number of subjects or estimates."""
    chosen = request.open_data
    categories = list(Category.objects.live().order_by("kind", "display_order", "name"))
    therapies = list(published_therapies())
    figures = current_figures([therapy.pk for therapy in therapies], chosen.kinds)
    by_group_and_kind = {}
    for therapy in therapies:
        for figure in figures.get(therapy.pk, []):
            by_group_and_kind.setdefault((therapy.category_id, figure.kind_id), []).append(figure)
    rows = []
    for category in categories:
        page_url = absolute_url(category.get_absolute_url(), request)
        for kind in chosen.kinds:
            found = by_group_and_kind.get((category.pk, kind.pk))
            if found:
                rows.append(_group_row(category, kind, found, page_url))
    for therapy in therapies:
        page_url = absolute_url(therapy.get_absolute_url(), request)
        for figure in figures.get(therapy.pk, []):
            rows.append(_figure_row(therapy, figure, chosen.kind_by_id[figure.kind_id], page_url))
    return rows


def _filename(request, stem):
    code = request.open_data.code
    return f"{stem}-{code}.csv" if code else f"{stem}.csv"


@open_data_file
def prices_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow([column.name for column in CURRENT])
    if request.method != "HEAD":
        for row in current_prices(request):
            writer.writerow(csv_cells(CURRENT, row))
    return csv_headers(response, request, _filename(request, "ms-treatment-prices"))


@open_data_file
def prices_json(request):
    moment = last_change(request)
    document = {
        "licence": licence(),
        "disclaimer": price_disclaimer(),
        "documentation": absolute_url(reverse("prices:reuse_data"), request),
        "datapackage": absolute_url(reverse("prices:datapackage"), request),
        "country": request.open_data.code,
        "generated": timezone.now().isoformat(timespec="seconds"),
        "last_modified": moment.isoformat(timespec="seconds") if moment else None,
        "prices": [json_item(CURRENT, row) for row in current_prices(request)],
    }
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json")
