"""The live cost table is rendered once per content and kept (prices/cost_table.py),
and never shown out of date: any value it shows, the date (figures go stale
by date) or the page's country makes it a new table. The page cache is off
here, so what is tested is the kept table alone."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from articles.models import COST_TABLE_MARKER
from prices import cost_table
from prices.models import Country, PriceKind
from tests.conftest import a_quiet_moment, clock_at
from tests.page_helpers import page


@pytest.fixture(autouse=True)
def pages_rendered_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def priced(make_category, make_therapy, make_estimate):
    group = make_category(name="Kept group", slug="kept-group")
    therapy = make_therapy(generic_name="keptimab", slug="keptimab", category=group)
    make_estimate(therapy, low=Decimal("60000"), high=Decimal("80000"), as_of=timezone.localdate() - datetime.timedelta(days=30))
    return therapy


@pytest.fixture
def renders():
    with mock.patch.object(cost_table, "render_to_string", wraps=cost_table.render_to_string) as spy:
        yield spy


def home(client):
    return page(client.get("/")).text


def test_the_table_is_rendered_once_for_the_home_page_and_an_article_that_shows_it(
    client, priced, make_article, renders
):
    make_article(slug="with-costs", body=f"Costs:\n\n{COST_TABLE_MARKER}\n")
    assert "US$60,000 to US$80,000 a year" in home(client)
    assert "US$60,000 to US$80,000 a year" in home(client)
    assert "US$60,000 to US$80,000 a year" in page(client.get("/articles/with-costs/")).text
    assert renders.call_count == 1


def test_a_new_figure_a_renamed_medicine_and_an_edited_kind_show_at_once(client, priced, make_estimate, renders):
    home(client)

    make_estimate(priced, low=Decimal("61000"), high=Decimal("71000"), as_of=timezone.localdate())
    assert "US$61,000 to US$71,000 a year" in home(client)

    priced.generic_name = "keptimab renamed"
    priced.save()
    assert "keptimab renamed" in home(client)

    kind = PriceKind.objects.get(slug="us-list")
    kind.explanation = "the price the maker sets, before any discount (edited)"
    kind.save()
    assert "(edited)" in home(client)

    country = Country.objects.get(code="us")
    country.reader_note = "A new note for US readers."
    country.save()
    assert "A new note for US readers." in home(client)
    assert renders.call_count == 5


def test_a_figure_that_goes_out_of_date_overnight_is_marked_the_next_day(client, priced, settings):
    today = timezone.now()
    assert "may be out of date" not in home(client)

    with clock_at(today + datetime.timedelta(days=30 * (settings.PRICE_STALENESS_MONTHS + 1))):
        assert "may be out of date" in home(client)


def test_each_country_has_its_own_table(client, priced, make_estimate, renders):
    us, uk = home(client), page(client.get("/?country=uk")).text
    assert "US$60,000" in us and "US$60,000" not in uk
    assert renders.call_count == 2


def test_with_debug_on_the_table_is_rendered_every_time_so_template_edits_show(client, priced, renders, settings):
    settings.DEBUG = True
    home(client)
    home(client)
    assert renders.call_count == 2


def test_a_kept_table_costs_no_query_and_a_medicine_going_live_at_its_time_joins_it(
    client, priced, make_therapy, make_estimate, django_assert_num_queries
):
    """Nothing is written when content scheduled earlier goes live, so the
    kept table lasts no longer than the next such moment."""
    start = a_quiet_moment()
    later = make_therapy(
        generic_name="laterimab", slug="laterimab", category=priced.category, published_at=start + datetime.timedelta(minutes=5)
    )
    make_estimate(later, low=Decimal("55000"), high=Decimal("56000"))
    with clock_at(start):
        assert "laterimab" not in home(client)
        with django_assert_num_queries(0):
            cost_table.cost_table()

    with clock_at(start + datetime.timedelta(minutes=5, seconds=1)):
        assert "laterimab" in home(client) and "US$55,000 to US$56,000 a year" in home(client)
