"""The live cost table's HTML (includes/cost_table.html), rendered once per
content: the home page and every article that shows it render the same
table from the same figures, and rendering it was a quarter of their work
on a page the cache did not hold.

The table is kept in the shared cache (core.cache.remember) under a digest
of every value it is made from: each group's, medicine's, figure's, kind's
and country's loaded fields, the page's query (the country switch keeps it),
today's date (a figure goes stale by date), and the release and the settings
pages show (core.page_keys). A change to any of them is a new key, so a kept
table is never out of date; nothing has to empty it. With DEBUG on (`make
run`) it is rendered every time, so a template edit shows at once."""

import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.cache import remember
from core.page_keys import page_fingerprint

KEY = "cost-table:{}"
TEMPLATE = "includes/cost_table.html"


def _loaded_values(record):
    """The record's model and the values of its loaded fields (a deferred
    field is not read by the table: loading it would cost a query)."""
    fields = record._meta.concrete_fields
    return (record._meta.label, tuple((f.attname, record.__dict__[f.attname]) for f in fields if f.attname in record.__dict__))


def _made_from(categories, prices, page_query):
    lists = page_query.lists() if hasattr(page_query, "lists") else (page_query or {}).items()  # a QueryDict or a dict
    yield page_fingerprint(), timezone.localdate(), sorted(lists)
    yield prices.country and _loaded_values(prices.country)
    for country in prices.countries:
        yield _loaded_values(country)
    for kind in prices.kinds:
        yield _loaded_values(kind)
    for category in categories:
        yield _loaded_values(category)
        for therapy in category.published_therapies:
            yield _loaded_values(therapy)
            for figure in therapy.own_estimates:
                yield _loaded_values(figure)


def cost_table(categories, prices, page_query=None):
    """The table's HTML for `categories` (with their prices attached:
    prices.queries.attach_prices) in the country view `prices`; `page_query`
    is the page's query string (request.GET), which the country switch keeps."""
    context = {"categories": categories, "prices": prices, "page_query": page_query}
    if settings.DEBUG:
        # The release's fingerprint is read once per process, and runserver
        # does not restart for a template edit: render it each time then.
        return render_to_string(TEMPLATE, context)
    digest = hashlib.sha256(repr(list(_made_from(categories, prices, page_query))).encode()).hexdigest()
    return remember(KEY.format(digest), lambda: render_to_string(TEMPLATE, context))
