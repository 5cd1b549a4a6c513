"""`manage.py load_demo_content`: fills an empty database with the brief's
facts, and running it again changes nothing, editors' edits included."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from django.contrib.auth import get_user_model

from articles.models import COST_TABLE_MARKER, Article
from pages.models import SitePage
from editorial.models import Reference, StaffProfile
from therapies.models import Category, Therapy
from prices.models import CostEstimate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

AS_OF = datetime.date(2026, 1, 15)

BRAND_NAMES = {
    "interferon-beta-1a": ["Avonex", "Rebif"],
    "interferon-beta-1b": ["Betaseron", "Extavia"],
    "peginterferon-beta-1a": ["Plegridy"],
    "glatiramer-acetate": ["Copaxone"],
    "fingolimod": ["Gilenya"],
    "dimethyl-fumarate": ["Tecfidera"],
    "ozanimod": ["Zeposia"],
    "natalizumab": ["Tysabri"],
    "ocrelizumab": ["Ocrevus"],
    "alemtuzumab": ["Lemtrada"],
}
CATEGORY_OF = {
    "injectable-dmts": ["interferon-beta-1a", "interferon-beta-1b", "peginterferon-beta-1a", "glatiramer-acetate"],
    "oral-dmts": ["fingolimod", "dimethyl-fumarate", "ozanimod"],
    "infusion-therapies": ["natalizumab", "ocrelizumab", "alemtuzumab"],
}
BTK_AGENTS = ["evobrutinib", "fenebrutinib", "remibrutinib", "tolebrutinib"]


def load():
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def snapshot():
    User = get_user_model()
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Category, Therapy, CostEstimate, Article, Article.related_therapies.through, Reference, SitePage,
            User, User.groups.through, StaffProfile,
        )
    }


@pytest.fixture
def loaded(demo_content):
    """What the loader's first run makes and prints. The run's first such test
    in a process runs the loader, later ones get its rows copied in, the very
    rows it made (tests/database_state.py; tests/site/test_database_state.py
    compares every row of every table), in milliseconds instead of seconds.
    Second runs and a failed run below call the loader itself."""
    return demo_content


def test_three_published_dmt_categories_with_their_prices(loaded):
    dmts = Category.objects.filter(kind=Category.Kind.DISEASE_MODIFYING).order_by("display_order")
    assert [(c.slug, c.name, c.display_order, c.is_live) for c in dmts] == [
        ("injectable-dmts", "Injectable DMTs", 1, True),
        ("oral-dmts", "Oral DMTs", 2, True),
        ("infusion-therapies", "Infusion therapies", 3, True),
    ]
    expected = {
        "injectable-dmts": (Decimal("60000"), Decimal("80000")),
        "oral-dmts": (Decimal("80000"), Decimal("100000")),
        "infusion-therapies": (Decimal("65000"), Decimal("120000")),
    }
    for category in dmts:
        assert category.administration and category.summary and category.body
        estimate = category.cost_estimates.get()
        assert (estimate.low, estimate.high) == expected[category.slug]
        assert (estimate.currency, estimate.as_of, estimate.therapy) == ("USD", AS_OF, None)
        assert estimate.source_name
        estimate.full_clean()
    # The group's schedule agrees with its medicines' (ofatumumab once a month;
    # alemtuzumab two courses a year apart): tests/editorial/test_demo_corrections.py.
    assert "once a month" in Category.objects.get(slug="injectable-dmts").administration
    assert "every day" in Category.objects.get(slug="oral-dmts").administration
    assert "a year apart" in Category.objects.get(slug="infusion-therapies").administration
    # Of the categories, only the three DMT groups carry prices (medicines carry their own).
    assert CostEstimate.objects.filter(category__isnull=False).count() == 3


def test_the_launch_therapies_with_brand_names(loaded):
    # The ten launch DMTs; those added in December 2026 are in tests/therapies/test_catalogue_demo.py.
    approved = Therapy.objects.filter(development_stage=Therapy.Stage.APPROVED)
    brands = {t.slug: t.brand_name_list for t in approved}
    for slug, names in BRAND_NAMES.items():
        assert set(names) <= set(brands[slug]), slug
    for category_slug, slugs in CATEGORY_OF.items():
        therapies = Therapy.objects.filter(category__slug=category_slug)
        assert set(slugs) <= {t.slug for t in therapies}
    assert {t.category.slug for t in approved} == set(CATEGORY_OF)
    approved = approved.filter(slug__in=BRAND_NAMES)
    routes = {t.slug: t.route for t in approved}
    assert routes["interferon-beta-1a"] == Therapy.Route.INJECTION
    assert routes["fingolimod"] == Therapy.Route.ORAL
    assert routes["natalizumab"] == Therapy.Route.INFUSION
    for therapy in approved:
        assert therapy.is_live and therapy.last_reviewed
        assert therapy.summary and therapy.body and therapy.mechanism and therapy.frequency
        therapy.full_clean()
    assert "CD20" in Therapy.objects.get(slug="ocrelizumab").mechanism
    assert "CD52" in Therapy.objects.get(slug="alemtuzumab").mechanism
    assert "lymph nodes" in Therapy.objects.get(slug="ozanimod").mechanism


def test_five_emerging_sections_with_btk_agents_other_trials_and_ahsct(loaded):
    emerging = Category.objects.filter(kind=Category.Kind.EMERGING).order_by("display_order")
    assert [c.slug for c in emerging] == [
        "btk-inhibitors",
        "other-treatments-in-trials",
        "stem-cell-therapy",
        "neuroprotective-agents",
        "personalised-medicine",
    ]
    others = Therapy.objects.filter(category__slug="other-treatments-in-trials").order_by("slug")
    assert [t.slug for t in others] == ["car-t-cell-therapy", "frexalimab"]
    assert all(c.is_live for c in emerging)
    btk = Therapy.objects.filter(category__slug="btk-inhibitors").order_by("slug")
    assert [t.slug for t in btk] == BTK_AGENTS
    for agent in btk:
        assert agent.development_stage  # where each stands: tests/editorial/test_demo_corrections.py
        agent.full_clean()
    assert {agent.slug: agent.development_stage for agent in btk}["fenebrutinib"] == Therapy.Stage.PHASE_3
    assert "editors" in Therapy.objects.get(slug="fenebrutinib").body  # stages change; editors keep them current
    ahsct = Therapy.objects.get(category__slug="stem-cell-therapy")
    assert "aHSCT" in ahsct.generic_name
    assert ahsct.route == Therapy.Route.PROCEDURE
    assert not ahsct.development_stage  # a procedure, not a medicine in a drug trial
    ahsct.full_clean()


def test_supportive_care_sections(loaded):
    supportive = Category.objects.filter(kind=Category.Kind.SUPPORTIVE)
    assert supportive.count() >= 4
    text = " ".join(f"{c.name} {c.summary} {c.body}" for c in supportive).lower()
    for fact in (
        "physical therapy", "occupational therapy", "modafinil", "baclofen", "nerve pain",
        "mental health", "exercise", "stress", "diet", "never", "neurologist",
    ):
        assert fact in text, fact
    assert all(c.is_live and c.summary and c.body for c in supportive)


def test_launch_article(loaded):
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_live
    assert article.published_at < datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)
    assert article.byline == "MS Info editorial team"
    assert COST_TABLE_MARKER in article.body.splitlines()  # on a line of its own
    for fact in ("myelin", "relapse", "lesions", "MRI", "BTK", "aHSCT", "Occupational therapy"):
        assert fact in article.body, fact
    assert article.related_therapies.count() == 15
    assert Article.objects.published().filter(pk=article.pk).exists()
    article.full_clean()
    # The cost table's figures are cited: the compilation its list prices came
    # from (each medicine's figure in the table also links its own source).
    references = list(article.references.all())
    assert references, "the launch article cites its sources"
    assert "MS treatment cost brief: editors' compilation of US list prices" in [r.title for r in references]
    for reference in references:
        reference.full_clean()


def test_a_demo_medical_reviewer_approved_the_demo_pages_and_says_it_is_demo_data(loaded, client):
    reviewer = get_user_model().objects.get(username="demo-medical-reviewer")
    assert not reviewer.has_usable_password(), "the demo reviewer is not a login"
    assert list(reviewer.groups.values_list("name", flat=True)) == ["Medical reviewers"]
    assert reviewer.staff_profile.display_name == "Demo medical reviewer"
    assert "not a real person" in reviewer.staff_profile.credentials
    pages = [*Category.objects.all(), *Therapy.objects.all(), *Article.objects.all(), *SitePage.objects.all()]
    assert all(page.approved_by == reviewer and page.approved_at for page in pages)
    # Readers see whose approval it was, and that it is demo data.
    for url in ("/therapies/ocrelizumab/", "/categories/oral-dmts/", "/care/", "/articles/ms-treatment-explained/"):
        text = client.get(url).content.decode()
        assert "Reviewed by Demo medical reviewer, demo account, not a real person: replace before launch" in text, url


def test_site_texts_carry_todays_introductions(loaded, client):
    texts = {page.key: page for page in SitePage.objects.all()}
    assert sorted(texts) == sorted(SitePage.Key.values)  # the introductions, the site's own pages, the crisis lines
    assert all(page.is_live for page in texts.values())
    assert texts["home"].title == "What is MS?"
    for fact in ("autoimmune", "myelin", "young adults"):
        assert fact in texts["home"].body
    assert "may never be approved" in texts["emerging"].body
    home = client.get("/").content.decode()
    assert "What is MS?" in home and "autoimmune disease" in home
    assert "may never be approved" in client.get("/emerging/").content.decode()
    assert "Medicines are only part of living well with MS" in client.get("/care/").content.decode()


def test_therapy_pages_cite_the_source_of_the_prices_they_show(loaded):
    for slug in BRAND_NAMES:
        therapy = Therapy.objects.get(slug=slug)
        titles = {r.title for r in therapy.references.all()}
        cited = {r.url for r in therapy.references.all()}
        # The group's range is worked out from its medicines' figures; each
        # figure names its source beside it, and the page cites the studies
        # its list prices come from. (The newer figures of other kinds, from
        # newer_prices.json, link their sources beside them but are not yet in
        # the reference lists: a question for the demo content.)
        list_prices = therapy.cost_estimates.filter(kind__slug="us-list")
        for estimate in list_prices:
            assert estimate.source_url in cited or estimate.source_name in titles, (slug, estimate.source_name)
        own_sources = set(list_prices.values_list("source_url", flat=True))
        assert own_sources <= cited
    assert not Reference.objects.filter(url__gt="").exclude(url__startswith="https://").exists()


def test_the_output_says_what_was_created(loaded):
    assert "created: category 'Injectable DMTs'" in loaded
    assert "0 already there" in loaded
    again = load()
    assert "created:" not in again
    assert "already there: category 'Injectable DMTs'" in again
    assert "0 created" in again


def test_a_second_run_changes_nothing(loaded):
    before = snapshot()
    load()
    assert snapshot() == before


def test_an_editors_changes_survive_a_second_run(loaded, editor):
    oral = Category.objects.get(slug="oral-dmts")
    oral.summary = "Edited by an editor."
    oral.status = Category.Status.UNPUBLISHED
    oral.save()
    fingolimod = Therapy.objects.get(slug="fingolimod")
    fingolimod.brand_names = "Gilenya, Tascenso"
    fingolimod.save()
    tolebrutinib = Therapy.objects.get(slug="tolebrutinib")
    tolebrutinib.development_stage = Therapy.Stage.REGULATORY_REVIEW
    tolebrutinib.save()
    article = Article.objects.get()
    article.title = "A better title"
    article.save()
    article.related_therapies.remove(tolebrutinib)
    new_price = CostEstimate.objects.create(
        category=oral, low=Decimal("82000"), high=Decimal("99000"), currency="USD",
        as_of=datetime.date(2026, 6, 1), source_name="Editor's update", recorded_by=editor,
    )
    # An editor renamed a section's address; the name still identifies it.
    care = Category.objects.get(slug="care-team")
    care.slug = "your-care-team"
    care.save()
    # Before launch the demo reviewer is taken out of the reviewers' group.
    demo_reviewer = get_user_model().objects.get(username="demo-medical-reviewer")
    demo_reviewer.groups.clear()
    demo_reviewer.staff_profile.credentials = "retired demo account"
    demo_reviewer.staff_profile.save()
    home = SitePage.objects.get(key="home")
    home.title = "MS in a nutshell"
    home.save()
    before = snapshot()

    load()

    assert snapshot() == before
    oral.refresh_from_db()
    assert (oral.summary, oral.is_live) == ("Edited by an editor.", False)
    assert Therapy.objects.get(slug="fingolimod").brand_names == "Gilenya, Tascenso"
    assert Therapy.objects.get(slug="tolebrutinib").development_stage == Therapy.Stage.REGULATORY_REVIEW
    assert Article.objects.get().title == "A better title"
    assert not Article.objects.get().related_therapies.filter(slug="tolebrutinib").exists()
    assert oral.cost_estimates.count() == 2 and CostEstimate.objects.filter(pk=new_price.pk).exists()
    assert not Category.objects.filter(slug="care-team").exists()
    assert not demo_reviewer.groups.exists()
    assert SitePage.objects.get(key="home").title == "MS in a nutshell"


def test_it_runs_in_one_transaction(monkeypatch):
    # A failure part-way leaves the database as it was.
    from msinfo.management.commands import load_demo_content

    def broken(self, therapies):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(load_demo_content.Command, "load_article", broken)
    with pytest.raises(RuntimeError):
        load()
    assert not Category.objects.exists()
    assert not Therapy.objects.exists()
    assert not CostEstimate.objects.exists()


def test_each_medicine_has_its_us_list_prices_from_the_two_studies(loaded, client):
    gilenya = CostEstimate.objects.filter(therapy__slug="fingolimod", product="Gilenya (brand)").order_by("as_of")
    assert [(e.as_of, e.low, e.high) for e in gilenya] == [
        (datetime.date(2017, 6, 1), Decimal("86966"), Decimal("86966")),
        (datetime.date(2020, 1, 1), Decimal("105390"), Decimal("105390")),
    ]
    assert gilenya[0].source_url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC5722771/"
    assert gilenya[1].source_url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7894590/"
    # Brand and generic side by side; the generic 40 mg is in the 2020 study only.
    glatiramer = CostEstimate.objects.filter(therapy__slug="glatiramer-acetate")
    assert set(glatiramer.values_list("product", flat=True)) == {
        "Copaxone 20 mg (brand)", "Copaxone 40 mg (brand)", "Glatopa 20 mg (generic)", "Glatopa 40 mg (generic)",
    }
    assert list(glatiramer.filter(product="Glatopa 40 mg (generic)").values_list("as_of", flat=True)) == [
        datetime.date(2020, 1, 1)
    ]
    # Ozanimod is in neither study: no figure of its own.
    assert not CostEstimate.objects.filter(therapy__slug="ozanimod").exists()
    # The studies are cited on the pages whose prices come from them.
    fingolimod = Therapy.objects.get(slug="fingolimod")
    assert any("Hartung" in r.title for r in fingolimod.references.all())
    assert not any("Hartung" in r.title for r in Therapy.objects.get(slug="ozanimod").references.all())
    page = client.get("/therapies/fingolimod/").content.decode()
    assert "US list price" in page
