"""A medicine's or a group's whole price history, a page at a time. The
other price pages are the open data files (prices/open_data.py) and the
price feed (prices/feeds.py)."""

from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import render

from core.sharing import canonical_query
from editorial.public import public_page
from prices import queries
from prices.countries import country_for

PRICES_TEMPLATE = "prices/price_history_full.html"


def _full_price_history_page(request, subject, name, group=None):
    prices = country_for(request.GET)
    try:
        page = queries.full_price_history(subject, request.GET.get("page"), prices)
    except InvalidPage as error:
        raise Http404(f"No such page of the price history: {error}") from error
    return render(
        request,
        PRICES_TEMPLATE,
        {
            "subject": subject, "subject_name": name, "page": page, "paginator": page.paginator, "group": group,
            "prices": prices,
        },
    )


@canonical_query("page", "country")
@public_page
def therapy_prices(request, slug):
    therapy = queries.published_therapy_for_prices(slug)
    return _full_price_history_page(request, therapy, therapy.generic_name, group=therapy.category)


@canonical_query("page", "country")
@public_page
def category_prices(request, slug):
    category = queries.published_category_for_prices(slug)
    return _full_price_history_page(request, category, category.name)
