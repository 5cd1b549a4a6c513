"""A group page's lists of medicines and procedures (each card with its own
figures) are rendered once per content and kept (therapies/group_lists.py,
core.fragments), and never shown out of date: any value they show (a
medicine's words, its figures, the kind of figure), the date (a figure goes
stale by date) or the page's country makes them new. The page cache is off
here, so what is tested is the kept lists alone."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from prices.models import PriceKind
from therapies.models import Therapy
from tests.conftest import clock_at
from tests.page_helpers import page

pytestmark = pytest.mark.usefixtures("page_cache_off")

URL = "/categories/kept-group/"


def list_renders(spy):
    return [call for call in spy.call_args_list if call.args[0] == "therapies/includes/category_therapies.html"]


@pytest.fixture
def priced(make_category, make_therapy, make_estimate):
    group = make_category(name="Kept group", slug="kept-group")
    therapy = make_therapy(generic_name="keptimab", slug="keptimab", category=group)
    make_estimate(therapy, low=Decimal("60000"), high=Decimal("80000"))
    return therapy


def cards(client, url=URL):
    return page(client.get(url)).section_text("Medicines in this group", None)


def test_the_lists_are_rendered_once_for_many_requests(client, priced, fragment_renders):
    first = client.get(URL).content
    assert "US$60,000 to US$80,000 a year" in cards(client)
    assert client.get(URL).content == first
    assert len(list_renders(fragment_renders)) == 1


def test_a_new_figure_a_renamed_medicine_an_edited_kind_and_a_procedure_show_at_once(
    client, priced, make_therapy, make_estimate, fragment_renders
):
    cards(client)

    make_estimate(priced, low=Decimal("61000"), high=Decimal("71000"), as_of=timezone.localdate())
    assert "US$61,000 to US$71,000 a year" in cards(client)

    Therapy.objects.filter(pk=priced.pk).update(generic_name="keptimab renamed", frequency="Every day")
    shown = cards(client)
    assert "keptimab renamed" in shown and "every day" in shown

    kind = PriceKind.objects.get(slug="us-list")
    kind.explanation = "the price the maker sets (edited)"  # as the admin saves it: kinds are kept until a change
    kind.save()
    assert "(edited)" in cards(client)

    make_therapy(generic_name="a procedure", slug="a-procedure", category=priced.category, route=Therapy.Route.PROCEDURE)
    assert "a procedure" in page(client.get(URL)).section_text("Procedures (not medicines)", None)
    assert len(list_renders(fragment_renders)) == 5


def test_a_figure_that_goes_out_of_date_overnight_is_marked_the_next_day(client, priced, settings):
    assert "may be out of date" not in cards(client)
    with clock_at(timezone.now() + datetime.timedelta(days=30 * (settings.PRICE_STALENESS_MONTHS + 1))):
        assert "may be out of date" in cards(client)


def test_each_country_has_its_own_lists(client, priced, fragment_renders):
    us, uk = cards(client), cards(client, URL + "?country=uk")
    assert "US$60,000" in us and "US$60,000" not in uk
    assert len(list_renders(fragment_renders)) == 2
