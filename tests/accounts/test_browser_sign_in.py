"""Two-factor sign-in in a real browser (Debian's chromium through Playwright,
see tests/browser_support.py): a reviewer sets up an authenticator app from
the key on the page, stores the recovery codes and reaches the admin; next
time the login asks for the app's code."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser_pages import PASSWORD, log_in
from tests.two_factor import secret_to_code

pytest_plugins = ["tests.browser_support"]


@pytest.mark.browser
def test_a_reviewer_sets_up_two_factor_then_signs_in_with_a_code(live_server, new_page, reviewer):
    page = new_page()
    problems = []

    def console_error(message):
        # The browser's own request for /favicon.ico is no page's doing.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} {message.location}")

    page.on("console", console_error)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator('input[name="username"]').fill(reviewer.username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/admin/two-factor/set-up/$"))
    expect(page.get_by_text("Your account needs two-factor authentication")).to_be_visible()
    qr_code = page.locator("svg.two-factor-qr")
    expect(qr_code).to_be_visible()
    assert qr_code.bounding_box()["width"] >= 150, "big enough to scan"
    secret = page.locator("#two-factor-secret").inner_text()
    page.locator('input[name="code"]').fill(secret_to_code(secret))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page).to_have_url(re.compile(r"/admin/two-factor/recovery-codes/$"))
    expect(page.get_by_text("This is the only time they are shown.")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have stored these codes: continue").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("Two-factor authentication is on for your account.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # Next time: password, then a code generated for the app just set up.
    log_in(page, live_server.url, reviewer)
    expect(page.get_by_role("link", name="Two-factor authentication")).to_be_visible()
    assert problems == []
