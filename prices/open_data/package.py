"""What describes the files: /data/datapackage.json, a Frictionless Data
Package (https://specs.frictionlessdata.io/data-package/) whose Table Schemas
give each CSV's columns, types and meanings so tools (frictionless, pandas
through it, R, Open Refine...) load the data typed; and the "Reuse our
data" page, which says the same in words. Both are made from the columns
the files are written with (prices/open_data/columns.py)."""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.site_url import absolute_url
from editorial.public import public_page
from prices.open_data.columns import CURRENT, HISTORY
from prices.open_data.serving import COUNTRY_PARAMETER, Selection, all_kinds, licence, open_data_file, price_disclaimer

CSV_DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True}


def _schema(columns, kinds, **more):
    """A Table Schema of `columns`; the kinds' and countries' codes there are
    now are their columns' enum, so a typo'd filter shows at load time."""
    known = {
        "kind": {"enum": [kind.slug for kind in kinds]},
        "country": {"enum": list(dict.fromkeys(kind.country.code for kind in kinds))},
    }
    return {
        "fields": [column.schema_field(known.get(column.name)) for column in columns],
        # Only an empty cell is missing: "-" or "NA" are never written for one.
        "missingValues": [""],
        **more,
    }


def _csv_resource(request, name, url_name, title, description, schema):
    return {
        "profile": "tabular-data-resource",
        "name": name,
        "path": absolute_url(reverse(url_name), request),
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": CSV_DIALECT,
        "schema": schema,
    }


def data_package(request):
    kinds = all_kinds(request)
    countries = ", ".join(f"{COUNTRY_PARAMETER}={code}" for code in dict.fromkeys(k.country.code for k in kinds))
    filtering = (
        f"Add ?{COUNTRY_PARAMETER}= to the address for one country's figures only ({countries}); "
        "without it, every country's, each row naming its country."
    )
    licensed = licence()
    return {
        # Not "tabular-data-package": that requires every resource to be a
        # table, and the JSON file is a document holding one.
        "profile": "data-package",
        "name": "ms-treatment-prices",
        "title": "MS treatment prices",
        "description": (
            "Yearly cost estimates of multiple sclerosis treatments, by medicine, product and kind of figure "
            f"(list price, payment limit...), with their dates and sources. {price_disclaimer()}"
        ),
        "homepage": absolute_url(reverse("prices:reuse_data"), request),
        "licenses": [{"path": licensed["url"], "title": licensed["name"]}],
        "resources": [
            _csv_resource(
                request, "current-prices", "prices:prices_csv", "Current prices",
                "The figures the site shows now: each medicine's current figure for each product and kind, and "
                f"each group's range of each kind, worked out from its medicines' figures. {filtering}",
                _schema(CURRENT, kinds),
            ),
            _csv_resource(
                request, "price-history", "prices:price_history_csv", "Every price published",
                "Every figure the site has shown, including ones later corrected or withdrawn, ordered by "
                f"subject and date. {filtering}",
                _schema(HISTORY, kinds, primaryKey="estimate_id"),
            ),
            {
                "profile": "data-resource",
                "name": "current-prices-json",
                "path": absolute_url(reverse("prices:prices_json"), request),
                "title": "Current prices (JSON)",
                "description": (
                    "The current prices as JSON: the rows of current-prices, with the same field names, under "
                    "`prices`, amounts as numbers and empty numbers and dates as null; with the licence and "
                    f"the disclaimer. {filtering}"
                ),
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
            },
        ],
    }


@open_data_file(by_country=False)
def datapackage_json(request):
    return HttpResponse(
        json.dumps(data_package(request), ensure_ascii=False, indent=1), content_type="application/json"
    )


@public_page
@require_safe
def reuse_data(request):
    kinds = all_kinds(request)
    return render(request, "prices/reuse_data.html", {
        "licence": licence(),
        "current_columns": CURRENT,
        # The current prices' columns mean the same in the history, but for a
        # group's rows, which there are past ranges rather than worked out.
        "history_columns": [
            column for column in HISTORY
            if column.name == "subject_type" or column.name not in {current.name for current in CURRENT}
        ],
        "countries": Selection(None, kinds, {kind.pk: kind for kind in kinds}).countries,
        "kinds": kinds,
    })
