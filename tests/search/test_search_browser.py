"""The search box and the results page in a real browser (Debian's chromium
through Playwright, as tests/site/test_browser_axe.py): typed into and submitted
without any script, readable on a phone, and free of axe violations."""

import pytest

from tests.site.test_browser_axe import (
    VIEWPORTS,
    at_every_width,
    axe_source,
    axe_violations,
    open_at_first_width,
    violations_report,
)

pytest_plugins = ["tests.browser_support"]

PAGES = [
    "/search/",
    "/search/?q=treatment",
    "/search/?q=ocrelizimab",  # "Did you mean"
    "/search/?q=fatigue+zebra",  # some of the words only
    "/search/?q=xylophone",  # nothing found
    "/search/?q=%3Cscript%3E",
    "/search/?q=the",
]


@pytest.mark.browser
@pytest.mark.accessibility
def test_search_pages_have_no_axe_violation_and_the_box_fits(live_server, new_page, transactional_db, demo_content):
    source = axe_source()
    page = new_page()
    found = {viewport: [] for viewport in VIEWPORTS}
    for path in PAGES:
        response = open_at_first_width(page, live_server.url + path)
        assert response.status == 200, path
        for viewport in at_every_width(page):
            found[viewport] += axe_violations(page, source)
            # Nothing sticks out sideways, on a phone or a computer.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (path, viewport)
    report = violations_report(found, len(PAGES))
    assert not report, report


@pytest.mark.browser
def test_typing_in_the_header_box_and_pressing_enter_searches(live_server, new_page, transactional_db, demo_content):
    page = new_page()
    page.goto(f"{live_server.url}/therapies/")
    page.get_by_label("Search this site").fill("Ocrevus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # An exact brand name: straight to the medicine's page.
    assert page.url == f"{live_server.url}/therapies/ocrelizumab/"

    page.get_by_label("Search this site").fill("infusion")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert "/search/?q=infusion" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Search results"
    assert page.locator("mark").count() >= 1
