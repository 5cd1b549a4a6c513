"""Issue 10, part 3: the demo content is right and honest, on new installs and,
through review, on installs loaded before the corrections.

Each corrected fact is checked where a reader meets it, with the reference a
reader can follow; the page structure (no procedure among the medicines, one
"Medicines in this group", one price disclaimer beside the first price, no
placeholder pages) on every public page; and the shorter review interval of
emerging therapies."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from editorial import workflow
from editorial.models import ReviewDecision, Revision
from editorial.models import add_months
from editorial.templatetags.editorial_panel import overdue
from tests.page_helpers import PRICE_DISCLAIMER, page
from tests.site.test_demo_content import snapshot
from editorial import demo
from msinfo import demo as corrections
from msinfo.demo import SEEDED
from therapies.models import Category, Therapy

pytestmark = pytest.mark.django_db

NEW_STAGES = {"discontinued", "not_approved"}
needs_new_stages = pytest.mark.skipif(
    not NEW_STAGES <= set(Therapy.Stage.values),
    reason="needs DevelopmentStage 'discontinued' and 'not_approved' (added with a therapies migration)",
)
FATIGUE_TRIAL = "https://pmc.ncbi.nlm.nih.gov/articles/PMC7772747/"


def registry(nct):
    return f"https://clinicaltrials.gov/study/{nct}"


def load():
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(demo_content):
    return demo_content


def text_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return page(response)


def references_of(p):
    """The addresses in the page's numbered reference list."""
    block = p.html.split('id="references-heading"', 1)
    assert len(block) == 2, "the page has a reference list"
    return re.findall(r'href="([^"]+)"', block[1].split("</section>", 1)[0])


# --- BTK inhibitors ------------------------------------------------------------------------


def test_evobrutinib_is_history_with_its_trials_cited(loaded, client):
    p = text_of(client, "/therapies/evobrutinib/")
    assert "development for MS was stopped" in p.text and "December 2023" in p.text
    assert "did no better than teriflunomide" in p.text
    assert "not being tested in MS any more" in p.text
    assert {registry("NCT04338022"), registry("NCT04338061")} <= set(references_of(p))


def test_tolebrutinib_shows_the_fdas_complete_response_letter_with_its_trials(loaded, client):
    p = text_of(client, "/therapies/tolebrutinib/")
    assert "December 2025" in p.text and "complete response letter" in p.text
    assert "non-relapsing secondary progressive MS" in p.text
    assert "July 2025" in p.text  # the provisional approval in the United Arab Emirates
    cited = set(references_of(p))
    for nct in ("NCT04411641", "NCT04410978", "NCT04410991", "NCT04458051"):
        assert registry(nct) in cited, nct


@needs_new_stages
def test_the_stopped_and_refused_agents_are_not_shown_in_phase_3(loaded, client):
    assert Therapy.objects.get(slug="evobrutinib").development_stage == "discontinued"
    assert Therapy.objects.get(slug="tolebrutinib").development_stage == "not_approved"
    emerging = text_of(client, "/emerging/").text
    for name in ("evobrutinib", "tolebrutinib"):
        assert "Phase 3" not in text_of(client, f"/therapies/{name}/").section_text("Stage", "How it works")
        assert f"{name}: Phase 3" not in emerging


def test_fenebrutinib_and_remibrutinib_are_in_phase_3(loaded, client):
    for name in ("fenebrutinib", "remibrutinib"):
        assert "Phase 3 trial" in text_of(client, f"/therapies/{name}/").text
    cited = set(references_of(text_of(client, "/therapies/fenebrutinib/")))
    assert {registry("NCT04586023"), registry("NCT04586010"), registry("NCT04544449")} <= cited
    emerging = text_of(client, "/emerging/").text
    assert "fenebrutinib: Phase 3 trial" in emerging and "remibrutinib: Phase 3 trial" in emerging


def test_the_btk_section_links_each_trial_to_its_registry_entry_and_warns_about_the_liver(loaded, client):
    p = text_of(client, "/emerging/")
    for nct in ("NCT04411641", "NCT04410978", "NCT04410991", "NCT04458051", "NCT04338022", "NCT04338061",
                "NCT04586023", "NCT04586010", "NCT04544449", "NCT05147220", "NCT05156281", "NCT07225504"):
        assert registry(nct) in p.links(), nct
    assert "development for MS was stopped" in p.text and "complete response letter" in p.text
    assert "liver blood tests" in p.text


# --- aHSCT -----------------------------------------------------------------------------------


def test_ahsct_is_a_procedure_not_a_medicine_in_a_drug_trial(loaded, client):
    p = text_of(client, "/therapies/ahsct/")
    assert "procedure, not a medicine" in p.text
    assert "Stage of development" not in p.text and "Phase" not in p.text
    for fact in ("BEAT-MS", "StarMS", "RAM-MS", "serious infections", "infertility", "small risk of death",
                 "health services already offer it"):
        assert fact in p.text, fact

    emerging = text_of(client, "/emerging/").text
    listed = emerging.split("autologous haematopoietic stem cell transplantation (aHSCT):", 1)[1][:200]
    assert listed.strip().startswith("a procedure, not a medicine.")
    assert "Phase" not in listed


def test_ahsct_is_not_listed_under_medicines_in_this_group(loaded, client):
    p = text_of(client, "/categories/stem-cell-therapy/")
    assert "Medicines in this group" not in p.text
    procedures = p.section_text("Procedures (not medicines)", "Next review")
    assert "autologous haematopoietic stem cell transplantation (aHSCT)" in procedures


def test_a_group_with_medicines_and_a_procedure_lists_them_apart(client, make_category, make_therapy):
    group = make_category(kind=Category.Kind.EMERGING, name="Mixed", slug="mixed")
    make_therapy(generic_name="newmab", slug="newmab", category=group, development_stage=Therapy.Stage.PHASE_2)
    make_therapy(generic_name="a transplant", slug="transplant", category=group, route=Therapy.Route.PROCEDURE,
                 development_stage="")
    p = text_of(client, "/categories/mixed/")
    medicines = p.section_text("Medicines in this group", "Procedures (not medicines)")
    assert "newmab" in medicines and "a transplant" not in medicines
    assert "a transplant" in p.section_text("Procedures (not medicines)", "Next review")


def test_an_emerging_medicine_still_needs_a_stage_but_a_procedure_does_not(make_category):
    section = make_category(kind=Category.Kind.EMERGING, name="Section", slug="section")
    medicine = Therapy(generic_name="x-mab", slug="x-mab", category=section, route=Therapy.Route.INFUSION, summary="s")
    with pytest.raises(ValidationError, match="need a development stage"):
        medicine.full_clean()
    Therapy(generic_name="y", slug="y", category=section, route=Therapy.Route.PROCEDURE, summary="s").full_clean()


# --- Modafinil -------------------------------------------------------------------------------


def test_modafinil_is_named_with_the_ms_fatigue_result_and_its_reference(loaded, client):
    care = text_of(client, "/care/")
    assert "modafinil" in care.text.lower()
    assert "MS-FATIGUE trial" in care.text and "no better than a dummy pill (placebo)" in care.text
    assert FATIGUE_TRIAL in care.links()

    article = text_of(client, "/articles/ms-treatment-explained/")
    assert "MS-FATIGUE trial (Lancet Neurology, 2021) it worked no better than placebo" in article.text
    assert FATIGUE_TRIAL in references_of(article)


# --- Dosing schedules ------------------------------------------------------------------------


def test_group_and_medicine_schedules_agree(loaded, client):
    assert "every two weeks" in text_of(client, "/therapies/peginterferon-beta-1a/").text
    assert "two short courses, a year apart" in text_of(client, "/therapies/alemtuzumab/").text
    injectable = text_of(client, "/categories/injectable-dmts/").text
    infusion = text_of(client, "/categories/infusion-therapies/").text
    assert "once every two weeks" in injectable and "peginterferon beta-1a" in injectable
    assert "two short courses a year apart" in infusion
    for url in ("/", "/therapies/", "/categories/injectable-dmts/", "/categories/infusion-therapies/",
                "/articles/ms-treatment-explained/"):
        text = text_of(client, url).text
        assert "1 to 7 times a week" not in text and "once to seven times a week" not in text, url
        assert "4 to 24 weeks" not in text, url


# --- Page structure --------------------------------------------------------------------------

PUBLIC = [
    "/", "/therapies/", "/therapies/fingolimod/", "/therapies/ozanimod/", "/therapies/tolebrutinib/",
    "/therapies/ahsct/", "/categories/oral-dmts/", "/categories/injectable-dmts/", "/categories/btk-inhibitors/",
    "/categories/stem-cell-therapy/", "/categories/physical-therapy/", "/emerging/", "/care/", "/articles/",
    "/articles/ms-treatment-explained/", "/therapies/fingolimod/prices/",
]


def test_no_page_repeats_the_medicines_heading(loaded, client):
    for url in PUBLIC:
        response = client.get(url)
        if response.status_code != 200:
            continue
        assert page(response).text.count("Medicines in this group") <= 1, url
    assert text_of(client, "/categories/oral-dmts/").text.count("Medicines in this group") == 1


def test_the_price_disclaimer_appears_once_next_to_the_first_price(loaded, client):
    for url in PUBLIC:
        response = client.get(url)
        if response.status_code != 200:
            continue
        p = page(response)
        prices = p.html.find('class="price-amount"')
        if prices == -1:
            prices = p.html.find("US$")
        shown = p.text.count(PRICE_DISCLAIMER)
        assert p.text.count("not quotes") == shown, f"{url}: no second disclaimer in other words"
        if "US$" not in p.text:
            assert shown == 0, url
            continue
        assert shown == 1, url
        disclaimer = p.html.find("price-disclaimer")
        assert prices < disclaimer, f"{url}: the disclaimer follows the first price"
        # Beside it: in the same block, with no other heading between them.
        assert not re.search(r"<h[1-6]", p.html[prices:disclaimer]), url


def test_placeholder_sections_are_merged_into_their_parent_page(loaded, client):
    for slug, parent in (("rehabilitation", "/care/"), ("symptom-treatment", "/care/"),
                         ("neuroprotective-agents", "/emerging/"), ("personalised-medicine", "/emerging/")):
        response = client.get(f"/categories/{slug}/")
        assert response.status_code == 301, slug
        assert response["Location"] == f"{parent}#section-{slug}"
        p = text_of(client, parent)
        assert p.find_all("h2", id=f"section-{slug}"), slug
        assert f"/categories/{slug}/" not in p.links(), slug
    # A section that lists its own therapies keeps its page.
    assert client.get("/categories/btk-inhibitors/").status_code == 200
    assert "/categories/btk-inhibitors/" in text_of(client, "/emerging/").links()


# --- Review intervals ------------------------------------------------------------------------


def test_emerging_content_is_due_for_review_after_six_months(loaded, client):
    # What the December 2026 update wrote (the emerging content, the DMT
    # groups) is reviewed as the demo loads; the rest on the launch review date.
    today = timezone.localdate()
    six, twelve = add_months(today, 6), add_months(today, 12)
    assert Category.objects.get(slug="btk-inhibitors").next_review_due == six
    assert Therapy.objects.get(slug="tolebrutinib").next_review_due == six
    assert Therapy.objects.get(slug="ahsct").next_review_due == six
    assert Category.objects.get(slug="oral-dmts").next_review_due == twelve
    fingolimod = Therapy.objects.get(slug="fingolimod")
    assert fingolimod.next_review_due == add_months(fingolimod.last_reviewed, 12)
    assert Category.objects.get(slug="rehabilitation").next_review_due == add_months(demo.REVIEWED, 12)
    assert f"{six:%-d %B %Y}" in text_of(client, "/therapies/tolebrutinib/").text
    assert f"{six:%-d %B %Y}" in text_of(client, "/emerging/").section_text("BTK inhibitors", "Stem cell")


def test_the_emerging_interval_is_a_setting_and_an_item_may_only_shorten_it(settings, make_category, make_therapy):
    settings.EMERGING_REVIEW_INTERVAL_MONTHS = 3
    section = make_category(kind=Category.Kind.EMERGING, name="S", slug="s", last_reviewed=datetime.date(2026, 1, 1))
    agent = make_therapy(generic_name="a", slug="a", category=section, development_stage=Therapy.Stage.PHASE_1,
                         last_reviewed=datetime.date(2026, 1, 1))
    assert section.next_review_due == agent.next_review_due == datetime.date(2026, 4, 1)
    agent.review_interval_months = 2
    assert agent.next_review_due == datetime.date(2026, 3, 1)
    agent.review_interval_months = 6
    with pytest.raises(ValidationError, match="at most 3 months"):
        agent.full_clean()


def test_the_editors_dashboard_lists_emerging_content_overdue_after_six_months(make_category, make_therapy):
    today = datetime.date(2026, 11, 1)
    seven_months_ago = datetime.date(2026, 4, 1)
    section = make_category(kind=Category.Kind.EMERGING, name="Fast", slug="fast", last_reviewed=seven_months_ago)
    group = make_category(name="Slow", slug="slow", last_reviewed=seven_months_ago)
    make_therapy(generic_name="fastmab", slug="fastmab", category=section, development_stage=Therapy.Stage.PHASE_2,
                 last_reviewed=seven_months_ago)
    make_therapy(generic_name="slowmab", slug="slowmab", category=group, last_reviewed=seven_months_ago)
    assert [entry["obj"].slug for entry in overdue(Category, today)] == ["fast"]
    assert [entry["obj"].slug for entry in overdue(Therapy, today)] == ["fastmab"]


# --- Running the loader again, and older installs --------------------------------------------


def test_running_the_loader_again_changes_nothing(loaded):
    before = snapshot()
    revisions = Revision.objects.count()
    load()
    assert snapshot() == before
    assert Revision.objects.count() == revisions


def seed_old_text():
    """An install loaded before the corrections: the rows hold the first seeded text."""
    for kind, model in (("category", Category), ("therapy", Therapy), ("article", Article)):
        for slug, fields in SEEDED[kind].items():
            model.objects.filter(slug=slug).update(**fields)


def test_an_older_install_gets_the_corrections_as_pending_revisions_for_a_reviewer(loaded, client):
    seed_old_text()
    Therapy.objects.filter(slug="remibrutinib").update(summary="An editor's own summary.")
    output = load()

    assert "correction proposed for review: therapy 'evobrutinib'" in output
    evobrutinib = Therapy.objects.get(slug="evobrutinib")
    revision = workflow.open_revision(evobrutinib)
    assert revision.status == Revision.Status.PENDING
    assert "stopped after these results" in revision.data["body"]
    decision = ReviewDecision.objects.for_object(evobrutinib).first()
    assert decision.action == ReviewDecision.Action.SUBMITTED and "content brief" in decision.note
    # Nothing reaches readers before a reviewer approves it.
    assert "stopped after these results" not in text_of(client, "/therapies/evobrutinib/").text
    assert "for example, modafinil" in text_of(client, "/care/").text
    # An editor's own text is theirs: only the fields still holding the seeded text are corrected.
    remibrutinib = workflow.open_revision(Therapy.objects.get(slug="remibrutinib"))
    assert remibrutinib.data["summary"] == "An editor's own summary."
    assert "teriflunomide" in remibrutinib.data["body"]

    reviewer = get_user_model().objects.get(username="demo-medical-reviewer")
    for model, slug in ((Therapy, "evobrutinib"), (Category, "symptom-treatment"), (Article, "ms-treatment-explained")):
        workflow.approve(model.objects.get(slug=slug), reviewer)
    assert "stopped after these results" in text_of(client, "/therapies/evobrutinib/").text
    assert "MS-FATIGUE trial" in text_of(client, "/care/").text
    assert "no better than placebo" in text_of(client, "/articles/ms-treatment-explained/").text

    # Again: nothing new is proposed, whether approved, waiting or sent back.
    workflow.send_back(Therapy.objects.get(slug="tolebrutinib"), reviewer, "Not yet, please.")
    before = Revision.objects.count()
    assert "correction proposed" not in load()
    assert Revision.objects.count() == before


def test_a_page_with_an_edit_waiting_for_review_is_left_alone(loaded, editor):
    seed_old_text()
    fenebrutinib = Therapy.objects.get(slug="fenebrutinib")
    fenebrutinib.mechanism = "An editor's pending change."
    workflow.save_edit(fenebrutinib, editor)
    output = load()
    assert "correction not proposed for therapy 'fenebrutinib': an edit is already waiting for review" in output
    assert workflow.open_revision(fenebrutinib).data["mechanism"] == "An editor's pending change."
    assert "FENhance" not in workflow.open_revision(fenebrutinib).data["body"]


def test_every_correction_in_the_seed_differs_from_the_text_first_seeded():
    for (model, slug), new in corrections.corrected_values().items():
        kind = {Category: "category", Therapy: "therapy", Article: "article"}[model]
        old = SEEDED[kind][slug]
        assert any(new[field] != old[field] for field in new if field != "development_stage"), slug


def test_the_admin_tells_editors_an_emerging_section_is_due_sooner(editor_client):
    from django.urls import reverse

    text = editor_client.get(reverse("admin:therapies_emergingsection_add")).content.decode()
    assert "The site default is 12 months. For this page it is 6 months." in text
    text = editor_client.get(reverse("admin:therapies_dmtgroup_add")).content.decode()
    assert "The site default is 12 months." in text and "For this page it is" not in text


def test_an_install_holding_the_article_as_shipped_before_fenebrutinib_reported_gets_the_correction(loaded, client):
    from articles.demo import SHIPPED

    shipped = SHIPPED[0]["article"]["ms-treatment-explained"]["body"]
    Article.objects.filter(slug="ms-treatment-explained").update(body=shipped)
    assert "Fenebrutinib and remibrutinib are in Phase 3 trials." in text_of(client, "/articles/ms-treatment-explained/").text

    assert "correction proposed for review: article 'ms-treatment-explained'" in load()

    article = Article.objects.get(slug="ms-treatment-explained")
    assert "Fenebrutinib has reported positive Phase 3 results" in workflow.open_revision(article).data["body"]
    # Readers see the change only once a reviewer approves it, with the trials cited.
    assert "Fenebrutinib has reported positive Phase 3 results" not in text_of(client, "/articles/ms-treatment-explained/").text
    workflow.approve(article, get_user_model().objects.get(username="demo-medical-reviewer"))
    reader = text_of(client, "/articles/ms-treatment-explained/")
    assert "Fenebrutinib has reported positive Phase 3 results" in reader.text
    assert registry("NCT04586010") in references_of(reader) and registry("NCT04544449") in references_of(reader)
