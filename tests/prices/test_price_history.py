"""Prices over time: the newest estimate is the one readers see everywhere,
older ones stay in a history (chart and table), and old figures are flagged."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.models import COST_TABLE_MARKER
from tests.page_helpers import PRICE_DISCLAIMER, STALE_MARK, day, page
from prices.models import CostEstimate, staleness_cutoff
from prices.templatetags.prices import cost_range, money

TODAY = timezone.localdate


@pytest.fixture
def oral(make_category, make_therapy, make_article):
    group = make_category(name="Oral DMTs", slug="oral-dmts")
    make_therapy(generic_name="fingolimod", slug="fingolimod", category=group)
    make_article(slug="with-table", body=f"The costs today:\n\n{COST_TABLE_MARKER}\n")
    return group


def history_rows(p):
    """The history table's rows as visible text, top to bottom."""
    table = p.html.split('class="table table-sm price-history-table"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [" ".join(row.split()) for row in body.split("<tr>")[1:]]


# Where a medicine's current figure shows: its own page (the full figure),
# and compactly (amount, date, source link) on the cost table, the chooser,
# its group's page and an article's cost table, beside its group's range.
COMPACT_PAGES = ("/", "/therapies/", "/articles/with-table/", "/categories/oral-dmts/")
STALE = "may be out of date"  # every flag on an old figure or range says so


def test_a_newer_estimate_replaces_the_old_one_everywhere(client, oral, make_estimate):
    therapy = oral.therapies.get()
    old = make_estimate(therapy, low=Decimal("80000"), high=Decimal("100000"),
                        as_of=TODAY() - datetime.timedelta(days=90), source_name="Old survey")
    new = make_estimate(therapy, low=Decimal("81500"), high=Decimal("97250"),
                        as_of=TODAY() - datetime.timedelta(days=5), source_name="New survey")

    own = page(client.get("/therapies/fingolimod/"))
    current = own.section_text("Figures as of", PRICE_DISCLAIMER)
    assert f"{day(new.as_of)}. Source: New survey" in current
    assert "US$81,500 to US$97,250 a year" in own.text
    assert "Old survey" not in current
    for url in COMPACT_PAGES:
        p = page(client.get(url))
        assert "US$81,500 to US$97,250 a year" in p.text, url
        if url == "/therapies/":  # the compact list: each figure's date; its source on the fact sheet
            assert f"({day(new.as_of)})" in p.text, url
        else:
            assert f"{day(new.as_of)}; source)" in p.text and 'aria-label="Source: New survey"' in p.html, url
        # The group's range is worked out from the current figure only.
        assert "US$80,000 to US$100,000" not in p.text and "Old survey" not in p.html, f"{url} shows only the current price"

    rows = history_rows(own)
    assert len(rows) == 2
    assert day(new.as_of) in rows[0] and "US$81,500 to US$97,250 a year" in rows[0] and "New survey" in rows[0]
    assert day(old.as_of) in rows[1] and "US$80,000 to US$100,000 a year" in rows[1] and "Old survey" in rows[1]


def test_history_is_newest_first_whatever_order_estimates_were_recorded(client, oral, make_estimate):
    therapy = oral.therapies.get()
    dates = [TODAY() - datetime.timedelta(days=d) for d in (30, 400, 200)]
    for n, as_of in enumerate(dates):
        make_estimate(therapy, low=Decimal(60000 + n), high=Decimal(90000 + n), as_of=as_of, source_name=f"Source {n}")

    rows = history_rows(page(client.get("/therapies/fingolimod/")))

    assert len(rows) == 3
    for row, as_of in zip(rows, sorted(dates, reverse=True)):
        assert row.startswith(f'<th scope="row">{day(as_of)}'), row
    assert "Source 0" in rows[0] and "Source 2" in rows[1] and "Source 1" in rows[2]
    assert "Current" in rows[0] and "Current" not in rows[1] and "Current" not in rows[2]
    assert all("US list price" in row for row in rows)


def test_svg_chart_comes_with_history(client, oral, make_estimate):
    therapy = oral.therapies.get()
    first = make_estimate(therapy, low=Decimal("70000"), high=Decimal("90000"), as_of=TODAY() - datetime.timedelta(days=300))
    second = make_estimate(therapy, low=Decimal("75000"), high=Decimal("95000"), as_of=TODAY() - datetime.timedelta(days=10))

    p = page(client.get("/therapies/fingolimod/"))

    svgs = p.find_all("svg")
    assert len(svgs) == 1 and svgs[0]["role"] == "img" and svgs[0]["aria-labelledby"]
    svg = p.html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "<title" in svg and "<polygon" in svg
    desc = svg.split("<desc", 1)[1].split("</desc>", 1)[0]
    assert f"{day(first.as_of)}: US$70,000 to US$90,000 a year" in desc
    assert f"{day(second.as_of)}: US$75,000 to US$95,000 a year" in desc
    # A group's page has no chart: its range is worked out from its medicines' current figures.
    assert "<svg" not in page(client.get("/categories/oral-dmts/")).html


def test_one_estimate_means_no_history_block(client, oral, make_estimate):
    make_estimate(oral)

    p = page(client.get("/categories/oral-dmts/"))

    assert "US$60,000 to US$80,000 a year" in p.text
    assert "<svg" not in p.html and "How the estimate has changed" not in p.text


def test_therapy_page_history_is_its_own_when_it_has_estimates(client, oral, make_therapy, make_estimate):
    therapy = oral.therapies.get()
    make_estimate(oral, as_of=TODAY() - datetime.timedelta(days=100), source_name="Group old")
    make_estimate(oral, as_of=TODAY() - datetime.timedelta(days=10), source_name="Group new")

    # A range published for the whole group is history, never a medicine's price.
    no_figures = page(client.get(therapy.get_absolute_url()))
    assert "We have no United States figure for fingolimod yet." in no_figures.text
    assert "Group new" not in no_figures.text and "How the estimate has changed" not in no_figures.text

    sibling = make_therapy(generic_name="siponimod", slug="siponimod", category=oral)
    make_estimate(sibling, low=Decimal("70000"), high=Decimal("75000"), source_name="Sibling price")
    group_view = page(client.get(therapy.get_absolute_url()))
    assert "We have no United States figure for fingolimod itself yet. For the whole Oral DMTs group" in group_view.text
    assert "US$70,000 to US$75,000 a year" in group_view.text
    assert "Worked out from the newest US list price figures we have for 1 medicine in Oral DMTs" in group_view.text
    assert "How the estimate has changed" not in group_view.text and "<svg" not in group_view.html

    make_estimate(therapy, low=Decimal("90000"), high=Decimal("91000"), source_name="Own price")
    own_view = page(client.get(therapy.get_absolute_url()))
    assert "itself yet" not in own_view.text
    assert "US$90,000 to US$91,000 a year" in own_view.text
    assert "For comparison, the whole Oral DMTs group" in own_view.text
    assert "US$70,000 to US$91,000 a year" in own_view.text  # the group's range now holds both medicines
    assert "How the estimate has changed" not in own_view.text  # one own estimate: no history yet


def test_an_old_estimate_is_flagged_and_a_fresh_one_is_not(client, oral, make_estimate):
    therapy = oral.therapies.get()
    make_estimate(therapy, as_of=TODAY() - datetime.timedelta(days=5))
    for url in ("/therapies/", "/therapies/fingolimod/"):
        fresh = page(client.get(url))
        assert STALE not in fresh.text and STALE_MARK not in fresh.text, url

    CostEstimate.objects.all().delete()
    old = make_estimate(therapy, as_of=TODAY() - datetime.timedelta(days=500))
    own = page(client.get("/therapies/fingolimod/"))
    assert f"{STALE_MARK} {day(old.as_of)}: {STALE}" in own.text
    for url in COMPACT_PAGES:
        p = page(client.get(url))
        dated = f"{day(old.as_of)})" if url == "/therapies/" else f"{day(old.as_of)}; source)"
        assert f"{dated} newest we have: {STALE}" in p.text, url
        assert f"Newest we have: some figures are from {old.as_of:%Y} and {STALE}" in p.text, url


def test_staleness_follows_the_configured_limit_to_the_day(client, oral, make_estimate, settings):
    therapy = oral.therapies.get()
    settings.PRICE_STALENESS_MONTHS = 6
    cutoff = staleness_cutoff()
    on_the_limit = make_estimate(therapy, as_of=cutoff)
    assert STALE not in page(client.get("/therapies/")).text

    on_the_limit.delete()
    make_estimate(therapy, as_of=cutoff - datetime.timedelta(days=1))
    assert STALE in page(client.get("/therapies/")).text

    settings.PRICE_STALENESS_MONTHS = 24
    assert STALE not in page(client.get("/therapies/")).text


@pytest.mark.parametrize(
    "low, high, currency, expected",
    [
        ("60000", "80000", "USD", "US$60,000 to US$80,000 a year"),
        ("1234.50", "1234.50", "GBP", "£1,235 a year"),
        ("65000", "120000", "EUR", "€65,000 to €120,000 a year"),
        ("5000", "7000", "CHF", "CHF 5,000 to CHF 7,000 a year"),
    ],
)
def test_one_money_format_everywhere(low, high, currency, expected):
    estimate = CostEstimate(low=Decimal(low), high=Decimal(high), currency=currency)

    assert cost_range(estimate) == expected
    assert money(Decimal(low), currency) in expected
