"""The decision aid (issue 22): plain questions in a GET form, the medicines
that fit the answers (each with a line per answer) and, apart, those that do
not with the reason; the same figures for every option; a summary to print
with questions for the neurologist. Private: the answers are only in the
address, no cookie is set and each answer page is cached like any other."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.core.exceptions import ValidationError

from core.cache import STATUS_HEADER
from editorial import versions, workflow
from editorial.preview import preview_url
from tests.admin_roles import admin_url
from tests.editorial.test_reviewer_credit_and_admin_names import post_form
from pages.models import SitePage
from tests.page_helpers import PRICE_DISCLAIMER, assert_site_layout, day, page
from therapies.models import DECISION_AID_FIELDS, Category, Therapy

ROOT = Path(__file__).resolve().parents[2]
FITTING, NOT_FITTING, NOT_STARTING = "Medicines that fit your answers (", "Medicines that do not fit", "Not starting a medicine now"


@pytest.fixture
def medicines(make_category, make_therapy, make_estimate):
    """A daily tablet, an infusion twice a year and a weekly self-injection,
    with the decision aid's structured values filled as the brief gives them."""
    orals = make_category(name="Oral DMTs", slug="oral-dmts")
    infusions = make_category(name="Infusions", slug="infusions")
    injections = make_category(name="Injectable DMTs", slug="injectable-dmts")
    tablet = make_therapy(
        generic_name="fingolimod", slug="fingolimod", category=orals, route=Therapy.Route.ORAL,
        frequency="A capsule every day", dose_interval=Therapy.Interval.DAILY, taken_where=Therapy.Setting.HOME,
        licensed_rrms=True, efficacy_tier=Therapy.Efficacy.MODERATE_HIGH,
        efficacy_result="54% fewer relapses than a dummy treatment (placebo) over two years (FREEDOMS trial).",
        serious_risks="Slow heartbeat after the first dose\nMacular oedema",
        trial_comparator="placebo", blood_tests_first_year=4, blood_tests_later_year=4,
        clinic_visits_first_year=1, clinic_visits_later_year=0,
        # The prose says something else on purpose: the aid reads the structured values only.
        pregnancy_washout="see the label",
        pregnancy_plan="stop_before", conception_wait=2, conception_wait_unit="months",
    )
    make_estimate(tablet, low=Decimal("9000"), high=Decimal("12000"), source_name="Generic price list",
                  as_of=datetime.date(2026, 4, 1))
    infusion = make_therapy(
        generic_name="ocrelizumab", slug="ocrelizumab", category=infusions, route=Therapy.Route.INFUSION,
        frequency="Every 6 months", dose_interval=Therapy.Interval.TWICE_YEARLY, taken_where=Therapy.Setting.CLINIC,
        licensed_rrms=True, licensed_ppms=True, efficacy_tier=Therapy.Efficacy.HIGH,
        efficacy_result="About 46% fewer relapses than interferon beta-1a over two years (OPERA I and II trials).",
        serious_risks="Infections\nHepatitis B coming back", trial_comparator="interferon_beta_1a",
        clinic_visits_first_year=3, clinic_visits_later_year=2, pregnancy_plan="plan_with_team",
    )
    injection = make_therapy(
        generic_name="glatiramer acetate", slug="glatiramer-acetate", category=injections,
        route=Therapy.Route.INJECTION, frequency="Three times a week", dose_interval=Therapy.Interval.WEEKLY,
        taken_where=Therapy.Setting.HOME, licensed_rrms=True, efficacy_tier=Therapy.Efficacy.MODERATE,
        trial_comparator="placebo", blood_tests_first_year=0, blood_tests_later_year=0,
        clinic_visits_first_year=0, clinic_visits_later_year=0,
    )
    return tablet, infusion, injection


def answers_page(client, query, path="/decide/answers/"):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    return response, page(response)


def test_a_tablet_at_home_lists_the_tablet_as_fitting_and_the_infusion_apart_with_its_reason(client, medicines):
    response, shown = answers_page(client, "way=tablet")

    fitting = shown.section_text(FITTING, NOT_FITTING)
    not_fitting = shown.section_text(NOT_FITTING, NOT_STARTING)
    assert "fingolimod" in fitting and "Taken as a tablet or capsule at home." in fitting
    assert "ocrelizumab" in not_fitting and "ocrelizumab" not in fitting
    assert "Taken as an infusion or injection in a clinic; you prefer a tablet or capsule at home." in not_fitting
    # Nothing hidden: the medicines that do not fit keep the same figures as the rest.
    assert "every 6 months" in not_fitting and "Hepatitis B coming back" in not_fitting
    assert_site_layout(response)


def test_each_answer_gets_its_own_line_and_a_limit_on_tests_or_visits_is_a_reason(client, medicines):
    _response, shown = answers_page(client, "ms=ppms&tests=0&visits=2&often=monthly")

    fitting = shown.section_text(FITTING, NOT_FITTING)
    not_fitting = shown.section_text(NOT_FITTING, NOT_STARTING)
    assert "ocrelizumab" in not_fitting  # 3 visits in its first year, more than 2
    assert "3 in the first year; up to 2 in any later year: more than the 2 a year you could manage." in not_fitting
    assert "Not licensed for primary progressive MS." in not_fitting  # the tablet and the injection
    assert "4 in the first year; up to 4 in any later year: more than the 0 a year you could manage." in not_fitting
    assert "Three times a week: more often than you said you could." in not_fitting
    assert "Licensed for primary progressive MS." in not_fitting  # ocrelizumab's fitting line, beside its reason
    assert "None of the medicines fits all your answers." in fitting


def test_a_value_the_sources_do_not_give_is_said_and_never_counts_against_a_medicine(client, medicines):
    _response, shown = answers_page(client, "tests=4&pregnancy=yes")

    fitting = shown.section_text(FITTING, NOT_FITTING)
    assert "ocrelizumab" in fitting
    assert "Blood tests: Not recorded — ask your neurologist." in fitting
    assert "Pregnancy: Not recorded — ask your neurologist." in fitting  # glatiramer has no plan recorded


def test_the_pregnancy_answer_shows_the_time_to_stop_from_the_structured_field(client, medicines):
    _response, shown = answers_page(client, "pregnancy=yes")

    fitting = shown.section_text(FITTING, NOT_FITTING)
    assert "At least 2 months from the last dose before trying to conceive." in fitting
    assert "Plan the timing with your neurologist." in fitting
    assert "see the label" not in fitting  # the prose wash-out is not what the line says


def test_trials_against_different_comparators_are_said_not_to_be_comparable(client, medicines):
    _response, shown = answers_page(client, "way=any")

    assert "These figures cannot be compared directly." in shown.text
    assert "a dummy treatment (placebo), interferon beta-1a" in shown.text
    assert "Main trial compared it with: interferon beta-1a." in shown.text


def test_one_comparator_for_every_medicine_needs_no_warning(client, medicines):
    medicines[1].delete()

    _response, shown = answers_page(client, "way=any")

    assert "cannot be compared directly" not in shown.text


def test_the_weighing_answer_sorts_by_efficacy_level_and_says_why(client, medicines):
    _response, shown = answers_page(client, "weighing=safer")

    not_fitting = shown.section_text(NOT_FITTING, NOT_STARTING)
    assert "High efficacy: you said you would rather have a lower chance of rare serious risks" in not_fitting
    assert "glatiramer acetate" in shown.section_text(FITTING, NOT_FITTING)


def test_every_option_shows_its_cost_with_the_kind_date_and_source(client, medicines):
    _response, shown = answers_page(client, "cost=yes")

    assert "Generic price list" in shown.text and day(datetime.date(2026, 4, 1)) in shown.text
    assert PRICE_DISCLAIMER in shown.text
    assert "what you pay depends on your insurance or health service" in shown.text


def test_the_questions_are_a_plain_get_form_each_with_not_sure_and_doesnt_matter(client, medicines):
    response = client.get("/decide/")
    shown = page(response)

    form = shown.find_all("form", **{"class": "decide-form"})[0]
    assert form["method"] == "get" and form["action"] == "/decide/answers/"
    for name in ("way", "often", "tests", "visits", "pregnancy", "weighing", "cost"):
        assert shown.find_all("input", name=name, value="not-sure"), name
        assert shown.find_all("input", name=name, value="any"), name
    assert shown.find_all("input", name="ms", value="not-sure")
    assert "we set no cookie and we store nothing" in shown.text
    assert_site_layout(response)


def test_changing_the_answers_keeps_them_ticked(client, medicines):
    shown = page(client.get("/decide/?way=clinic&pregnancy=yes"))

    assert "checked" in shown.find_all("input", name="way", value="clinic")[0]
    assert "checked" not in shown.find_all("input", name="way", value="tablet")[0]


def test_no_cookie_is_set_and_the_second_request_comes_from_the_page_cache(client, medicines):
    url = "/decide/answers/?way=tablet&pregnancy=yes"

    first = client.get(url)
    second = client.get(url)

    assert "Set-Cookie" not in first and not first.cookies
    assert "Set-Cookie" not in second and not second.cookies
    assert first[STATUS_HEADER] == "miss" and second[STATUS_HEADER] == "hit"
    assert second.content == first.content
    assert client.get("/decide/")[STATUS_HEADER] == "miss" and client.get("/decide/")[STATUS_HEADER] == "hit"


@pytest.mark.parametrize(
    "query",
    [
        "way=teleport&pregnancy=yes",
        "tests=lots&visits=-1&pregnancy=yes",
        "ms=%3Cscript%3E&pregnancy=yes",
        "pregnancy=yes&weighing=" + "x" * 5000,
        "pregnancy=yes&way=tab%00let%00x",
    ],
)
def test_bad_answers_are_left_out_with_a_message_never_an_error(client, medicines, query):
    for path in ("/decide/", "/decide/answers/", "/decide/summary/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, path
        text = page(response).text
        assert "were not ones we offer, so we left them out" in text, path
        assert "<script>" not in response.content.decode()


def test_no_answers_asks_for_some(client, medicines):
    _response, shown = answers_page(client, "utm_source=newsletter")

    assert "You have not answered any question yet." in shown.text


def test_the_summary_prints_with_the_answers_the_fitting_medicines_and_questions_to_ask(client, medicines):
    response, shown = answers_page(client, "way=tablet&pregnancy=yes&cost=yes", path="/decide/summary/")

    assert "A tablet or capsule at home" in shown.text  # the answer
    assert "fingolimod" in shown.section_text("Medicines that fit my answers", "Medicines that do not fit")
    assert "At least 2 months from the last dose before trying to conceive." in shown.text
    assert "How would we plan stopping before a pregnancy" in shown.text
    assert "What would each medicine cost me" in shown.text
    assert "What would happen if I did not start a medicine now?" in shown.text
    assert "/static/css/print.css" in [link["href"] for link in shown.find_all("link", media="print")]
    print_css = (ROOT / "static" / "css" / "print.css").read_text()
    assert ".decide-summary" in print_css and "@page" in print_css
    assert not re.search(r"@page[^}]*\bsize\s*:", print_css)  # no page size: A4 and US Letter alike
    assert_site_layout(response)


def test_a_draft_change_to_a_question_stays_hidden_until_approved(client, medicines, make_site_page, editor_user, reviewer):
    question = make_site_page(
        key=SitePage.Key.DECIDE_PREGNANCY, title="Planning a baby?", body="Some medicines must be stopped first."
    )
    question.title = "Thinking of a baby in the next few years?"
    workflow.save_edit(question, editor_user)

    shown = page(client.get("/decide/")).text
    assert "Planning a baby?" in shown and "Some medicines must be stopped first." in shown
    assert "Thinking of a baby" not in shown

    workflow.approve(SitePage.objects.get(pk=question.pk), reviewer)

    assert "Thinking of a baby in the next few years?" in page(client.get("/decide/")).text


def test_an_editor_previews_a_question_change_on_the_question_page(editor_web, client, medicines, make_site_page):
    question = make_site_page(key=SitePage.Key.DECIDE_WAY, title="How would you take it?", body="Some are tablets.")
    post_form(editor_web, admin_url(question, "change"), title="How would you prefer to take it?", _save="Save")

    preview = page(editor_web.get(preview_url(question)))

    assert "How would you prefer to take it?" in preview.text and "Show the medicines that fit" in preview.text
    assert "How would you prefer to take it?" not in page(client.get("/decide/")).text


def test_a_question_without_a_live_text_is_asked_plainly_without_a_why_line(client, medicines, make_site_page):
    make_site_page(key=SitePage.Key.DECIDE_COST, title="Draft cost question", body="Draft why.", is_published=False)

    shown = page(client.get("/decide/")).text

    assert "Does the cost matter to you?" in shown and "Draft" not in shown


def test_the_structured_values_are_content_an_edit_of_which_is_reviewed_and_diffed(medicines, editor_user):
    assert set(DECISION_AID_FIELDS) <= {field.name for field in versions.compared_fields(Therapy)}
    tablet = Therapy.objects.get(slug="fingolimod")
    tablet.conception_wait = 3
    revision = workflow.save_edit(tablet, editor_user)

    assert revision is not None  # waits for a reviewer; the live value stays
    assert Therapy.objects.get(slug="fingolimod").conception_wait == 2


@pytest.mark.parametrize(
    "values",
    [
        {"blood_tests_first_year": 60},
        {"pregnancy_plan": "can_continue", "conception_wait": 2, "conception_wait_unit": "months"},
        {"pregnancy_plan": "stop_before"},
        {"pregnancy_plan": "stop_before", "conception_wait_unit": "months"},  # a NULL wait must not slip through
        {"trial_comparator": "a hunch"},
    ],
)
def test_the_database_refuses_values_out_of_range_or_without_their_plan(make_therapy, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_therapy(**values)


def test_the_admin_says_which_field_to_fix(make_therapy):
    therapy = make_therapy()
    therapy.pregnancy_plan = "stop_before"

    with pytest.raises(ValidationError) as error:
        therapy.full_clean()

    assert "conception_wait" in error.value.message_dict
    therapy.conception_wait, therapy.conception_wait_unit = 1, "weeks"
    therapy.full_clean()
    assert therapy.conception_wait_text == "1 week"


def test_only_published_disease_modifying_medicines_are_weighed(client, medicines, make_therapy, make_category):
    make_therapy(generic_name="draftimab", is_published=False)
    make_therapy(generic_name="trialimab", category=make_category(kind=Category.Kind.EMERGING), development_stage="phase_2")

    text = page(client.get("/decide/answers/?way=any")).text

    assert "draftimab" not in text and "trialimab" not in text


def test_the_aid_is_linked_from_the_menu_the_home_page_and_the_chooser_and_in_the_sitemap(client, medicines, make_site_page):
    make_site_page(key=SitePage.Key.DECIDE_INTRODUCTION, title="Help me decide", body="Questions about what matters.")
    for url in ("/", "/therapies/"):
        assert page(client.get(url)).find_all("a", href="/decide/"), url
    assert "/decide/</loc>" in client.get("/sitemap.xml").content.decode()


def test_a_new_reader_who_wants_a_tablet_monthly_tests_and_a_baby_in_two_years_gets_a_short_list(client, demo_content):
    """The issue's walk-through, on the demo content (values from the content brief)."""
    _response, shown = answers_page(client, "ms=rrms&way=tablet&often=daily&tests=12&pregnancy=yes&cost=yes")

    fitting = shown.section_text(FITTING, NOT_FITTING)
    not_fitting = shown.section_text(NOT_FITTING, NOT_STARTING)
    assert "fingolimod" in fitting and "At least 2 months from the last dose before trying to conceive." in fitting
    assert "ozanimod" in fitting and "At least 3 months from the last dose before trying to conceive." in fitting
    assert "natalizumab" in not_fitting and "ocrelizumab" not in fitting
    assert "These figures cannot be compared directly." in shown.text
    # When each medicine's facts were last reviewed, and by whom.
    assert "Facts reviewed By Demo medical reviewer" in fitting
    assert "Questions to ask my neurologist" in page(
        client.get("/decide/summary/?ms=rrms&way=tablet&often=daily&tests=12&pregnancy=yes&cost=yes")
    ).text
    # The texts are the demo's reviewed site texts.
    assert "Some medicines must be stopped months before trying for a baby." in page(client.get("/decide/")).text
