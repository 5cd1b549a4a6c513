"""The public pages as a reader meets them: what each one shows, what it hides,
and the layout every page shares."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import Article
from tests.conftest import clock_at
from tests.page_helpers import (
    MEDICAL_DISCLAIMER,
    PRICE_DISCLAIMER,
    assert_site_layout,
    day,
    page,
)
from therapies.models import Category, Therapy


@pytest.fixture
def site(make_category, make_therapy, make_estimate, make_article):
    """A little of everything, all published."""
    oral = make_category(
        name="Oral DMTs", slug="oral-dmts", administration="A tablet every day", display_order=2,
        summary="Medicines you swallow.",
    )
    injectable = make_category(
        name="Injectable DMTs", slug="injectable-dmts", administration="Self-injection, 1 to 7 times a week",
        display_order=1, summary="Medicines you inject.",
    )
    fingolimod = make_therapy(
        generic_name="fingolimod", slug="fingolimod", brand_names="Gilenya", route=Therapy.Route.ORAL,
        frequency="Once a day", category=oral, mechanism="Holds lymphocytes in the lymph nodes.",
        summary="A daily capsule.", body="Fingolimod is **swallowed** once a day.",
    )
    glatiramer = make_therapy(
        generic_name="glatiramer acetate", slug="glatiramer-acetate", brand_names="Copaxone",
        route=Therapy.Route.INJECTION, category=injectable,
    )
    # Each group's range is worked out from its medicines' figures: fingolimod
    # has none of its own, so its page shows its group's (siponimod's).
    siponimod = make_therapy(
        generic_name="siponimod", slug="siponimod", brand_names="Mayzent", route=Therapy.Route.ORAL, category=oral,
    )
    make_estimate(glatiramer, low=Decimal("60000"), high=Decimal("80000"), source_name="Injectables survey")
    make_estimate(
        siponimod, low=Decimal("80000"), high=Decimal("100000"), source_name="Orals survey",
        source_url="https://example.org/orals",
    )
    btk = make_category(kind=Category.Kind.EMERGING, name="BTK inhibitors", slug="btk", summary="A new drug class.")
    tolebrutinib = make_therapy(
        generic_name="tolebrutinib", slug="tolebrutinib", category=btk, route=Therapy.Route.ORAL,
        development_stage=Therapy.Stage.PHASE_3,
    )
    rehab = make_category(
        kind=Category.Kind.SUPPORTIVE, name="Physical therapy", slug="physical-therapy",
        summary="Help with moving.", body="Exercises for **balance**.", administration="",
    )
    physio = make_therapy(
        generic_name="physiotherapy", slug="physiotherapy", category=rehab, route=Therapy.Route.NON_DRUG,
        brand_names="", summary="Exercises with a physiotherapist.",
    )
    article = make_article(title="MS treatment explained", slug="ms-explained", body="An article body.")
    article.related_therapies.add(fingolimod)
    return {
        "oral": oral, "injectable": injectable, "fingolimod": fingolimod, "glatiramer": glatiramer, "siponimod": siponimod,
        "btk": btk, "tolebrutinib": tolebrutinib, "rehab": rehab, "physio": physio, "article": article,
    }


PUBLIC_PAGES = [
    "/", "/therapies/", "/therapies/?route=oral", "/therapies/fingolimod/", "/therapies/tolebrutinib/",
    "/categories/oral-dmts/", "/categories/physical-therapy/", "/emerging/", "/care/", "/articles/",
    "/articles/ms-explained/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_uses_the_site_layout(client, site, url):
    response = client.get(url)

    assert response.status_code == 200
    p = assert_site_layout(response)
    title = p.html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.endswith("| MS treatment explained") and len(title) > len("| MS treatment explained") + 3
    for href in ("/", "/therapies/", "/emerging/", "/care/", "/articles/"):
        assert href in p.links()


@pytest.mark.parametrize(
    "url", ["/", "/therapies/", "/therapies/fingolimod/", "/categories/oral-dmts/"]
)
def test_pages_with_prices_carry_the_price_disclaimer(client, site, url):
    p = page(client.get(url))

    assert "US$80,000 to US$100,000 a year" in p.text
    assert PRICE_DISCLAIMER in p.text


@pytest.mark.parametrize("url", ["/emerging/", "/care/", "/articles/"])
def test_pages_without_prices_have_no_price_disclaimer(client, site, url):
    assert PRICE_DISCLAIMER not in page(client.get(url)).text


def test_home_explains_ms_lists_the_five_goals_and_shows_the_cost_table(client, site, make_article, make_site_page):
    newest = [make_article(title=f"Recent {n}", published_at=timezone.now() - datetime.timedelta(minutes=n)) for n in range(3)]
    make_site_page(title="What is MS?", body="MS is an autoimmune disease.\n\nIt damages **myelin**.")

    p = page(client.get("/"))

    assert "What is MS?" in p.text and "autoimmune" in p.text and "<strong>myelin</strong>" in p.html
    goals = p.html.split('class="goals"', 1)[1].split("</ol>", 1)[0]
    assert goals.count("<li>") == 5
    for goal in ("Fewer relapses", "Slower build-up of disability", "Fewer new lesions", "brain", "MRI"):
        assert goal in goals
    as_of = day(site["siponimod"].cost_estimates.get().as_of)
    assert "US$60,000 to US$80,000 a year" in p.text
    assert "US$80,000 to US$100,000 a year US list price" in p.text
    assert f"({as_of}; source)" in p.text
    assert 'aria-label="Source: Orals survey"' in p.html and "https://example.org/orals" in p.links()
    assert "Worked out from the newest US list price figures we have for 1 medicine in Oral DMTs" in p.text
    assert p.count("caption") == 1 and 'scope="col"' in p.html and 'scope="row"' in p.html
    assert "fingolimod (Gilenya)" in p.text
    for href in ("/therapies/", "/emerging/", "/care/", "/articles/"):
        assert href in p.links()
    latest = p.section_text("Latest articles", MEDICAL_DISCLAIMER)
    assert [a.title for a in newest] == [t for t in ("Recent 0", "Recent 1", "Recent 2") if t in latest]
    assert "MS treatment explained" not in latest  # the fourth newest is left off


def test_cost_table_lists_dmt_groups_in_editors_order_only(client, site):
    p = page(client.get("/"))
    table = p.section_text("Estimated yearly cost of each group", PRICE_DISCLAIMER)

    assert table.index("Injectable DMTs") < table.index("Oral DMTs")
    assert "BTK inhibitors" not in table and "Physical therapy" not in table


def test_therapy_list_shows_each_dmt_group_with_its_medicines_and_cost(client, site):
    p = page(client.get("/therapies/"))

    assert p.text.index("Injectable DMTs") < p.text.index("Oral DMTs")
    assert "Medicines you swallow." in p.text
    assert "A tablet every day" in p.text
    assert "fingolimod (Gilenya)" in p.text and "glatiramer acetate (Copaxone)" in p.text
    assert "US$80,000 to US$100,000 a year" in p.text and "its fact sheet names their sources" in p.text
    assert "no United States figure of its own yet; for the whole group: US$80,000 to US$100,000 a year" in p.text
    assert "/therapies/fingolimod/" in p.links() and "/therapies/glatiramer-acetate/" in p.links()
    assert "tolebrutinib" not in p.text and "physiotherapy" not in p.text
    assert p.find_all("select", name="route"), "the filter form is there"


def test_unpublished_groups_and_therapies_are_hidden(client, site, make_category, make_therapy):
    hidden_group = make_category(name="Secret group", slug="secret-group", is_published=False)
    make_therapy(generic_name="hiddenmab", slug="hiddenmab", category=hidden_group)
    make_therapy(generic_name="draftmab", slug="draftmab", category=site["oral"], is_published=False)

    for url in ("/", "/therapies/"):
        text = page(client.get(url)).text
        assert "Secret group" not in text and "hiddenmab" not in text and "draftmab" not in text
    assert client.get("/categories/secret-group/").status_code == 404
    assert client.get("/therapies/draftmab/").status_code == 404
    assert client.get("/therapies/hiddenmab/").status_code == 404, "a therapy in an unpublished group is hidden"


def test_route_filter_shows_only_that_route_and_hides_empty_groups(client, site):
    p = page(client.get("/therapies/", {"route": Therapy.Route.ORAL}))

    assert "fingolimod" in p.text
    assert "glatiramer acetate" not in p.text
    assert "Injectable DMTs" not in p.text
    assert "selected" in p.find_all("option", value="oral")[0], "the form remembers the choice"


def test_route_filter_offers_only_routes_dmts_use(client, site):
    p = page(client.get("/therapies/"))

    offered = [a["value"] for a in p.find_all("option")]
    assert offered == ["", "injection", "oral"]  # "Any", then routes in use; tolebrutinib's group isn't a DMT group
    assert "Any" in p.text


def test_bad_route_filter_shows_a_message_and_every_medicine(client, site):
    response = client.get("/therapies/", {"route": "teleportation"})

    assert response.status_code == 200
    p = page(response)
    assert "did not work" in p.text
    assert "teleportation" in p.text  # the field's own error names the bad value
    assert "fingolimod" in p.text and "glatiramer acetate" in p.text


def test_therapy_page_shows_its_facts(client, site, make_article):
    draft = make_article(title="A draft about fingolimod", status=Article.Status.DRAFT, published_at=None)
    draft.related_therapies.add(site["fingolimod"])
    future = make_article(title="Tomorrow's fingolimod news", published_at=timezone.now() + datetime.timedelta(days=1))
    future.related_therapies.add(site["fingolimod"])

    p = page(client.get("/therapies/fingolimod/"))

    assert "Gilenya" in p.text
    assert "/categories/oral-dmts/" in p.links()
    assert "Tablet or capsule, once a day" in p.text
    assert "Holds lymphocytes in the lymph nodes." in p.text
    assert "A daily capsule." in p.text
    assert "<strong>swallowed</strong>" in p.html
    assert "Page last reviewed: 10 January 2026" in p.text
    assert "Next review due: 10 January 2027" in p.text
    assert "MS treatment explained" in p.text and "/articles/ms-explained/" in p.links()
    assert "A draft about fingolimod" not in p.text and "Tomorrow's fingolimod news" not in p.text


def test_therapy_with_its_own_estimate_shows_it(client, site, make_estimate):
    make_estimate(site["fingolimod"], low=Decimal("91000"), high=Decimal("92000"), source_name="Fingolimod list price")

    p = page(client.get("/therapies/fingolimod/"))

    assert "US$91,000 to US$92,000 a year" in p.text and "Fingolimod list price" in p.text
    assert "itself yet" not in p.text
    # Its own figure comes first; the group's range (from both medicines) follows, as context only.
    assert "For comparison, the whole Oral DMTs group: US$80,000 to US$100,000" in p.text
    assert "Worked out from the newest US list price figures we have for 2 medicines in Oral DMTs" in p.text
    assert p.text.index("US$91,000") < p.text.index("US$80,000")


def test_brand_and_generic_prices_side_by_side_and_in_the_cost_table(client, site, make_estimate):
    as_of = timezone.localdate() - datetime.timedelta(days=20)
    make_estimate(site["fingolimod"], low=Decimal("105390"), high=Decimal("105390"), product="Gilenya (brand)", as_of=as_of)
    make_estimate(site["fingolimod"], low=Decimal("9000"), high=Decimal("12000"), product="generic fingolimod", as_of=as_of)
    # An older Gilenya price is history, not a current figure.
    make_estimate(site["fingolimod"], low=Decimal("86966"), high=Decimal("86966"), product="Gilenya (brand)",
                  as_of=as_of - datetime.timedelta(days=400))

    therapy_page = page(client.get("/therapies/fingolimod/")).text
    assert "generic fingolimod: US$9,000 to US$12,000 a year" in therapy_page
    assert "Gilenya (brand): US$105,390 a year" in therapy_page
    assert therapy_page.index("generic fingolimod") < therapy_page.index("Gilenya (brand): US$105,390")
    assert "US list price" in therapy_page

    table = page(client.get("/therapies/")).text
    assert "Gilenya (brand): US$105,390 a year" in table and "generic fingolimod: US$9,000 to US$12,000 a year" in table
    assert "US$86,966" not in table


def test_therapy_without_its_own_estimate_shows_the_groups_labelled(client, site):
    p = page(client.get("/therapies/fingolimod/"))

    assert "We have no United States figure for fingolimod itself yet. For the whole Oral DMTs group" in p.text
    assert "US$80,000 to US$100,000 a year" in p.text
    assert "Worked out from the newest US list price figures we have for 1 medicine in Oral DMTs" in p.text


def test_therapy_with_no_estimate_anywhere_says_so(client, site, make_therapy):
    group = site["rehab"]
    make_therapy(generic_name="balance class", slug="balance-class", category=group, route=Therapy.Route.NON_DRUG)

    p = page(client.get("/therapies/balance-class/"))

    assert "We have no United States figure for balance class yet." in p.text
    assert PRICE_DISCLAIMER not in p.text


def test_emerging_agent_page_shows_its_stage(client, site):
    assert "Phase 3 trial" in page(client.get("/therapies/tolebrutinib/")).text


def test_category_page_of_any_kind(client, site):
    p = page(client.get("/categories/physical-therapy/"))

    assert "Physical therapy" in p.text and "Help with moving." in p.text
    assert "<strong>balance</strong>" in p.html
    assert "physiotherapy" in p.text and "/therapies/physiotherapy/" in p.links()
    assert PRICE_DISCLAIMER not in p.text  # no estimate, no price

    oral = page(client.get("/categories/oral-dmts/"))
    assert "fingolimod" in oral.text and "US$80,000 to US$100,000 a year" in oral.text


def test_emerging_page_lists_sections_in_order_with_agents_and_stages(client, site, make_category, make_therapy):
    first = make_category(kind=Category.Kind.EMERGING, name="Stem cell therapy", slug="stem-cells", display_order=0)
    make_therapy(generic_name="aHSCT", slug="ahsct", category=first, route=Therapy.Route.PROCEDURE,
                 development_stage=Therapy.Stage.PHASE_2)
    make_therapy(generic_name="secretinib", slug="secretinib", category=site["btk"],
                 development_stage=Therapy.Stage.PHASE_1, is_published=False)
    make_category(kind=Category.Kind.EMERGING, name="Unpublished section", slug="unpub", is_published=False)

    p = page(client.get("/emerging/"))

    assert p.text.index("Stem cell therapy") < p.text.index("BTK inhibitors")
    assert "A new drug class." in p.text
    assert "tolebrutinib: Phase 3 trial" in p.text
    # A procedure is not a medicine in a drug trial: its summary says where it stands, not a stage.
    assert "aHSCT: a procedure, not a medicine." in p.text and "aHSCT: Phase 2 trial" not in p.text
    assert "secretinib" not in p.text and "Unpublished section" not in p.text
    assert "Oral DMTs" not in p.text and "Physical therapy" not in p.text


def test_care_page_lists_supportive_sections_with_body_and_therapies(client, site, make_category):
    make_category(kind=Category.Kind.SUPPORTIVE, name="Hidden care", slug="hidden-care", is_published=False)

    p = page(client.get("/care/"))

    assert "Physical therapy" in p.text and "<strong>balance</strong>" in p.html
    assert "physiotherapy" in p.text and "Exercises with a physiotherapist." in p.text
    assert "Hidden care" not in p.text and "BTK inhibitors" not in p.text and "Oral DMTs" not in p.text


def test_not_found_page_uses_the_site_layout(client, db):
    response = client.get("/therapies/no-such-medicine/")

    assert response.status_code == 404
    p = assert_site_layout(response)
    assert "Sorry, we can't find that page" in p.text


def test_server_error_page_renders_without_a_request_or_the_database():
    # No `db` fixture: pytest-django would fail this test if the template touched the database.
    html = render_to_string("500.html")

    assert html.count("<h1") == 1
    assert "Sorry, something went wrong" in html
    assert MEDICAL_DISCLAIMER in html
    assert "/static/bootstrap/css/bootstrap.min.css" in html


def _hidden_states():
    now = timezone.now()
    past = now - datetime.timedelta(days=30)
    return {
        "draft": {"status": "draft", "published_at": None},
        "in_review": {"status": "in_review", "published_at": None},
        "unpublished": {"status": "unpublished", "published_at": past},
        "future": {"status": "published", "published_at": now + datetime.timedelta(hours=2)},
        "expired": {"status": "published", "published_at": past, "expires_at": now - datetime.timedelta(minutes=1)},
    }


@pytest.mark.parametrize("state", ["draft", "in_review", "unpublished", "future", "expired"])
def test_content_readers_may_not_see_is_absent_everywhere_and_404(
    client, site, make_category, make_therapy, make_article, state
):
    hidden = _hidden_states()[state]
    shown_group = site["oral"]
    hidden_group = make_category(name="Hiddengroup", slug="hiddengroup", **hidden)
    make_therapy(generic_name="inhiddengroupmab", slug="inhiddengroupmab", category=hidden_group)  # live itself
    make_therapy(generic_name="hiddenmab", slug="hiddenmab", category=shown_group, **hidden)
    make_therapy(generic_name="hiddenbrutinib", slug="hiddenbrutinib", category=site["btk"],
                 development_stage=Therapy.Stage.PHASE_1, **hidden)
    make_therapy(generic_name="hiddencare", slug="hiddencare", category=site["rehab"], route=Therapy.Route.NON_DRUG,
                 **hidden)
    make_category(kind=Category.Kind.EMERGING, name="Hiddensection", slug="hiddensection", **hidden)
    make_category(kind=Category.Kind.SUPPORTIVE, name="Hiddencaresection", slug="hiddencaresection", **hidden)
    article = make_article(title="Hiddenarticle", slug="hiddenarticle", **hidden)
    article.related_therapies.add(site["fingolimod"])
    names = ["Hiddengroup", "inhiddengroupmab", "hiddenmab", "hiddenbrutinib", "hiddencare", "Hiddensection",
             "Hiddencaresection", "Hiddenarticle"]

    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        text = page(response).text
        assert not [name for name in names if name in text], url
    for url in ("/categories/hiddengroup/", "/therapies/inhiddengroupmab/", "/therapies/hiddenmab/",
                "/therapies/hiddenbrutinib/", "/therapies/hiddencare/", "/categories/hiddensection/",
                "/categories/hiddencaresection/", "/articles/hiddenarticle/"):
        assert client.get(url).status_code == 404, url


def test_content_goes_live_at_its_time_and_leaves_at_its_expiry(client, make_therapy):
    now = timezone.now()
    therapy = make_therapy(generic_name="timedmab", slug="timedmab", published_at=now - datetime.timedelta(hours=1),
                           expires_at=now + datetime.timedelta(hours=1))
    assert client.get("/therapies/timedmab/").status_code == 200

    with clock_at(therapy.expires_at + datetime.timedelta(seconds=1)):
        assert client.get("/therapies/timedmab/").status_code == 404
        assert "timedmab" not in page(client.get("/therapies/")).text
