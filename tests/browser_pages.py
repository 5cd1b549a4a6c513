"""Steps the browser tests share (the fixtures are in tests/browser_support.py)."""

import re

from playwright.sync_api import expect

PASSWORD = "a-long-test-password"  # the conftest `person` fixture's password


def log_in(page, base_url, user):
    """Log `user` (made by the `person` fixture) in to the admin in `page`."""
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.locator('input[name="username"]').fill(user.username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[type="submit"], button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
