"""JSON-LD on every page, parsed and checked against the schema.org
vocabulary (tests/schema_vocabulary.py: schema.org's own release file): every
@type exists and every property belongs to its type or a supertype. Then what
each page type says: the page as a MedicalWebPage with its review date and
approving reviewer, a therapy as a Drug with its names, route and the cost
the page shows, an article as an Article, and the breadcrumbs readers see."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from editorial import workflow
from editorial.models import StaffProfile
from core.structured_data import script
from tests.page_helpers import JSON_LD, assert_site_layout, json_ld, json_ld_nodes, page
from tests.schema_vocabulary import unresolved_references, vocabulary
from therapies.models import Category, Therapy

HOSTILE = "</script><script>alert(1)</script>"


def nodes_of(response, type_name):
    return [node for node in json_ld_nodes(response) if node.get("@type") == type_name]


def one(response, type_name):
    found = nodes_of(response, type_name)
    assert len(found) == 1, f"expected one {type_name}, found {len(found)}: {json_ld_nodes(response)}"
    return found[0]


def absolute(path):
    return f"http://testserver{path}"


@pytest.fixture
def credited_reviewer(db):
    user = get_user_model().objects.create_user("dr-reviewer", first_name="Rev", last_name="Iewer")
    StaffProfile.objects.create(user=user, display_name="Dr R. Iewer", credentials="consultant neurologist")
    return user


# --- The vocabulary check itself -------------------------------------------------------------


def test_the_vocabulary_check_reports_unknown_types_and_misplaced_properties():
    check = vocabulary().problems
    assert check({"@type": "MedicalWebPage", "lastReviewed": "2026-01-10", "name": "x"}) == []
    # Inherited: headline is CreativeWork's, url is Thing's.
    assert check({"@type": "Article", "headline": "x", "url": "https://example.org/"}) == []
    assert check({"@type": "MedicalWebPage", "about": {"@id": "#drug"}}) == [], "a reference to a node"
    assert check({"@type": "MedicalWebPage", "about": {"name": "x"}}) == ["$.about: a node without @type"]
    assert unresolved_references({"@graph": [{"@id": "#a", "@type": "Drug"}, {"@type": "MedicalWebPage", "about": {"@id": "#b"}}]}) == {"#b"}
    assert check({"@type": "MedicalWebPag", "name": "x"}) == ["$: MedicalWebPag is not a schema.org type"]
    assert check({"@type": "Drug", "lastReviewed": "2026-01-10"}) == ["$: lastReviewed is not a property of Drug"]
    nested = {"@graph": [{"@type": "MedicalWebPage", "reviewedBy": {"@type": "Person", "headline": "x"}}]}
    assert check(nested) == ["$.@graph.reviewedBy: headline is not a property of Person"]


def test_editor_text_cannot_close_the_script_element():
    html = script([{"@type": "Thing", "name": f"{HOSTILE} & <!-- -->"}])
    body = html.removeprefix(f'<script type="{JSON_LD}">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["@graph"][0]["name"] == f"{HOSTILE} & <!-- -->"


# --- Every page of the demo site -------------------------------------------------------------


@pytest.fixture
def demo_site(demo_content):
    return demo_content


def demo_pages():
    from articles.models import Article

    paths = ["/", "/therapies/", "/therapies/?route=injection&utm_source=x", "/emerging/", "/care/", "/articles/",
             "/about/", "/editorial-policy/", "/accessibility/", "/contact/", "/feedback/"]
    for therapy in Therapy.objects.live():
        paths += [therapy.get_absolute_url(), f"{therapy.get_absolute_url()}prices/"]
    for category in Category.objects.live().filter(kind=Category.Kind.DISEASE_MODIFYING):
        paths += [category.get_absolute_url(), f"{category.get_absolute_url()}prices/"]
    paths += [article.get_absolute_url() for article in Article.objects.live()]
    slugs = list(Therapy.objects.live().values_list("slug", flat=True)[:3])
    paths.append("/compare/?" + "&".join(f"t={slug}" for slug in slugs))
    return paths


def test_every_demo_page_has_valid_json_ld(client, demo_site):
    problems = []
    checked = 0
    for path in demo_pages():
        response = client.get(path)
        assert response.status_code == 200, path
        assert_site_layout(response)
        blocks = json_ld(response)
        for block in blocks:
            assert block["@context"] == "https://schema.org", path
            problems += [f"{path} {problem}" for problem in vocabulary().problems(block)]
            problems += [f"{path} refers to {ref}, not in the block" for ref in unresolved_references(block)]
        checked += 1
    assert checked > 20
    assert not problems, "\n".join(problems)


def test_content_pages_are_medical_web_pages_and_breadcrumbed(client, demo_site):
    for path in ["/", "/emerging/", "/care/", "/about/", "/therapies/ocrelizumab/", "/categories/infusion-therapies/"]:
        response = client.get(path)
        web_page = one(response, "MedicalWebPage")
        assert web_page["url"] == absolute(path)
        assert web_page["lastReviewed"], path
        assert web_page["reviewedBy"]["@type"] == "Person" and web_page["reviewedBy"]["name"], path
        assert web_page["publisher"] == {"@type": "Organization", "name": "MS treatment explained", "url": absolute("/")}
        if path != "/":
            assert nodes_of(response, "BreadcrumbList"), path


# --- Therapy pages ---------------------------------------------------------------------------


def test_a_therapy_page_is_a_drug_with_its_names_route_and_review(client, make_therapy, credited_reviewer):
    therapy = make_therapy(generic_name="fingolimod", slug="fingolimod", brand_names="Gilenya, Tascenso ODT",
                           route=Therapy.Route.ORAL, approved_by=credited_reviewer,
                           last_reviewed=datetime.date(2026, 2, 3))

    response = client.get(therapy.get_absolute_url())

    drug = one(response, "Drug")
    assert drug["name"] == drug["nonProprietaryName"] == "fingolimod"
    assert drug["alternateName"] == ["Gilenya", "Tascenso ODT"]
    assert drug["administrationRoute"] == "Tablet or capsule"
    assert drug["url"] == absolute("/therapies/fingolimod/")
    web_page = one(response, "MedicalWebPage")
    assert web_page["about"] == {"@id": drug["@id"]}
    assert web_page["name"] == "Fingolimod (Gilenya, Tascenso ODT)"
    assert web_page["lastReviewed"] == "2026-02-03"
    assert web_page["reviewedBy"] == {"@type": "Person", "name": "Dr R. Iewer", "jobTitle": "consultant neurologist"}
    # The credit matches the one readers see on the page.
    assert "Reviewed by Dr R. Iewer, consultant neurologist" in page(response).text


def test_without_an_approver_there_is_no_reviewed_by(client, make_therapy):
    therapy = make_therapy()
    web_page = one(client.get(therapy.get_absolute_url()), "MedicalWebPage")
    assert "reviewedBy" not in web_page
    assert web_page["lastReviewed"] == "2026-01-10"


def test_a_priced_therapy_gives_the_cost_the_page_shows(client, make_therapy, make_estimate):
    therapy = make_therapy(generic_name="natalizumab", slug="natalizumab")
    make_estimate(therapy, low=Decimal("60000"), high=Decimal("80000"), as_of=datetime.date(2026, 3, 1),
                  product="Tysabri", source_name="A price survey")
    make_estimate(therapy, low=Decimal("45500.50"), high=Decimal("45500.50"), as_of=datetime.date(2026, 2, 1),
                  product="Tyruko", source_name="Another survey", currency="GBP")

    response = client.get(therapy.get_absolute_url())

    # The United States view: its figures only, each naming its kind.
    (tysabri,) = one(response, "MedicalWebPage")["mentions"]
    assert tysabri == {
        "@type": "DrugCost", "name": "Estimated yearly cost (US list price): natalizumab (Tysabri)",
        "costPerUnit": "60000–80000", "costCurrency": "USD", "drugUnit": "one year of treatment",
        "costOrigin": "A price survey",
        "description": "US list price. Figures as of 1 March 2026 (2026-03-01). Source: A price survey.",
    }
    text = page(response).text
    assert "US$60,000 to US$80,000 a year" in text and "Figures as of 1 March 2026" in text

    uk = client.get(therapy.get_absolute_url(), {"country": "uk"})
    (tyruko,) = one(uk, "MedicalWebPage")["mentions"]
    assert tyruko["name"] == "Estimated yearly cost (UK NHS list price): natalizumab (Tyruko)"
    assert (tyruko["costPerUnit"], tyruko["costCurrency"], tyruko["costOrigin"]) == (45500.5, "GBP", "Another survey")
    assert "£45,501 a year" in page(uk).text


def test_a_therapy_priced_by_its_group_says_so(client, make_category, make_therapy, make_estimate):
    group = make_category(name="Infusion therapies")
    make_estimate(group, low=Decimal("1000"), high=Decimal("2000"))  # published for the group once: history only
    make_estimate(make_therapy(generic_name="natalizumab", category=group), low=Decimal("70000"), high=Decimal("80000"),
                  as_of=datetime.date(2026, 2, 1))
    make_estimate(make_therapy(generic_name="ofatumumab", category=group), low=Decimal("75000"), high=Decimal("90000"),
                  as_of=datetime.date(2026, 3, 1))
    therapy = make_therapy(generic_name="ocrelizumab", category=group)

    (cost,) = one(client.get(therapy.get_absolute_url()), "MedicalWebPage")["mentions"]

    assert cost["name"] == "Estimated yearly cost (US list price): Infusion therapies, the group ocrelizumab belongs to"
    assert cost["costPerUnit"] == "70000–90000"  # worked out from its medicines' figures
    assert cost["costCurrency"] == "USD"
    assert cost["description"] == (
        "US list price range for the whole group, worked out from 2 figures for its medicines, "
        "dated 2026 (newest 2026-03-01)."
    )


def test_an_unpriced_therapy_and_a_procedure_have_no_cost(client, make_therapy):
    unpriced = make_therapy()
    procedure = make_therapy(generic_name="stem cell transplant", route=Therapy.Route.PROCEDURE, brand_names="")

    assert "mentions" not in one(client.get(unpriced.get_absolute_url()), "MedicalWebPage")
    response = client.get(procedure.get_absolute_url())
    assert not nodes_of(response, "Drug")
    entity = one(response, "MedicalProcedure")
    assert entity["name"] == "stem cell transplant" and "administrationRoute" not in entity


def test_breadcrumbs_match_the_trail_readers_see(client, make_category, make_therapy, make_estimate):
    group = make_category(name="Tablets & capsules")
    therapy = make_therapy(generic_name="teriflunomide", category=group)
    make_estimate(therapy)

    for path in [therapy.get_absolute_url(), f"{therapy.get_absolute_url()}prices/", group.get_absolute_url()]:
        response = client.get(path)
        p = page(response)
        trail = re.search(r'<ol class="breadcrumb">(.*?)</ol>', p.html, re.S).group(1)
        shown = [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", trail, re.S)]
        links = re.findall(r'href="([^"]+)"', trail)
        (crumbs,) = nodes_of(response, "BreadcrumbList")
        items = crumbs["itemListElement"]
        assert [item["position"] for item in items] == list(range(1, len(shown) + 1))
        assert [item["name"] for item in items] == [name.replace("&amp;", "&") for name in shown]
        assert [item["item"] for item in items] == [absolute(link) for link in links] + [absolute(path)]


# --- Articles, categories and the introduced pages -------------------------------------------


def test_an_article_is_an_article_with_its_dates_and_author(client, make_article, credited_reviewer):
    published = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.timezone.utc)
    article = make_article(title="Paying for DMTs", standfirst="What insurers pay for.", byline="Jo Bloggs",
                           published_at=published, approved_by=credited_reviewer)
    article.refresh_from_db()

    response = client.get(article.get_absolute_url())

    node = one(response, "Article")
    assert node["headline"] == "Paying for DMTs"
    assert node["description"] == "What insurers pay for."
    assert datetime.datetime.fromisoformat(node["datePublished"]) == published
    assert datetime.datetime.fromisoformat(node["dateModified"]) == article.updated_at.replace(microsecond=0)
    assert node["author"] == {"@type": "Person", "name": "Jo Bloggs"}
    assert node["url"] == absolute(article.get_absolute_url())
    web_page = one(response, "MedicalWebPage")
    assert web_page["reviewedBy"]["name"] == "Dr R. Iewer"
    assert page(response).find_all("meta", property="og:type")[0]["content"] == "article"


def test_a_team_byline_is_an_organization(client, make_article):
    article = make_article(byline="MS Info editorial team")
    assert one(client.get(article.get_absolute_url()), "Article")["author"] == {
        "@type": "Organization", "name": "MS Info editorial team"}


def test_a_category_page_is_about_ms_with_its_review(client, make_category, credited_reviewer):
    category = make_category(name="Injectables", approved_by=credited_reviewer, last_reviewed=datetime.date(2026, 1, 20))

    web_page = one(client.get(category.get_absolute_url()), "MedicalWebPage")

    assert web_page["about"] == {"@type": "MedicalCondition", "name": "Multiple sclerosis", "alternateName": "MS"}
    assert web_page["lastReviewed"] == "2026-01-20"
    assert web_page["reviewedBy"]["name"] == "Dr R. Iewer"


@pytest.mark.parametrize("key, path", [("home", "/"), ("emerging", "/emerging/"), ("care", "/care/"), ("about", "/about/")])
def test_introduced_and_site_pages_credit_their_text(client, make_site_page, credited_reviewer, key, path):
    make_site_page(key=key, title="Intro", approved_by=credited_reviewer, last_reviewed=datetime.date(2026, 1, 22))

    web_page = one(client.get(path), "MedicalWebPage")

    assert web_page["lastReviewed"] == "2026-01-22"
    assert web_page["reviewedBy"]["name"] == "Dr R. Iewer"
    assert web_page["about"]["name"] == "Multiple sclerosis"


# --- Editor text and drafts ------------------------------------------------------------------


def test_hostile_editor_text_stays_inside_the_json_ld_as_data(client, make_category, make_therapy, make_article):
    group = make_category(name=f"Group {HOSTILE}", summary=f"Summary {HOSTILE}")
    therapy = make_therapy(generic_name=f"drug {HOSTILE}", summary=f"Summary {HOSTILE}", category=group)
    article = make_article(title=f"Title {HOSTILE}", standfirst=f"Standfirst {HOSTILE}", byline=HOSTILE)

    for url in [therapy.get_absolute_url(), group.get_absolute_url(), article.get_absolute_url()]:
        response = client.get(url)
        p = assert_site_layout(response)
        assert "<script>alert" not in p.html
        assert all(attrs == {"type": JSON_LD} for attrs in p.find_all("script"))
        text = json.dumps(json_ld(response), ensure_ascii=False)
        assert HOSTILE.replace("/", "\\/") in text or HOSTILE in text
    assert one(client.get(article.get_absolute_url()), "Article")["headline"] == f"Title {HOSTILE}"


def test_drafts_and_pending_edits_never_reach_the_json_ld(client, make_category, make_therapy, make_article, editor_user):
    group = make_category()
    therapy = make_therapy(category=group, summary="The approved summary.")
    make_therapy(category=group, generic_name="secretmab", is_published=False)
    make_article(title="A secret draft", status="draft", published_at=None)
    therapy.summary = "A pending summary."
    workflow.save_edit(therapy, editor_user, base_version=therapy.edit_version)

    for url in ["/", group.get_absolute_url(), therapy.get_absolute_url(), "/articles/"]:
        text = json.dumps(json_ld(client.get(url)))
        assert "secretmab" not in text and "A secret draft" not in text and "A pending summary" not in text, url
    assert one(client.get(therapy.get_absolute_url()), "Drug")["description"] == "The approved summary."
