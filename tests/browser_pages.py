"""Steps the browser tests share (the fixtures are in tests/browser_support.py)."""

import re

from playwright.sync_api import expect

from accounts.policy import has_authenticator, two_factor_required
from tests.two_factor import authenticator_for, code_for

PASSWORD = "a-long-test-password"  # the conftest `person` fixture's password


def log_in(page, base_url, user, device=None):
    """Log `user` (made by the `person` fixture) in to the admin in `page`,
    through the real login form. Where the account has or needs two-factor
    authentication, the second step gets a code generated for `device`
    (by default the user's authenticator app, set up here if need be)."""
    if device is None and (two_factor_required(user) or has_authenticator(user)):
        device = authenticator_for(user)
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.locator('input[name="username"]').fill(user.username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[type="submit"], button[type="submit"]').first.click()
    if device is not None:
        expect(page).to_have_url(re.compile(r"/admin/two-factor/code/"))
        page.locator('input[name="code"]').fill(code_for(device))
        page.get_by_role("button", name="Verify and continue").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
