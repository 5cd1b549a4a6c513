"""Choosing and comparing medicines in a real browser, without a script of
our own: tick three on /therapies/, compare them, read each one's cost and
monitoring; on a phone the comparison is stacked cards that never scroll
sideways. Debian's chromium through Playwright (tests/browser_support.py)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.site.test_browser_csp import ViolationWatch
from therapies.models import Therapy

pytest_plugins = ["tests.browser_support"]

MEDICINES = {  # in the order the list shows them (each group's medicines by name)
    # slug: (name, route, monitoring, the cost its column shows)
    "fingolimod": ("fingolimod", Therapy.Route.ORAL, "Eye check after 3 to 4 months", "US$9,000 to US$12,000 a year"),
    "natalizumab": ("natalizumab", Therapy.Route.INFUSION, "JC virus antibody test about every 6 months",
                    "US$70,000 to US$90,000 a year"),
    "ocrelizumab": ("ocrelizumab", Therapy.Route.INFUSION, "Blood immunoglobulin levels", "US$70,000 to US$90,000 a year"),
}


@pytest.fixture
def catalogue(make_category, make_therapy, make_estimate):
    oral = make_category(name="Oral DMTs", slug="oral-dmts", display_order=1)
    infusions = make_category(name="Infusions", slug="infusions", display_order=2)
    make_estimate(infusions, low=Decimal("70000"), high=Decimal("90000"), source_name="Infusions survey")
    for slug, (name, route, monitoring, _) in MEDICINES.items():
        therapy = make_therapy(
            generic_name=name, slug=slug, route=route, category=oral if route == Therapy.Route.ORAL else infusions,
            monitoring=f"Blood count every 3 months\n{monitoring}",
            common_side_effects="Headache, and a long word: immunoglobulinaemia-related-tiredness",
            efficacy_tier=Therapy.Efficacy.HIGH if route == Therapy.Route.INFUSION else Therapy.Efficacy.MODERATE_HIGH,
        )
        if slug == "fingolimod":
            make_estimate(therapy, low=Decimal("9000"), high=Decimal("12000"), product="generic fingolimod",
                          source_name="Generic price list")
    make_therapy(generic_name="glatiramer acetate", slug="glatiramer-acetate", category=oral)


def card(page, name):
    return page.locator("article.compare-card", has=page.get_by_role("heading", name=re.compile(f"^{name}", re.I)))


@pytest.mark.browser
def test_a_reader_picks_three_medicines_and_compares_them(live_server, new_page, catalogue):
    page = new_page()
    watch = ViolationWatch(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/therapies/")

    for slug in MEDICINES:
        page.get_by_label(re.compile(f"^{MEDICINES[slug][0]}")).check()
    page.get_by_role("button", name="Compare the ticked medicines").click()

    expect(page).to_have_url(f"{live_server.url}/compare/?t=fingolimod&t=natalizumab&t=ocrelizumab")
    expect(page.locator("h1")).to_have_text("Compare fingolimod, natalizumab and ocrelizumab")
    for name, _, monitoring, cost in MEDICINES.values():
        column = card(page, name)
        expect(column.locator(".compare-cost")).to_contain_text(cost)
        expect(column.locator(".compare-cost")).to_contain_text("Figures as of")
        expect(column.locator(".compare-monitoring")).to_contain_text(monitoring)
    expect(card(page, "ocrelizumab").locator(".compare-cost")).to_contain_text("For the whole Infusions group")
    expect(card(page, "fingolimod").locator(".compare-cost")).to_contain_text("Its own price")

    # Side by side on a wide screen, each fact level with the same fact in the other columns.
    boxes = [card(page, name).locator(".compare-monitoring").bounding_box() for name, *_ in MEDICINES.values()]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    watch.assert_none()


@pytest.mark.browser
def test_on_a_phone_the_comparison_is_stacked_cards_with_no_sideways_scroll(live_server, new_page, catalogue):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compare/?t=fingolimod&t=natalizumab&t=ocrelizumab")

    cards = [card(page, name).bounding_box() for name, *_ in MEDICINES.values()]
    assert len({round(box["x"]) for box in cards}) == 1, "one above the other, not side by side"
    assert cards[0]["y"] + cards[0]["height"] <= cards[1]["y"] and cards[1]["y"] + cards[1]["height"] <= cards[2]["y"]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in cards)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(card(page, "natalizumab").locator(".compare-monitoring")).to_be_visible()

    page.goto(f"{live_server.url}/therapies/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the chooser fits too"
