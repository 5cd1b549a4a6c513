"""The site in a real browser: an editor updates a price in the admin and a
reader sees it. Runs Debian's chromium through Playwright (see
tests/browser_support.py); without chromium these tests are skipped, except
under CI, where they fail."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser_pages import log_in
from therapies.models import Category, Therapy
from prices.models import CostEstimate

pytest_plugins = ["tests.browser_support"]


def date_pattern(day):
    """The date as a page may print it: 9 Nov 2026, 09 Nov 2026, 9 November 2026, 2026-11-09."""
    return re.compile(rf"\b0?{day.day} {day:%b}\w*\.? {day.year}\b|\b{day.isoformat()}\b")


def blank_estimate_form_prefix(page):
    """The name prefix (e.g. 'cost_estimates-1-') of the empty cost-estimate
    form in the inline. Existing estimates come first (and are read-only), so
    the last `low` input is the blank form's. Adds one if there is none."""
    page.wait_for_load_state()  # the inline's script has run and added its links
    low_inputs = page.locator('input[name$="-low"]:not([name*="__prefix__"])')
    if low_inputs.count() == 0:
        page.get_by_text(re.compile(r"^Add another")).first.click()
    name = low_inputs.last.get_attribute("name")
    return name.removesuffix("low")


def fill_field(page, name, value):
    field = page.locator(f'[name="{name}"]')
    if field.evaluate("element => element.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


@pytest.mark.browser
def test_an_editor_records_a_new_price_and_a_reader_sees_it(
    live_server, new_page, editor, make_category, make_therapy, make_estimate
):
    today = timezone.localdate()
    oral = make_category(
        name="Oral DMTs", slug="oral-dmts", kind=Category.Kind.DISEASE_MODIFYING, is_published=True,
        administration="A tablet every day",
    )
    fingolimod = make_therapy(
        generic_name="fingolimod", slug="fingolimod", brand_names="Gilenya", route=Therapy.Route.ORAL,
        frequency="Once a day", category=oral, is_published=True,
    )
    make_estimate(
        fingolimod, low=Decimal("80000"), high=Decimal("100000"), currency="USD",
        as_of=today - datetime.timedelta(days=400), source_name="Last year's price survey",
    )
    new_as_of = today - datetime.timedelta(days=14)

    # The editor logs in through the admin's login form (a superuser: with a
    # code from their authenticator app as the second step)...
    page = new_page()
    log_in(page, live_server.url, editor)

    # ...finds the medicine (a price is a medicine's: its group's range is worked out from them)...
    page.get_by_role("link", name="Therapies", exact=True).first.click()
    page.get_by_role("link", name="fingolimod", exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/admin/therapies/therapy/{fingolimod.pk}/change/"))

    # ...and records the new estimate in the blank cost-estimate form.
    prefix = blank_estimate_form_prefix(page)
    fill_field(page, f"{prefix}low", "81500")
    fill_field(page, f"{prefix}high", "97250")
    fill_field(page, f"{prefix}currency", "USD")
    fill_field(page, f"{prefix}as_of", new_as_of.isoformat())
    fill_field(page, f"{prefix}source_name", "Browser test price survey")
    fill_field(page, f"{prefix}source_url", "https://example.org/price-survey")
    fill_field(page, f"{prefix}note", "List prices before discounts.")
    with page.expect_navigation():
        page.locator('input[name="_save"]').click()

    errors = page.locator(".errornote, .errorlist")
    if errors.count():
        pytest.fail("The admin refused the estimate: " + " | ".join(errors.all_inner_texts()))
    expect(page.locator(".messagelist .success")).to_be_visible()
    estimate = CostEstimate.objects.get(therapy=fingolimod, as_of=new_as_of)
    assert (estimate.low, estimate.high, estimate.currency, estimate.kind.name) == (
        Decimal("81500"), Decimal("97250"), "USD", "US list price"
    )

    # A reader, not logged in, sees the new figures and their date.
    reader = new_page()
    reader.goto(f"{live_server.url}/therapies/")
    expect(reader.locator("body")).to_contain_text("Oral DMTs")
    expect(reader.locator("body")).to_contain_text("81,500")
    expect(reader.locator("body")).to_contain_text("97,250")
    expect(reader.locator("body")).to_contain_text(date_pattern(new_as_of))
    expect(reader.locator("body")).not_to_contain_text("100,000")  # the old estimate is history now


# The skip-or-fail rule itself, checked without touching the installed browser.


def test_without_chromium_the_browser_tests_are_skipped(monkeypatch):
    from tests import browser_support  # loaded by pytest_plugins, before this runs

    monkeypatch.setattr(browser_support.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="^Debian's chromium is not installed$"):
        browser_support.chromium_path()


def test_without_chromium_ci_fails_instead_of_skipping(monkeypatch):
    from tests import browser_support

    monkeypatch.setattr(browser_support.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="Debian's chromium is not installed"):
        browser_support.chromium_path()
