"""Every figure readers have been shown, active, corrected-away or
withdrawn: /prices/history.csv, streamed, a chunk of rows at a time from
`values_list(...).iterator()`, so its memory stays flat however many
estimates there are.

A row is built by hand from the database's tuple, not through a dict per
row (columns.csv_cells), because this loop runs once per estimate ever
recorded (tests/bench_open_data.py times it). Its cells are in HISTORY's
order, which tests/prices/test_open_data.py checks value by value.
"""

import csv
import io

from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse

from core.site_url import absolute_url
from prices.models import CostEstimate
from prices.open_data.columns import HISTORY, amount, moment, spreadsheet_safe
from prices.open_data.serving import csv_headers, open_data_file, published_estimates

# Rows fetched from the database at a time, and written to the response at a time.
HISTORY_CHUNK_ROWS = 2000
# What the state column says, in plain words a spreadsheet user can filter on.
STATE_LABELS = {
    CostEstimate.State.ACTIVE: "active",
    CostEstimate.State.SUPERSEDED: "corrected",
    CostEstimate.State.WITHDRAWN: "withdrawn",
}


def history_rows(kind_ids=None):
    """Every published estimate (of `kind_ids` only, when given) as a plain
    tuple, ordered by subject then as-of date: rows from the database, a
    chunk at a time, never a model instance. The kind is its id: the rows
    name it from the kinds already loaded, not by a join per row."""
    estimates = published_estimates()
    if kind_ids is not None:
        estimates = estimates.filter(kind__in=kind_ids)
    return (
        estimates
        .annotate(subject_name=Coalesce("therapy__generic_name", "category__name"))
        # A category before a therapy of the same name; the same order on every database.
        .order_by("subject_name", F("therapy_id").asc(nulls_first=True), "product", "as_of", "recorded_at", "id")
        .values_list(
            "id", "category__name", "category__slug", "therapy__generic_name", "therapy__slug", "product", "kind_id",
            "low", "high", "currency", "unit_price", "unit", "units_per_year", "as_of", "as_of_precision",
            "source_name", "source_url", "state", "recorded_at", "replaces_id", "correction_reason",
            "replaced_by__id", "withdrawn_at", "withdrawal_reason",
        )
        .iterator(chunk_size=HISTORY_CHUNK_ROWS)
    )


def history_lines(request):
    """The history file, a chunk of lines at a time (the header first)."""
    chosen = request.open_data
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in HISTORY])
    # Page addresses and kinds' cells made once, not per row.
    base = absolute_url("/", request)[:-1]
    category_path = base + reverse("therapies:category_detail", args=["SLUG"]).replace("SLUG", "{}")
    therapy_path = base + reverse("therapies:therapy_detail", args=["SLUG"]).replace("SLUG", "{}")
    kind_cells = {
        pk: (kind.country.code, spreadsheet_safe(kind.slug), spreadsheet_safe(kind.name))
        for pk, kind in chosen.kind_by_id.items()
    }
    rows = history_rows(None if chosen.code is None else chosen.kind_ids)
    for count, row in enumerate(rows, start=1):
        (pk, category_name, category_slug, therapy_name, therapy_slug, product, kind_id, low, high, currency,
         unit_price, unit, units_per_year, as_of, precision, source, source_url, state, recorded_at, replaces,
         correction_reason, replaced_by, withdrawn_at, withdrawal_reason) = row
        is_therapy = therapy_slug is not None
        country, kind, kind_name = kind_cells[kind_id]
        writer.writerow([
            pk,
            spreadsheet_safe(therapy_name if is_therapy else category_name),
            "therapy" if is_therapy else "category",
            spreadsheet_safe(product),
            country,
            kind,
            kind_name,
            amount(low),
            amount(high),
            currency,
            amount(unit_price),
            spreadsheet_safe(unit),
            amount(units_per_year),
            as_of.isoformat(),
            precision,
            spreadsheet_safe(source),
            spreadsheet_safe(source_url),
            STATE_LABELS.get(state, state),
            moment(recorded_at),
            replaces or "",
            spreadsheet_safe(correction_reason),
            replaced_by or "",
            moment(withdrawn_at),
            spreadsheet_safe(withdrawal_reason),
            (therapy_path if is_therapy else category_path).format(therapy_slug if is_therapy else category_slug),
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
    code = request.open_data.code
    return csv_headers(response, request, f"ms-treatment-price-history-{code}.csv" if code else
                       "ms-treatment-price-history.csv")
