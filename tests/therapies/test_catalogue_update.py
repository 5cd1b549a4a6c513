"""Issue 18: the December 2026 update of the catalogue's demo content, on a new
database and on an install loaded before it.

On a new database every new medicine, form and fact sheet goes live,
approved by the demo medical reviewer. On an install loaded earlier nothing
reaches readers before a medical reviewer has seen it: the new medicines
and sections wait in review (a reader gets "not found"), corrected and
newly filled text waits as one pending revision per page, the forms of a
live page are listed for the reviewer, and references only gain the
identifiers they lacked.

The data engineer's files (therapies/demo/*_2026_12.json, forms.json) are
stood in for by small fixture files of the same shape, in a copy of the demo
data folder: a made-up medicine ("fixturemab") and ocrelizumab's two forms."""

import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

import therapies.demo
from editorial import workflow
from editorial.models import ReviewDecision, Revision, add_months
from tests.page_helpers import Page
from tests.database_state import KeptRows
from editorial import demo as editorial_demo
from therapies.demo import SEEDED, SHIPPED, fact_sheets, forms, references
from therapies.models import Category, Therapy, TherapyForm

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DEMO = Path(therapies.demo.__file__).parent
REVIEW_DUE = "due for its regular check"

ADDED = [{
    "generic_name": "fixturemab",
    "slug": "fixturemab",
    "category": "injectable-dmts",
    "brand_names": "Fixtura",
    "maker": "Fixture Pharma",
    "first_approved": "US 2099",
    "generics": "No generic version yet.",
    "route": "injection",
    "frequency": "Once a month",
    "mechanism": "A made-up medicine for this test.",
    "summary": "A made-up medicine for this test.",
    "body": "A made-up medicine for this test.",
}]
ADDED_SHEETS = {"fixturemab": {
    "ms_types": ["rrms"], "dose_interval": "monthly", "taken_where": "home", "efficacy_tier": "high",
    "efficacy_result": "Fixture result.", "common_side_effects": "Fixture effect", "serious_risks": "Fixture risk",
    "monitoring": "Fixture test", "pregnancy": "Fixture pregnancy line.", "breastfeeding": "Fixture breastfeeding line.",
    "references": [{"title": "Fixture trial", "nct_id": "NCT09999999",
                    "supports": "who,how,efficacy,side_effects,risks,monitoring,pregnancy"}],
}}
DETAILS = {"ocrelizumab": {
    "maker": "Roche",
    "breastfeeding": "Fixture: what the label says about breastfeeding.",
    "monitoring": "Hepatitis B test and antibody (immunoglobulin) levels before starting",
    "references": [{"title": "Ocrevus Zunovo: label", "publisher": "DailyMed",
                    "dailymed_setid": "b216af61-99d0-42a3-afc2-b5bf86df1ec0", "supports": "monitoring"}],
}}
FORMS = {"ocrelizumab": [
    {"name": "Infusion into a vein", "kind": "original", "brand_names": "Ocrevus", "maker": "Roche",
     "route": "infusion", "schedule": "Every 6 months", "taken_where": "clinic",
     "how_given": "A drip into a vein in a clinic, after two half-doses two weeks apart."},
    {"name": "Injection under the skin", "kind": "new_form", "brand_names": "Ocrevus Zunovo", "maker": "Roche",
     "route": "injection", "schedule": "Every 6 months", "taken_where": "clinic",
     "how_given": "Injected into the belly by a health professional over about 10 minutes.",
     "approved": "US September 2024, EU June 2024"},
]}


class DemoFolder:
    """A copy of the demo data the loader reads, without the update's files
    until `add_update()` writes the fixtures in."""

    UPDATE = (("therapies_added_2026_12.json", ADDED), ("fact_sheets_added_2026_12.json", ADDED_SHEETS),
              ("therapy_details_2026_12.json", DETAILS), ("forms.json", FORMS))

    def __init__(self, path):
        self.path = path
        shutil.copytree(DEMO, path, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        for name, _data in self.UPDATE:
            (path / name).unlink(missing_ok=True)

    def add_update(self):
        for name, data in self.UPDATE:
            (self.path / name).write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def demo_folder(tmp_path, monkeypatch):
    folder = DemoFolder(tmp_path / "demo")
    for module in (therapies.demo, fact_sheets, forms, references):
        monkeypatch.setattr(module, "HERE", folder.path)
    return folder


def load():
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response).text


class _Html:
    def __init__(self, html):
        self.content = html.encode()


def without_sources(client, url):
    """What a page says, apart from its sources: the numbered list, and each
    fact-sheet block's line citing it. A reference the update adds is live at
    once by design (therapies/demo/references.py: a source claims nothing by
    itself, and the reviewer needs it there)."""
    html = client.get(url).content.decode().split('id="references-heading"')[0]
    html = re.sub(r'<p class="fact-sources small">.*?</p>', "", html, flags=re.S)
    return Page(_Html(html)).text


# --- A new database ------------------------------------------------------------------------


def test_a_new_database_gets_the_new_medicine_its_forms_and_details_live(demo_folder, client):
    demo_folder.add_update()
    load()
    reviewer = get_user_model().objects.get(username="demo-medical-reviewer")
    fixturemab = Therapy.objects.get(slug="fixturemab")
    assert fixturemab.is_live and fixturemab.approved_by == reviewer
    assert fixturemab.last_reviewed == timezone.localdate()
    assert fixturemab.unfilled_fact_sheet_parts() == []
    page = text(client, "/therapies/fixturemab/")
    assert "Made by Fixture Pharma" in page and "First approved US 2099" in page
    assert "Generic versions No generic version yet." in page

    ocrelizumab = text(client, "/therapies/ocrelizumab/")
    forms_part = ocrelizumab.split("Forms and versions", 1)[1].split("Fact sheet", 1)[0]
    for fact in ("Infusion into a vein", "Injection under the skin", "Ocrevus Zunovo", "over about 10 minutes",
                 "In a clinic or hospital", "US September 2024, EU June 2024", "Every 6 months"):
        assert fact in forms_part, fact
    assert "Made by Roche" in ocrelizumab
    assert "Breastfeeding: Fixture: what the label says about breastfeeding." in ocrelizumab
    assert "DailyMed label" in ocrelizumab  # the label's link, built from its set ID


def test_running_the_update_again_changes_nothing(demo_folder):
    demo_folder.add_update()
    load()
    revisions, forms_made = Revision.objects.count(), TherapyForm.objects.count()
    output = load()
    assert "created:" not in output and "proposed for review" not in output
    assert (Revision.objects.count(), TherapyForm.objects.count()) == (revisions, forms_made)


# --- An install loaded before the update ---------------------------------------------------


def as_before_the_update():
    """The database as the loader left it before the December 2026 update: no
    new section or agents, the text it shipped in November 2026, no makers on
    the emerging agents, trial references by address with the number in
    their title (and the FENhance numbers swapped)."""
    Therapy.objects.filter(slug__in=["frexalimab", "car-t-cell-therapy"]).delete()
    Category.objects.filter(slug="other-treatments-in-trials").delete()
    for kind, model in (("category", Category), ("therapy", Therapy)):
        for slug, fields in SHIPPED[0][kind].items():
            model.objects.filter(slug=slug).update(**fields)
    # Fields this update corrects for the first time still hold their launch text.
    Category.objects.filter(slug="oral-dmts").update(
        **{field: SEEDED["category"]["oral-dmts"][field] for field in ("administration", "summary")}
    )
    Therapy.objects.filter(category__slug="btk-inhibitors").update(maker="")
    # Reviewed at launch, so the emerging pages are due for their 6-monthly review.
    for model, emerging in ((Category, {"kind": "emerging"}), (Therapy, {"category__kind": "emerging"})):
        model.objects.filter(**emerging).update(last_reviewed=editorial_demo.REVIEWED)
    fenebrutinib = Therapy.objects.get(slug="fenebrutinib")
    for reference in fenebrutinib.references.exclude(nct_id=""):
        swapped = {"NCT04586010": "FENhance 2", "NCT04586023": "FENhance 1"}.get(reference.nct_id)
        title = f"{swapped or reference.title.removesuffix(' trial')} trial ({reference.nct_id})"
        reference.__class__.objects.filter(pk=reference.pk).update(
            title=title, url=f"https://clinicaltrials.gov/study/{reference.nct_id}", nct_id=""
        )
    fenebrutinib.references.filter(publisher="Fierce Biotech").delete()


# Made by the loader in the first test of a process, its rows written in for the others.
EARLIER_INSTALL = KeptRows()


@pytest.fixture
def earlier_install(demo_folder, client):
    """Loaded before the update, then the update's data arrives and the loader runs again."""

    def install():
        load()
        as_before_the_update()
        public = {url: without_sources(client, url) for url in PUBLIC}
        demo_folder.add_update()
        return {"output": load(), "public": public}

    installed = EARLIER_INSTALL.load(install)
    demo_folder.add_update()  # the folder as the loader last read it, when its rows were written in
    return installed


PUBLIC = ["/", "/therapies/", "/emerging/", "/categories/btk-inhibitors/", "/categories/oral-dmts/",
          "/categories/injectable-dmts/", "/therapies/fenebrutinib/", "/therapies/tolebrutinib/",
          "/therapies/ocrelizumab/", "/compare/?t=ocrelizumab&t=fingolimod"]


def test_nothing_reaches_readers_before_a_reviewer(earlier_install, client):
    for url, before in earlier_install["public"].items():
        assert without_sources(client, url) == before, url
    for url in ("/therapies/fixturemab/", "/therapies/frexalimab/", "/therapies/car-t-cell-therapy/",
                "/categories/other-treatments-in-trials/"):
        assert client.get(url).status_code == 404, url
    assert "fixturemab" not in text(client, "/therapies/")
    assert "frexalimab" not in text(client, "/emerging/").lower()


def test_new_pages_wait_in_review_with_a_note_from_the_brief(earlier_install):
    for model, slug in ((Therapy, "fixturemab"), (Therapy, "frexalimab"), (Therapy, "car-t-cell-therapy"),
                        (Category, "other-treatments-in-trials")):
        page = model.objects.get(slug=slug)
        assert page.status == page.Status.IN_REVIEW, slug
        decision = ReviewDecision.objects.for_object(page).get()
        assert decision.action == ReviewDecision.Action.SUBMITTED and "updated content brief" in decision.note
        assert f"sent for review (not public yet): {model._meta.verbose_name} {slug!r}" in earlier_install["output"]
    # Sent complete: the fact sheet, forms and references a reviewer checks come with it.
    fixturemab = Therapy.objects.get(slug="fixturemab")
    assert fixturemab.unfilled_fact_sheet_parts() == [] and fixturemab.references.get().nct_id == "NCT09999999"


def test_corrections_and_filled_gaps_wait_as_one_revision_per_page(earlier_install):
    btk = workflow.open_revision(Category.objects.get(slug="btk-inhibitors"))
    assert btk.status == Revision.Status.PENDING
    assert "FENhance 1 ([NCT04586010]" in btk.data["body"] and "FENhance 2 ([NCT04586023]" in btk.data["body"]
    tolebrutinib = workflow.open_revision(Therapy.objects.get(slug="tolebrutinib"))
    assert tolebrutinib.data["maker"] == "Sanofi" and "28 December 2025" in tolebrutinib.data["body"]
    note = ReviewDecision.objects.for_object(Therapy.objects.get(slug="tolebrutinib")).first().note
    assert "Correction from the updated content brief" in note and "maker" in note

    ocrelizumab = Therapy.objects.get(slug="ocrelizumab")
    revision = workflow.open_revision(ocrelizumab)
    assert revision.data["maker"] == "Roche" and revision.data["breastfeeding"].startswith("Fixture")
    assert revision.data["monitoring"].startswith("Hepatitis B test")
    assert not ocrelizumab.maker and not ocrelizumab.breastfeeding  # the live page is unchanged
    assert "update proposed for review: therapy 'ocrelizumab'" in earlier_install["output"]


def test_the_forms_of_a_live_page_are_listed_for_the_reviewer_not_added(earlier_install):
    ocrelizumab = Therapy.objects.get(slug="ocrelizumab")
    assert not ocrelizumab.forms.exists()
    note = ReviewDecision.objects.for_object(ocrelizumab).first().note
    assert "Forms and versions" in note
    assert "Injection under the skin" in note and "Ocrevus Zunovo" in note and "over about 10 minutes" in note


def test_references_gain_the_identifiers_they_lacked_and_a_corrected_title_is_left_to_the_reviewer(earlier_install):
    fenebrutinib = Therapy.objects.get(slug="fenebrutinib")
    trials = {reference.title: reference.nct_id for reference in fenebrutinib.references.exclude(nct_id="")}
    # No second copy: the old references are the same sources, now with their numbers as data.
    assert trials == {"FENhance 2 trial (NCT04586010)": "NCT04586010", "FENhance 1 trial (NCT04586023)": "NCT04586023",
                      "FENtrepid trial (NCT04544449)": "NCT04544449"}
    note = ReviewDecision.objects.for_object(fenebrutinib).first().note
    assert "'FENhance 2 trial (NCT04586010)' should now read 'FENhance 1 trial'" in note


def test_a_reviewer_approves_and_the_page_is_current_and_due_in_six_months(earlier_install, reviewer, client):
    btk = Category.objects.get(slug="btk-inhibitors")
    assert REVIEW_DUE in text(client, "/categories/btk-inhibitors/")  # truly overdue until reviewed
    workflow.approve(btk, reviewer)
    btk.refresh_from_db()
    assert btk.next_review_due == add_months(timezone.localdate(), 6)
    page = text(client, "/categories/btk-inhibitors/")
    assert "51% fewer in FENhance 1" in page and REVIEW_DUE not in page


def test_running_the_loader_again_proposes_nothing_new(earlier_install):
    revisions, decisions = Revision.objects.count(), ReviewDecision.objects.count()
    output = load()
    assert "proposed for review" not in output and "sent for review" not in output
    assert (Revision.objects.count(), ReviewDecision.objects.count()) == (revisions, decisions)
