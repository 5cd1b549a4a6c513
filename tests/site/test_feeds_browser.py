"""The "Reuse our data" page in a real browser (Debian's chromium through
Playwright, tests/browser_support.py): no accessibility violation (axe-core,
at a computer's and a phone's width) and no Content-Security-Policy
violation. The footer's "Stay up to date" block is on every page, so the
site-wide axe and CSP tests check it there."""

import pytest

from tests.site.test_browser_axe import at_every_width, axe_source, axe_violations, open_at_first_width, violations_report
from tests.site.test_browser_csp import ViolationWatch

pytest_plugins = ["tests.browser_support"]

REUSE_PAGE = "/data/"


@pytest.fixture
def demo_prices(demo_content):
    return demo_content


@pytest.mark.browser
@pytest.mark.accessibility
def test_the_reuse_page_has_no_axe_violation(live_server, new_page, demo_prices):
    source = axe_source()
    page = new_page()
    assert open_at_first_width(page, live_server.url + REUSE_PAGE).status == 200
    found = {viewport: axe_violations(page, source) for viewport in at_every_width(page)}
    report = violations_report(found, 1)
    assert not report, report


@pytest.mark.browser
def test_the_reuse_page_loads_without_a_policy_violation(live_server, new_page, demo_prices):
    watch = ViolationWatch(new_page())
    watch.visit(live_server.url + REUSE_PAGE)
    watch.assert_none()
