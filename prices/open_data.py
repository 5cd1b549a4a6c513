"""The site's prices as open data: /prices.csv and /prices.json (each
published category's and therapy's current estimate) and /prices/history.csv
(every estimate readers have been shown, active, corrected-away or withdrawn),
plus the "Reuse our data" page that explains them.

Only published subjects appear, through the same rules the pages use
(`Category.objects.live()`, `published_therapies()`), and the current figures
are the ones the pages show: a therapy's own current estimate for each
product it is priced as (brand, generic), and a category's current range.

The licence and the price disclaimer travel with each file. The JSON carries
them as fields. A CSV has no place for notes that every parser skips (a
comment line breaks spreadsheets and `csv` readers alike), so the CSV files
name them in `Link` headers (`rel="license"` to the licence, and
`rel="describedby"` to the "Reuse our data" page, which shows the disclaimer
and explains each column), and the page links to the files. The disclaimer's
wording has one source, templates/includes/price_disclaimer.html.

Spreadsheet formula injection: a text cell starting with = + - @, a tab or
a carriage return would be run as a formula by a spreadsheet, so it gets a
leading single quote (OWASP's advice). Amounts are written as plain decimals
and never need it: the model's constraints keep them at zero or more.

Each file sends `ETag` and `Last-Modified` from the newest change to the
prices and their subjects, and the ETag also from how many estimates,
withdrawals and subjects there are (three small aggregate queries for both),
and answers a conditional request with 304 before building anything. The history is
streamed, a chunk of rows at a time from `values_list(...).iterator()`, so
its memory stays flat however many estimates there are.
"""

import csv
import datetime
import functools
import hashlib
import io
import json
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, F, Max, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.http import condition, require_safe

from core.cache import code_fingerprint
from editorial.models import live_q
from editorial.public import public_page
from core.site_url import absolute_url
from therapies.models import Category, Therapy
from prices.models import CostEstimate
from therapies.queries import published_therapies
from prices.queries import attach_current_estimates, attach_own_estimates

# An open licence made for data; the publisher must confirm it (README).
DEFAULT_LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
DEFAULT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

CURRENT_COLUMNS = [
    "subject", "subject_type", "product", "low", "high", "currency", "as_of", "source", "source_url", "page_url",
]
HISTORY_COLUMNS = [
    "estimate_id", "subject", "subject_type", "product", "low", "high", "currency", "as_of", "source",
    "source_url", "state", "recorded_at", "corrects_estimate_id", "correction_reason", "replaced_by_estimate_id",
    "withdrawn_at", "withdrawal_reason", "page_url",
]
# Rows fetched from the database at a time, and written to the response at a time.
HISTORY_CHUNK_ROWS = 2000
# What the state column says, in plain words a spreadsheet user can filter on.
STATE_LABELS = {
    CostEstimate.State.ACTIVE: "active",
    CostEstimate.State.SUPERSEDED: "corrected",
    CostEstimate.State.WITHDRAWN: "withdrawn",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def licence():
    """{"name", "url"}: MSINFO_DATA_LICENCE_NAME / _URL, CC BY 4.0 by default."""
    return {
        "name": settings.MSINFO_DATA_LICENCE_NAME or DEFAULT_LICENCE_NAME,
        "url": settings.MSINFO_DATA_LICENCE_URL or DEFAULT_LICENCE_URL,
    }


@functools.cache
def price_disclaimer():
    """The price disclaimer's text, as plain words, from the template every
    page shows it with (read once per process: templates change with a release)."""
    return " ".join(strip_tags(render_to_string("includes/price_disclaimer.html")).split())


def spreadsheet_safe(value):
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _amount(value):
    return f"{value:f}"  # plain digits, never 6E+4


def _json_amount(value):
    return int(value) if value == value.to_integral_value() else float(value)


# --- What is published, and when it last changed ----------------------------------------


def published_estimates():
    """Estimates of the categories and therapies readers may see (no query yet)."""
    of_category = Q(category__isnull=False) & live_q("category__")
    of_therapy = Q(therapy__isnull=False) & live_q("therapy__") & live_q("therapy__category__")
    return CostEstimate.objects.filter(of_category | of_therapy)


class DataVersion(NamedTuple):
    """What the files' validators are made of: `moment`, the newest change
    (Last-Modified), and `counts`, how many estimates, withdrawals,
    categories and therapies there are (in the ETag only)."""

    moment: datetime.datetime | None
    counts: tuple


def data_version(request=None):
    """The data's version, from three aggregate queries, kept on the request
    so the ETag and Last-Modified share them.

    `moment` is the newest estimate recorded or withdrawn, subject edited
    (a publish, an unpublish, a rename) or subject going live or expiring by
    its schedule. A timestamp alone can miss a change: a price import stamps
    its estimates' recorded_at when it starts and commits them later, so a
    client who fetched a file while it ran would hold the same newest moment
    after the commit and keep getting 304. The row counts, read in the same
    queries, change with every estimate recorded or withdrawn and every
    subject added, whatever its timestamps say."""
    if request is not None and hasattr(request, "_open_data_version"):
        return request._open_data_version
    now = timezone.now()
    estimates = CostEstimate.objects.aggregate(
        recorded=Max("recorded_at"),
        withdrawn=Max("withdrawn_at"),
        estimates=Count("id"),
        withdrawals=Count("withdrawn_at"),
    )
    moments = [estimates["recorded"], estimates["withdrawn"]]
    counts = [estimates["estimates"], estimates["withdrawals"]]
    for model in (Category, Therapy):
        subjects = model._base_manager.aggregate(
            edited=Max("updated_at"),
            went_live=Max("published_at", filter=Q(published_at__lte=now)),
            expired=Max("expires_at", filter=Q(expires_at__lte=now)),
            count=Count("id"),
        )
        moments += [subjects["edited"], subjects["went_live"], subjects["expired"]]
        counts.append(subjects["count"])
    version = DataVersion(
        moment=max((moment for moment in moments if moment is not None), default=None),
        counts=tuple(counts),
    )
    if request is not None:
        request._open_data_version = version
    return version


def last_change(request=None):
    """When the prices or their subjects last changed in a way the files
    show, or None (data_version's `moment`; the sitemap uses it too)."""
    return data_version(request).moment


def _last_modified(request, *args, **kwargs):
    return last_change(request)


def _etag(request, *args, **kwargs):
    """Changes with the data (its newest change and its row counts), the
    release (the columns), the licence, the site's address and the file
    asked for. Weak (W/): two responses with one ETag hold the same data,
    not always the same bytes (the JSON's `generated` time)."""
    version = data_version(request)
    parts = [
        request.path,
        version.moment.isoformat() if version.moment else "",
        ",".join(map(str, version.counts)),
        code_fingerprint(),
        repr(licence()),
        settings.SITE_URL,
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def open_data_file(view):
    """A public data file: GET and HEAD only, ETag / Last-Modified, 304."""
    return public_page(require_safe(condition(etag_func=_etag, last_modified_func=_last_modified)(view)))


def _csv_headers(response, request, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    reuse = absolute_url(reverse("prices:reuse_data"), request)
    response["Link"] = f'<{licence()["url"]}>; rel="license", <{reuse}>; rel="describedby"'
    return response


# --- The current prices ---------------------------------------------------------------------


def current_prices(request):
    """The current prices readers see, one dict a row, in the order of the
    site's menus: categories, then therapies (each product priced). Four
    queries whatever the number of subjects or estimates."""
    categories = list(Category.objects.live().order_by("kind", "display_order", "name"))
    therapies = list(published_therapies())
    attach_current_estimates(categories)
    attach_own_estimates(therapies)
    pairs = [("category", category, category.current_estimate) for category in categories]
    pairs += [("therapy", therapy, estimate) for therapy in therapies for estimate in therapy.own_estimates]
    rows = []
    for subject_type, subject, estimate in pairs:
        if estimate is None:
            continue
        rows.append({
            "subject": str(subject),
            "subject_type": subject_type,
            "product": estimate.product,
            "low": estimate.low,
            "high": estimate.high,
            "currency": estimate.currency,
            "as_of": estimate.as_of.isoformat(),
            "source": estimate.source_name,
            "source_url": estimate.source_url,
            "page_url": absolute_url(subject.get_absolute_url(), request),
        })
    return rows


@open_data_file
def prices_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow(CURRENT_COLUMNS)
    if request.method != "HEAD":
        for row in current_prices(request):
            writer.writerow([
                _amount(row[column]) if column in ("low", "high") else spreadsheet_safe(row[column])
                for column in CURRENT_COLUMNS
            ])
    return _csv_headers(response, request, "ms-treatment-prices.csv")


@open_data_file
def prices_json(request):
    moment = last_change(request)
    document = {
        "licence": licence(),
        "disclaimer": price_disclaimer(),
        "documentation": absolute_url(reverse("prices:reuse_data"), request),
        "generated": timezone.now().isoformat(timespec="seconds"),
        "last_modified": moment.isoformat(timespec="seconds") if moment else None,
        "prices": [
            {**row, "low": _json_amount(row["low"]), "high": _json_amount(row["high"])}
            for row in current_prices(request)
        ],
    }
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json")


# --- The whole history, streamed ----------------------------------------------------------


def history_rows():
    """Every published estimate as a tuple of HISTORY_COLUMNS' raw values,
    ordered by subject then as-of date: plain rows from the database, a chunk
    at a time, never a model instance."""
    return (
        published_estimates()
        .annotate(subject_name=Coalesce("therapy__generic_name", "category__name"))
        # A category before a therapy of the same name; the same order on every database.
        .order_by("subject_name", F("therapy_id").asc(nulls_first=True), "product", "as_of", "recorded_at", "id")
        .values_list(
            "id", "category__name", "category__slug", "therapy__generic_name", "therapy__slug", "product", "low",
            "high", "currency", "as_of", "source_name", "source_url", "state", "recorded_at", "replaces_id",
            "correction_reason", "replaced_by__id", "withdrawn_at", "withdrawal_reason",
        )
        .iterator(chunk_size=HISTORY_CHUNK_ROWS)
    )


def _moment(value):
    return value.astimezone(datetime.timezone.utc).isoformat(timespec="seconds") if value else ""


def history_lines(request):
    """The history file, a chunk of lines at a time (the header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HISTORY_COLUMNS)
    # Page addresses made once per subject, not per row.
    base = absolute_url("/", request)[:-1]
    category_path = reverse("therapies:category_detail", args=["SLUG"]).replace("SLUG", "{}")
    therapy_path = reverse("therapies:therapy_detail", args=["SLUG"]).replace("SLUG", "{}")
    for count, row in enumerate(history_rows(), start=1):
        (pk, category_name, category_slug, therapy_name, therapy_slug, product, low, high, currency, as_of,
         source, source_url, state, recorded_at, replaces, correction_reason, replaced_by, withdrawn_at,
         withdrawal_reason) = row
        is_therapy = therapy_slug is not None
        page = (therapy_path if is_therapy else category_path).format(therapy_slug if is_therapy else category_slug)
        writer.writerow([
            pk,
            spreadsheet_safe(therapy_name if is_therapy else category_name),
            "therapy" if is_therapy else "category",
            spreadsheet_safe(product),
            _amount(low),
            _amount(high),
            currency,
            as_of.isoformat(),
            spreadsheet_safe(source),
            spreadsheet_safe(source_url),
            STATE_LABELS.get(state, state),
            _moment(recorded_at),
            replaces or "",
            spreadsheet_safe(correction_reason),
            replaced_by or "",
            _moment(withdrawn_at),
            spreadsheet_safe(withdrawal_reason),
            base + page,
        ])
        if count % HISTORY_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@open_data_file
def price_history_csv(request):
    if request.method == "HEAD":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(history_lines(request), content_type="text/csv; charset=utf-8")
    return _csv_headers(response, request, "ms-treatment-price-history.csv")


# --- The page that explains them ---------------------------------------------------------------


@public_page
@require_safe
def reuse_data(request):
    return render(request, "prices/reuse_data.html", {
        "licence": licence(),
        "current_columns": CURRENT_COLUMNS,
        "history_columns": HISTORY_COLUMNS,
    })
