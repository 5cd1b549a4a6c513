"""Issue 18, point 1: a medicine's forms and versions. Ocrelizumab's page shows
its infusion and its injection under the skin, each with how, how often and
where it is given; a biosimilar or a generic is a version of the same
medicine, not a page of its own. Editors add forms on the therapy's own admin
page; on a live page only a medical reviewer may, as for its references,
because readers see a form as soon as it is saved. The database refuses a
form it could not show."""

import pytest

from tests.admin_roles import admin_url, draft
from tests.page_helpers import Page
from tests.prices.test_estimates_admin import form_data
from tests.site.test_constraints import refused
from therapies.models import Therapy, TherapyForm

pytestmark = pytest.mark.django_db

INFUSION = {
    "position": 1, "name": "Infusion into a vein", "kind": TherapyForm.Kind.ORIGINAL, "brand_names": "Ocrevus",
    "maker": "Roche", "route": Therapy.Route.INFUSION, "schedule": "Every 6 months",
    "taken_where": Therapy.Setting.CLINIC,
    "how_given": "A drip into a vein in a clinic, over a few hours, after two half-doses two weeks apart.",
}
INJECTION = {
    "position": 2, "name": "Injection under the skin", "kind": TherapyForm.Kind.NEW_FORM,
    "brand_names": "Ocrevus Zunovo", "maker": "Roche", "route": Therapy.Route.INJECTION, "schedule": "Every 6 months",
    "taken_where": Therapy.Setting.CLINIC,
    "how_given": "Injected into the belly by a health professional over about 10 minutes; no drip needed.",
    "approved": "US September 2024, EU June 2024",
}


@pytest.fixture
def ocrelizumab(make_therapy):
    therapy = make_therapy(generic_name="ocrelizumab", slug="ocrelizumab", route=Therapy.Route.INFUSION)
    # Made in the opposite order: the page lists them by position.
    TherapyForm.objects.create(therapy=therapy, **INJECTION)
    TherapyForm.objects.create(therapy=therapy, **INFUSION)
    return therapy


def test_the_page_shows_each_form_with_how_how_often_and_where(client, ocrelizumab):
    text = Page(client.get(ocrelizumab.get_absolute_url())).text
    forms = text.split("Forms and versions", 1)[1]
    infusion, injection = forms.split("Injection under the skin", 1)
    assert "Infusion into a vein" in infusion
    for fact in ("Original", "Ocrevus", "Roche", "Every 6 months", "In a clinic or hospital", "drip into a vein"):
        assert fact in infusion, fact
    for fact in ("Another form", "Ocrevus Zunovo", "over about 10 minutes", "In a clinic or hospital",
                 "Approved US September 2024, EU June 2024"):
        assert fact in injection, fact


def test_a_medicine_with_one_form_shows_no_forms_part(client, make_therapy):
    assert "Forms and versions" not in Page(client.get(make_therapy().get_absolute_url())).text


def test_maker_first_approval_and_generics_are_near_the_top(client, make_therapy):
    therapy = make_therapy(maker="Novartis", first_approved="US 2010, EU 2011",
                           generics="Generic fingolimod has been sold in the US since 31 October 2022.")
    text = Page(client.get(therapy.get_absolute_url())).text
    top = text.split("How it is given", 1)[0]
    assert "Made by Novartis" in top and "First approved US 2010, EU 2011" in top
    assert "Generic versions Generic fingolimod has been sold in the US since 31 October 2022." in top


# --- Editing -------------------------------------------------------------------------------


def form_row(prefix, values):
    return {f"{prefix}{name}": value for name, value in values.items()}


def add_form_data(web, therapy):
    data = form_data(web.get(admin_url(therapy, "change")))
    data.update({"forms-TOTAL_FORMS": "1", "forms-INITIAL_FORMS": "0", "_save": "Save"})
    data.update(form_row("forms-0-", INJECTION))
    return data


def test_an_editor_adds_a_form_to_a_draft(editor_web, make_therapy):
    therapy = draft(make_therapy)
    assert editor_web.post(admin_url(therapy, "change"), add_form_data(editor_web, therapy)).status_code == 302
    assert therapy.forms.get().brand_names == "Ocrevus Zunovo"
    assert therapy.forms.get().history.count() == 1


def test_on_a_live_page_only_a_reviewer_adds_or_changes_forms(editor_web, reviewer_web, make_therapy):
    therapy = make_therapy()
    url = admin_url(therapy, "change")
    data = add_form_data(editor_web, therapy)
    editor_web.post(url, data)
    assert not therapy.forms.exists()

    assert reviewer_web.post(url, add_form_data(reviewer_web, therapy)).status_code == 302
    assert therapy.forms.get().name == "Injection under the skin"
    assert 'name="forms-0-name"' not in editor_web.get(url).content.decode()


# --- What the database refuses -------------------------------------------------------------


@pytest.mark.parametrize("field, value, constraint", [
    ("kind", "copy", "therapy_form_kind_valid"),
    ("route", "inhaled", "therapy_form_route_valid"),
    ("taken_where", "anywhere", "therapy_form_taken_where_valid"),
])
def test_a_form_must_be_of_a_known_kind_route_and_place(make_therapy, field, value, constraint):
    therapy = make_therapy()
    refused(lambda: TherapyForm.objects.create(therapy=therapy, **{**INFUSION, field: value}), constraint)


def test_a_medicine_has_one_form_of_each_name(make_therapy):
    therapy, other = make_therapy(), make_therapy()
    TherapyForm.objects.create(therapy=therapy, **INFUSION)
    same_name = {**INJECTION, "name": INFUSION["name"]}
    refused(lambda: TherapyForm.objects.create(therapy=therapy, **same_name), "therapy_form_name_unique_per_therapy")
    TherapyForm.objects.create(therapy=other, **INFUSION)  # the same name on another medicine is fine
