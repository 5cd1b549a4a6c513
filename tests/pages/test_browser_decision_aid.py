"""The decision aid in a real browser, by keyboard-reachable form controls and
no script of our own: a reader answers the questions two ways, reads the
medicines that fit and those that do not with the reason, and opens the
summary to print. On a phone nothing scrolls sideways. Debian's chromium
through Playwright (tests/browser_support.py)."""

import pytest
from playwright.sync_api import expect

from tests.site.test_browser_csp import ViolationWatch
from therapies.models import Therapy

pytest_plugins = ["tests.browser_support"]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def catalogue(make_category, make_therapy):
    orals = make_category(name="Oral DMTs", slug="oral-dmts", display_order=1)
    infusions = make_category(name="Infusions", slug="infusions", display_order=2)
    make_therapy(
        generic_name="fingolimod", slug="fingolimod", category=orals, route=Therapy.Route.ORAL,
        frequency="A capsule every day", dose_interval=Therapy.Interval.DAILY, taken_where=Therapy.Setting.HOME,
        licensed_rrms=True, efficacy_tier=Therapy.Efficacy.MODERATE_HIGH, trial_comparator="placebo",
        blood_tests_first_year=4, blood_tests_later_year=4, clinic_visits_first_year=1, clinic_visits_later_year=0,
        pregnancy_plan="stop_before", conception_wait=2, conception_wait_unit="months",
    )
    make_therapy(
        generic_name="natalizumab", slug="natalizumab", category=infusions, route=Therapy.Route.INFUSION,
        frequency="Every 4 weeks", dose_interval=Therapy.Interval.MONTHLY, taken_where=Therapy.Setting.CLINIC,
        licensed_rrms=True, efficacy_tier=Therapy.Efficacy.HIGH, trial_comparator="placebo",
        blood_tests_first_year=2, blood_tests_later_year=2, clinic_visits_first_year=13, clinic_visits_later_year=13,
        pregnancy_plan="plan_with_team",
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    "answers, fitting, not_fitting, reason",
    [
        # A tablet at home, monthly blood tests at most, a baby in two years.
        ({"way": "A tablet or capsule at home", "tests": "Up to 12 (about once a month)", "pregnancy": "Yes, or maybe"},
         "fingolimod", "natalizumab", "you prefer a tablet or capsule at home"),
        # A stronger effect, and clinic visits every 4 weeks are fine.
        ({"visits": "Up to 13 (about every 4 weeks)", "weighing": "I would accept a higher chance of rare serious risks for a stronger effect", "way": "An infusion or injection in a clinic"},
         "natalizumab", "fingolimod", "you prefer an infusion or injection in a clinic"),
    ],
)
def test_a_reader_answers_reads_the_reasons_and_opens_the_summary(
    live_server, new_page, catalogue, answers, fitting, not_fitting, reason
):
    page = new_page()
    watch = ViolationWatch(page)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/decide/")
    expect(page.get_by_text("we set no cookie and we store nothing")).to_be_visible()

    for label in answers.values():
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Show the medicines that fit").click()

    expect(page.locator("h1")).to_have_text("Medicines that fit your answers")
    expect(page.locator("section[aria-labelledby='fitting']")).to_contain_text(fitting)
    not_fitting_list = page.locator("section[aria-labelledby='not-fitting']")
    expect(not_fitting_list).to_contain_text(not_fitting)
    expect(not_fitting_list).to_contain_text(reason)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.context.cookies() == []

    page.get_by_role("link", name="A summary to print or save for your appointment").click()
    expect(page.locator("h1")).to_have_text("My summary for the appointment")
    expect(page.locator(".decide-to-ask")).to_contain_text("Which of these medicines would you suggest for me")
    if "pregnancy" in answers:
        expect(page.locator(".decide-summary")).to_contain_text("At least 2 months from the last dose before trying to conceive.")
        expect(page.locator(".decide-to-ask")).to_contain_text("How would we plan stopping before a pregnancy")
    page.emulate_media(media="print")
    expect(page.locator("nav[aria-label='Main']")).to_be_hidden()
    watch.collect()
    watch.assert_none()
