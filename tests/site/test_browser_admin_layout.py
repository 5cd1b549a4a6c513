"""The admin fits a 1280 px wide screen: a wide change list and a change page
with rows of references and prices stay inside the page (and inside their
boxes) instead of pushing it sideways. Debian's chromium through Playwright
(see tests/browser_support.py)."""

import datetime
from decimal import Decimal

import pytest

from editorial.models import Reference
from tests.browser_pages import log_in

pytest_plugins = ["tests.browser_support"]

WIDTH = 1280

FITS = """() => {
    const page = [document.documentElement.scrollWidth, window.innerWidth];
    const boxes = Array.from(document.querySelectorAll('.inline-group .tabular, #changelist-form .results'))
        .map(box => [(box.closest('.inline-group') || box).id || 'results', box.scrollWidth, box.clientWidth]);
    return {page, boxes};
}"""


def assert_fits(page):
    measured = page.evaluate(FITS)
    scroll_width, inner_width = measured["page"]
    assert scroll_width <= inner_width, f"the page is {scroll_width} px wide in a {inner_width} px window"
    for name, scroll, client in measured["boxes"]:
        assert scroll <= client, f"{name}: {scroll} px of content in a {client} px box"
    return measured


@pytest.mark.browser
def test_the_therapy_list_and_a_therapy_with_references_fit_1280_px(
    live_server, new_page, reviewer, make_category, make_therapy, make_estimate
):
    group = make_category(name="Infusion therapies given in hospital", slug="infusions")
    make_estimate(group)
    therapies = [
        make_therapy(
            generic_name=f"autologous haematopoietic stem cell transplantation {n}",
            brand_names="Ocrevus, Ocrevus Zunovo, Kesimpta, Briumvi",
            category=group,
        )
        for n in range(3)
    ]
    therapy = therapies[0]
    for n in range(3):
        Reference.objects.create(
            cited_by=therapy, position=n, title="A very long title of a clinical trial report " * 3,
            publisher="The New England Journal of Medicine and its supplements",
            url=f"https://example.org/a/very/long/address/of/a/trial/report/{'x' * 80}/{n}",
            accessed_on=datetime.date(2026, 1, 5),
        )
    make_estimate(therapy, low=Decimal("65000"), high=Decimal("120000"), note="A long note about the price. " * 8)

    browser_page = new_page()
    browser_page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(browser_page, live_server.url, reviewer)

    browser_page.goto(f"{live_server.url}/admin/therapies/therapy/")
    measured = assert_fits(browser_page)
    assert measured["boxes"], "the change list was measured"

    browser_page.goto(f"{live_server.url}/admin/therapies/therapy/{therapy.pk}/change/")
    measured = assert_fits(browser_page)
    assert {"references-group", "cost_estimates-group"} <= {name for name, _, _ in measured["boxes"]}
    # The rows are still usable: a reference's address field is at least a few words wide.
    width = browser_page.locator('input[name="references-0-url"]').bounding_box()["width"]
    assert width >= 80


@pytest.mark.browser
def test_the_blank_estimate_row_with_its_product_field_fits_1280_px(
    live_server, new_page, editor, make_category, make_therapy, make_estimate
):
    """A superuser sees the blank row to record an estimate (price editors record
    theirs on the estimate page), with every field of it, product included."""
    therapy = make_therapy(
        generic_name="autologous haematopoietic stem cell transplantation",
        brand_names="Ocrevus, Ocrevus Zunovo, Kesimpta, Briumvi",
        category=make_category(name="Infusion therapies given in hospital", slug="infusions"),
    )
    make_estimate(therapy, product="brand (Ocrevus Zunovo, subcutaneous) " * 3, note="A long note. " * 20)

    browser_page = new_page()
    browser_page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(browser_page, live_server.url, editor)
    browser_page.goto(f"{live_server.url}/admin/therapies/therapy/{therapy.pk}/change/")
    measured = assert_fits(browser_page)
    assert "cost_estimates-group" in {name for name, _, _ in measured["boxes"]}
    width = browser_page.locator('input[name="cost_estimates-1-product"]').bounding_box()["width"]
    assert width >= 80
