"""A fact sheet on every therapy page: who it is for, how it is taken, how well
it works, its side effects and risks, tests, pregnancy and stopping, each block
with numbered citations into the page's reference list. Edited in the admin,
going live only through review; blocks with nothing to say are left out."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from editorial import workflow
from editorial.models import Reference
from tests.admin_roles import admin_url, draft, seen_version
from tests.page_helpers import Page
from tests.prices.test_estimates_admin import form_data
from therapies.demo.fact_sheets import FACT_SHEETS
from therapies.models import Therapy

pytestmark = pytest.mark.django_db

HEADINGS = [heading for _, heading in Therapy.FACT_SHEET_BLOCKS]


def cite(therapy, title, position, supports="", url=""):
    return Reference.objects.create(
        content_type=ContentType.objects.get_for_model(Therapy),
        object_id=therapy.pk,
        position=position,
        title=title,
        url=url,
        supports=supports,
    )


def page(client, therapy):
    response = client.get(therapy.get_absolute_url())
    assert response.status_code == 200
    return Page(response)


def block_text(page, heading):
    """The visible text of the fact-sheet block under `heading`."""
    after = page.text.split("Fact sheet", 1)[1].split(heading, 1)[1]
    ends = [after.find(other) for other in [*HEADINGS, "References"] if other != heading and other in after]
    return after[: min(ends)] if ends else after


@pytest.fixture
def fingolimod(make_therapy):
    therapy = make_therapy(
        generic_name="fingolimod",
        slug="fingolimod",
        route=Therapy.Route.ORAL,
        frequency="Once a day",
        licensed_cis=True,
        licensed_rrms=True,
        licensed_spms=True,
        who_for="Adults, and children from the age of 10.",
        dose_interval=Therapy.Interval.DAILY,
        taken_where=Therapy.Setting.HOME,
        efficacy_tier=Therapy.Efficacy.MODERATE_HIGH,
        efficacy_result="54% fewer relapses than placebo over two years (FREEDOMS).",
        common_side_effects="Headache\n- Diarrhoea\n\nCough\n",
        serious_risks="A slow heartbeat after the first dose\nSkin cancers",
        monitoring="Heart monitoring for 6 hours after the first dose",
        before_starting="A check of chickenpox immunity",
        pregnancy="Stop before trying for a baby.",
        pregnancy_washout="at least 2 months",
        stopping="MS can come back strongly (rebound).",
    )
    cite(therapy, "Price survey", 1)
    cite(therapy, "FREEDOMS trial", 2, supports="efficacy")
    cite(therapy, "Gilenya label", 3, supports="who,side_effects,risks,pregnancy")
    return therapy


# --- The model: names other parts of the site code against -------------------------------


def test_ms_types_labels_and_licensed_for(fingolimod, make_therapy):
    ocrelizumab = make_therapy(licensed_rrms=True, licensed_ppms=True)
    assert fingolimod.ms_type_labels == [
        "Clinically isolated syndrome",
        "Relapsing-remitting MS",
        "Active secondary progressive MS",
    ]
    assert list(Therapy.objects.licensed_for("ppms")) == [ocrelizumab]
    assert set(Therapy.objects.live().licensed_for("rrms")) == {fingolimod, ocrelizumab}
    assert [code for code, _ in Therapy.MS_TYPES] == ["cis", "rrms", "spms", "ppms"]
    with pytest.raises(ValueError, match="Unknown MS type"):
        Therapy.objects.licensed_for("progressive")


def test_list_helpers_read_one_item_per_line(fingolimod, make_therapy):
    assert fingolimod.side_effect_list == ["Headache", "Diarrhoea", "Cough"]  # blank lines and bullets dropped
    assert fingolimod.serious_risk_list == ["A slow heartbeat after the first dose", "Skin cancers"]
    assert fingolimod.has_fact_sheet
    assert not make_therapy().has_fact_sheet


@pytest.mark.parametrize("field", ["dose_interval", "taken_where", "efficacy_tier"])
def test_the_database_refuses_a_choice_that_is_not_on_the_list(make_therapy, field):
    therapy = make_therapy()
    with pytest.raises(IntegrityError), transaction.atomic():
        Therapy.objects.filter(pk=therapy.pk).update(**{field: "sometimes"})


# --- The public page ----------------------------------------------------------------------


def test_the_page_shows_each_block_in_reading_order_with_its_content(client, fingolimod):
    shown = page(client, fingolimod)
    headings = [h for h in HEADINGS if h in shown.text]
    assert headings == HEADINGS  # every block has data here, in this order
    assert [shown.text.index(h) for h in headings] == sorted(shown.text.index(h) for h in headings)
    assert "Clinically isolated syndrome" in block_text(shown, "Who it is for")
    assert "children from the age of 10" in block_text(shown, "Who it is for")
    how = block_text(shown, "How it is taken")
    assert "Tablet or capsule" in how and "Once a day" in how and "At home" in how
    assert "Moderate to high efficacy" in block_text(shown, "How well it works")
    assert "Wash-out before trying for a baby: at least 2 months" in block_text(shown, "Pregnancy and breastfeeding")
    # Lists are lists: one item each.
    side_effects = shown.html.split('id="fact-side_effects"')[1].split("</section>")[0]
    assert side_effects.count("<li>") == 3


def test_each_block_cites_its_own_references_linking_to_the_numbered_list(client, fingolimod):
    shown = page(client, fingolimod)
    efficacy = shown.html.split('id="fact-efficacy"')[1].split("</section>")[0]
    assert 'href="#ref-2"' in efficacy and "[2]" in efficacy
    assert 'href="#ref-3"' not in efficacy
    risks = shown.html.split('id="fact-risks"')[1].split("</section>")[0]
    assert 'href="#ref-3"' in risks
    monitoring = shown.html.split('id="fact-monitoring"')[1].split("</section>")[0]
    assert "#ref-" not in monitoring  # no reference says it backs this block
    # The targets exist: the reference list numbers the same rows the same way.
    references = shown.html.split('class="reference-list')[1].split("</ol>")[0]
    assert '<li id="ref-2">FREEDOMS trial' in references
    assert '<li id="ref-3">Gilenya label' in references


def test_the_decision_aids_counts_and_comparator_show_on_the_fact_sheet_where_recorded(client, make_therapy):
    therapy = make_therapy(
        monitoring="Blood count every 3 months", efficacy_result="Fewer relapses.", trial_comparator="placebo",
        blood_tests_first_year=4, blood_tests_later_year=4, clinic_visits_first_year=1,
    )
    shown = page(client, therapy)
    monitoring = block_text(shown, "Tests and monitoring")
    assert "Blood tests: 4 in the first year; up to 4 in any later year" in monitoring
    assert "Clinic visits for doses: 1 in the first year; later years not recorded — ask your neurologist" in monitoring
    assert "Main trial compared with: a dummy treatment (placebo)" in block_text(shown, "How well it works")

    unrecorded = page(client, make_therapy(monitoring="Blood count every 3 months"))
    assert "Blood tests:" not in unrecorded.text and "Clinic visits for doses:" not in unrecorded.text


def test_blocks_with_nothing_to_say_are_left_out(client, make_therapy):
    therapy = make_therapy(serious_risks="Liver damage")
    shown = page(client, therapy)
    assert "Serious risks" in shown.text and "Liver damage" in shown.text
    for heading in set(HEADINGS) - {"Serious risks"}:
        assert heading not in shown.text
    assert "None listed" not in shown.text
    bare = page(client, make_therapy())
    assert "Fact sheet" not in bare.text and "None listed" not in bare.text


def test_a_draft_edit_of_the_fact_sheet_stays_hidden_until_approved(client, fingolimod, editor_user, reviewer):
    fingolimod.serious_risks = "A slow heartbeat after the first dose\nSkin cancers\nMacular oedema"
    revision = workflow.save_edit(fingolimod, editor_user, base_version=fingolimod.edit_version)
    assert revision is not None
    assert "Macular oedema" not in page(client, fingolimod).text
    workflow.approve(Therapy.objects.get(pk=fingolimod.pk), reviewer)
    assert "Macular oedema" in block_text(page(client, fingolimod), "Serious risks")


def test_the_review_page_and_history_show_fact_sheet_changes(reviewer_web, fingolimod, editor_user):
    fingolimod.monitoring = "Heart monitoring for 6 hours after the first dose\nAn eye check after 3 to 4 months"
    fingolimod.licensed_cis = False
    workflow.save_edit(fingolimod, editor_user, base_version=fingolimod.edit_version)
    response = reviewer_web.get(admin_url(fingolimod, "review"))
    changes = {change.label: (change.live, change.pending) for change in response.context["changes"]}
    assert changes["licensed for clinically isolated syndrome"] == (True, False)
    assert "An eye check" in changes["tests and monitoring"][1]
    table = response.content.decode().split('id="review-changes"')[1].split("</table>")[0]
    assert "An eye check after 3 to 4 months</ins>" in table  # the added line marked as added
    assert "Yes" in table and "No" in table  # a box reads as Yes/No, not True/False

    reviewer_web.post(
        admin_url(fingolimod, "review"), {"note": "Fine.", "seen_version": seen_version(reviewer_web, fingolimod)}
    )
    history = reviewer_web.get(admin_url(fingolimod, "history")).content.decode()
    assert "tests and monitoring" in history.lower() and "An eye check" in history


def test_the_admin_form_saves_ms_types_and_the_fact_sheet(editor_web, make_therapy):
    therapy = draft(make_therapy)
    url = admin_url(therapy, "change")
    form = editor_web.get(url)
    html = form.content.decode()
    assert "Fact sheet" in html and "One item per line" in html
    assert 'type="checkbox" name="licensed_ppms"' in html
    data = form_data(form)
    data.update(
        licensed_rrms="on",
        licensed_ppms="on",
        dose_interval="twice_yearly",
        taken_where="clinic",
        efficacy_tier="high",
        serious_risks="Infections\r\nHepatitis B coming back",
        _save="Save",
    )
    response = editor_web.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    therapy.refresh_from_db()
    assert therapy.ms_type_codes == ["rrms", "ppms"]
    assert therapy.get_dose_interval_display() == "Twice a year"
    assert therapy.serious_risk_list == ["Infections", "Hepatitis B coming back"]


def test_the_admin_form_says_clearly_when_a_choice_is_not_on_the_list(editor_web, make_therapy):
    therapy = draft(make_therapy)
    url = admin_url(therapy, "change")
    data = form_data(editor_web.get(url))
    data.update(dose_interval="fortnightly", _save="Save")
    response = editor_web.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_reference_says_which_blocks_it_supports(editor_web, make_therapy):
    therapy = draft(make_therapy)
    url = admin_url(therapy, "change")
    form = editor_web.get(url)
    assert 'name="references-0-supports"' in form.content.decode()
    data = form_data(form)
    data.update(
        {
            "references-0-position": "1",
            "references-0-title": "FREEDOMS trial",
            "references-0-supports": ["efficacy", "risks"],
            "_save": "Save",
        }
    )
    response = editor_web.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    reference = Reference.objects.get(object_id=therapy.pk, title="FREEDOMS trial")
    assert reference.supported_blocks == ["efficacy", "risks"]


def test_the_reference_form_shows_every_block_a_reference_supports_and_keeps_them(editor_web, fingolimod):
    Therapy.objects.filter(pk=fingolimod.pk).update(status="draft", published_at=None)
    url = admin_url(fingolimod, "change")
    form = editor_web.get(url)
    html = form.content.decode()
    label_row = html.split('name="references-2-supports"', 1)[0].rsplit("<tr", 1)[1]
    assert "Gilenya label" in label_row  # the row of the label, supporting four blocks
    data = form_data(form)
    assert sorted(data["references-2-supports"]) == sorted(["who", "side_effects", "risks", "pregnancy"])
    data["_save"] = "Save"
    response = editor_web.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Reference.objects.get(title="Gilenya label").supports == "who,side_effects,risks,pregnancy"


def test_a_reference_cannot_support_a_block_the_page_does_not_have(make_therapy, make_article):
    reference = cite(make_therapy(), "Label", 1, supports="efficacy,cost")
    with pytest.raises(ValidationError, match="Not a part of this page: cost"):
        reference.full_clean()
    article = make_article()
    on_article = Reference(
        content_type=ContentType.objects.get_for_model(article), object_id=article.pk, title="X", supports="efficacy"
    )
    with pytest.raises(ValidationError, match="no parts to cite"):
        on_article.full_clean()


def test_the_article_reference_form_has_no_supports_column(editor_web, make_article):
    article = draft(make_article)
    assert "supports" not in editor_web.get(admin_url(article, "change")).content.decode()


# --- Demo content -------------------------------------------------------------------------


def load():
    call_command("load_demo_content", stdout=StringIO())


def fact_sheet_state():
    licensed = [f.name for f in Therapy._meta.fields if f.name.startswith("licensed_")]
    fields = ["slug", "edit_version", "status", *licensed]
    fields += ["who_for", "efficacy_result", "serious_risks", "monitoring", "pregnancy", "stopping"]
    return list(Therapy.objects.order_by("slug").values(*fields)), list(
        Reference.objects.order_by("id").values("object_id", "title", "position", "supports")
    )


def test_demo_content_fills_the_ten_dmts_through_review(client):
    load()
    assert len(FACT_SHEETS) == 10
    for slug in FACT_SHEETS:
        therapy = Therapy.objects.get(slug=slug)
        assert therapy.has_fact_sheet and therapy.efficacy_tier and therapy.efficacy_result, slug
        assert therapy.is_live and therapy.approved_by.username == "demo-medical-reviewer"
        assert not workflow.open_revision(therapy)
        efficacy_sources = [r for r in therapy.references.all() if "efficacy" in r.supported_blocks]
        assert efficacy_sources, f"{slug}: its trial result cites no source"
        # Every source the fact sheet cites has a link a reader can follow.
        assert all(r.links for r in therapy.references.all() if r.supports), slug
    ocrelizumab = Therapy.objects.get(slug="ocrelizumab")
    assert "Primary progressive MS" in ocrelizumab.ms_type_labels
    assert "ocrelizumab" in Therapy.objects.licensed_for("ppms").values_list("slug", flat=True)
    shown = page(client, Therapy.objects.get(slug="fingolimod"))
    assert "FREEDOMS" in block_text(shown, "How well it works")
    assert "None listed" not in shown.text


def test_running_the_demo_again_changes_nothing_and_keeps_editors_text():
    load()
    Therapy.objects.filter(slug="fingolimod").update(pregnancy="An editor's own words.")
    before = fact_sheet_state()
    load()
    assert fact_sheet_state() == before
    assert Therapy.objects.get(slug="fingolimod").pregnancy == "An editor's own words."


def test_the_fact_sheet_costs_the_page_no_extra_query(client, fingolimod, make_therapy):
    bare = make_therapy(category=fingolimod.category)
    cite(bare, "Price survey", 1)
    # A first request warms what is kept while nothing changes (content
    # types, the content version, the glossary): count the second.
    for therapy in (bare, fingolimod):
        client.get(therapy.get_absolute_url())
    counts = []
    for therapy in (bare, fingolimod):
        with CaptureQueriesContext(connection) as queries:
            client.get(therapy.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]
