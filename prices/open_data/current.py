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

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from core.site_url import absolute_url
from prices.queries import GroupRange, current_figures
from prices.open_data.columns import CURRENT, csv_cells, json_item
from prices.open_data.serving import csv_headers, last_change, licence, open_data_file, price_disclaimer
from therapies.models import Category
from therapies.queries import published_therapies

# The coarser of two precisions wins when a group's newest figures differ.
PRECISION_ORDER = {"day": 0, "month": 1, "year": 2}


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
    """A group's range of one kind, from its medicines' current figures of
    that kind: the pages' GroupRange, as a row."""
    group = GroupRange(kind, figures)
    newest = group.as_of
    precision = max(
        (figure.as_of_precision for figure in figures if figure.as_of == newest), key=PRECISION_ORDER.get
    )
    medicines = group.medicines
    return {
        "subject": str(category),
        "subject_type": "category",
        "product": "",
        **_kind_cells(kind),
        "low": group.low,
        "high": group.high,
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
