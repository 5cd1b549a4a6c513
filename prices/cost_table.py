"""The live cost table's HTML (includes/cost_table.html), rendered once per
content: the home page and every article that shows it render the same
table from the same figures, and loading and rendering it was most of the
work of an article page the page cache did not hold.

The table shows live content only (published groups and medicines, their
current figures), never an editor's working copy, so it is kept under the
content version, which every change readers could see replaces, until the
next scheduled change (core.kept.remember_while_content_unchanged): a kept
table costs no query. Its key also names the page's query (the country, and
the rest the country switch keeps), today's date (a figure goes stale by
date), and the release and the settings pages show (core.page_keys). With
DEBUG on (`make run`) it is rendered every time, so a template edit shows
at once."""

from django.template.loader import render_to_string

from core.kept import kept_live_html
from prices.countries import country_for
from prices.queries import attach_prices
from therapies.queries import dmt_categories

KEY = "cost-table"
TEMPLATE = "includes/cost_table.html"


def _query_items(page_query):
    return sorted(page_query.lists() if hasattr(page_query, "lists") else (page_query or {}).items())  # a QueryDict or a dict


def cost_table(page_query=None, prices=None):
    """The table's HTML for the country view `page_query` (the page's query
    string, request.GET, which the country switch keeps) asks for;
    `prices`, that view, if the page has it already."""

    def render():
        view = prices if prices is not None else country_for(page_query)
        context = {"categories": attach_prices(dmt_categories(), view), "prices": view, "page_query": page_query}
        return render_to_string(TEMPLATE, context)

    return kept_live_html(KEY, render, _query_items(page_query))
