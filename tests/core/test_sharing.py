"""What search engines and sharing sites read in every page's <head>: one
canonical address (absolute, without tracking or unknown parameters, none on
error pages), a plain-text description from the page's summary, Open Graph
and Twitter card tags, and the site's one social image, a 1200×630 PNG."""

import struct

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from tests.page_helpers import assert_site_layout, page
from therapies.models import Category

SITE = "http://testserver"


def head(response):
    """{name or property: content} of the page's meta tags, plus 'canonical'."""
    p = page(response)
    found = {}
    for attrs in p.find_all("meta"):
        key = attrs.get("property") or attrs.get("name")
        if key:
            found[key] = attrs.get("content")
    canonicals = p.find_all("link", rel="canonical")
    assert len(canonicals) <= 1, "one canonical link at most"
    if canonicals:
        found["canonical"] = canonicals[0]["href"]
    return found


@pytest.fixture
def site(make_category, make_therapy, make_article, make_estimate, make_site_page):
    group = make_category(name="Injectables", slug="injectables", summary="Medicines you inject yourself.")
    therapy = make_therapy(generic_name="fingolimod", slug="fingolimod", brand_names="Gilenya", category=group,
                           summary="A daily capsule that keeps immune cells in the lymph nodes.")
    make_estimate(therapy)
    make_estimate(group)
    articles = [make_article(slug=f"article-{n}", standfirst=f"Standfirst {n}.") for n in range(12)]
    make_site_page(key="about", title="About us", body="We are **editors**. We write <em>plainly</em> about [MS](/).")
    return {"group": group, "therapy": therapy, "article": articles[0]}


# (address asked for, canonical path) for every kind of page.
CANONICAL = [
    ("/", "/"),
    ("/?utm_source=newsletter&fbclid=abc", "/"),
    ("/therapies/", "/therapies/"),
    ("/therapies/?route=injection&efficacy=high&t=fingolimod", "/therapies/"),
    ("/therapies/fingolimod/?utm_campaign=x", "/therapies/fingolimod/"),
    ("/therapies/fingolimod/prices/", "/therapies/fingolimod/prices/"),
    ("/categories/injectables/?ref=twitter", "/categories/injectables/"),
    ("/categories/injectables/prices/?page=1", "/categories/injectables/prices/"),
    ("/emerging/", "/emerging/"),
    ("/care/?gclid=1", "/care/"),
    ("/articles/", "/articles/"),
    ("/articles/?page=2&utm_source=x", "/articles/?page=2"),
    ("/articles/?page=1", "/articles/"),
    ("/articles/article-0/?utm_medium=email", "/articles/article-0/"),
    ("/about/", "/about/"),
    ("/editorial-policy/", "/editorial-policy/"),
    ("/accessibility/", "/accessibility/"),
    ("/contact/", "/contact/"),
    ("/feedback/?page=/therapies/fingolimod/", "/feedback/"),
    ("/compare/?t=fingolimod", "/compare/?t=fingolimod"),
]


@pytest.mark.parametrize("asked, canonical", CANONICAL)
def test_every_page_names_its_canonical_address(client, site, asked, canonical):
    response = client.get(asked)
    assert response.status_code == 200
    tags = head(response)
    assert tags["canonical"] == SITE + canonical
    assert tags["og:url"] == tags["canonical"]


@pytest.mark.parametrize("number", ["²", "٣", "9" * 5000, "-2", "2.0"])
def test_a_page_number_that_is_not_plain_digits_is_left_out_never_a_500(client, site, number):
    for address in ("/articles/", "/search/"):
        response = client.get(address, {"q": "standfirst", "page": number})
        assert response.status_code in (200, 404), (address, number)
        if response.status_code == 200 and address == "/articles/":
            assert head(response)["canonical"] == f"{SITE}/articles/"


def test_the_comparison_keeps_its_medicines_in_order(client, site, make_therapy):
    make_therapy(generic_name="natalizumab", slug="natalizumab")
    response = client.get("/compare/?t=natalizumab&t=fingolimod")
    assert head(response)["canonical"] == f"{SITE}/compare/?t=natalizumab&t=fingolimod"


def test_error_pages_have_no_canonical(client, site):
    response = client.get("/therapies/no-such-medicine/?utm_source=x")
    assert response.status_code == 404
    tags = head(response)
    assert "canonical" not in tags and "og:url" not in tags
    assert tags["og:title"] == "Page not found"


def test_the_site_url_setting_makes_every_address_the_public_one(client, site, settings):
    settings.SITE_URL = "https://ms.example.org"
    tags = head(client.get("/therapies/fingolimod/?utm_source=x"))
    assert tags["canonical"] == tags["og:url"] == "https://ms.example.org/therapies/fingolimod/"
    assert tags["og:image"] == tags["twitter:image"] == "https://ms.example.org" + static("img/social-card.png")


# --- Descriptions ----------------------------------------------------------------------------


def test_descriptions_come_from_the_summary(client, site):
    assert head(client.get("/therapies/fingolimod/"))["description"] == "A daily capsule that keeps immune cells in the lymph nodes."
    assert head(client.get("/categories/injectables/"))["description"] == "Medicines you inject yourself."
    assert head(client.get("/articles/article-0/"))["description"] == "Standfirst 0."


def test_a_site_page_description_is_its_text_without_markdown(client, site):
    assert head(client.get("/about/"))["description"] == "We are editors. We write plainly about MS."


def test_a_long_summary_is_cut_at_a_word(client, make_therapy):
    words = "Relapsing MS is treated with medicines that calm the immune system, " * 5
    therapy = make_therapy(summary=words.strip())
    description = head(client.get(therapy.get_absolute_url()))["description"]
    assert len(description) <= 155 and description.endswith("…")
    assert words.startswith(description[:-1]) and words[len(description) - 1] in " ,"


def test_every_page_type_has_a_description_and_sharing_tags(client, site):
    for asked, _ in CANONICAL + [("/no-such-page/", None)]:
        response = client.get(asked)
        assert_site_layout(response)
        tags = head(response)
        title = page(response).find_all("title")
        assert tags["description"].strip(), asked
        assert tags["og:description"] == tags["twitter:description"] == tags["description"], asked
        assert tags["og:title"] == tags["twitter:title"] and tags["og:title"], asked
        assert tags["og:site_name"] == "MS treatment explained" and tags["og:locale"] == "en_GB"
        assert tags["og:type"] == ("article" if asked.startswith("/articles/article-") else "website"), asked
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["og:image"] == tags["twitter:image"] == SITE + static("img/social-card.png")
        assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
        assert tags["og:image:alt"] == tags["twitter:image:alt"] and tags["og:image:alt"]
        assert title, asked


def test_the_titles_shared_are_the_page_titles(client, site):
    tags = head(client.get("/therapies/fingolimod/"))
    assert tags["og:title"] == "Fingolimod (Gilenya)"
    assert "<title>Fingolimod (Gilenya) | MS treatment explained</title>" in page(client.get("/therapies/fingolimod/")).html


def test_hostile_text_in_a_title_stays_text_in_the_head(client, make_therapy):
    hostile = '</script><script>alert(1)</script>" onmouseover="x'
    therapy = make_therapy(generic_name=f"drug {hostile}", summary=hostile)
    response = client.get(therapy.get_absolute_url())
    p = assert_site_layout(response)
    assert "<script>alert" not in p.html and 'onmouseover="x' not in p.html
    assert head(response)["og:description"] == hostile


# --- The social image ------------------------------------------------------------------------


def png_size(path):
    with open(path, "rb") as file:
        header = file.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", header[16:24])


def test_the_social_image_is_a_small_1200_by_630_png():
    path = finders.find("img/social-card.png")
    assert path, "static/img/social-card.png is missing"
    assert png_size(path) == (1200, 630)
    with open(path, "rb") as file:
        assert len(file.read()) < 100_000


def test_the_social_image_address_is_served(live_server, site):
    import urllib.request

    with urllib.request.urlopen(live_server.url + "/") as response:
        html = response.read().decode()
    image = page_tag(html, "og:image")
    with urllib.request.urlopen(image) as response:
        assert response.headers["Content-Type"] == "image/png"
        body = response.read()
    assert struct.unpack(">II", body[16:24]) == (1200, 630)


def page_tag(html, prop):
    import re

    return re.search(rf'<meta property="{prop}" content="([^"]+)">', html).group(1)


def test_an_emerging_section_page_and_the_chooser_name_themselves(client, make_category, make_therapy):
    section = make_category(kind=Category.Kind.EMERGING, name="BTK inhibitors", slug="btk")
    make_therapy(category=section)
    response = client.get("/categories/btk/?utm_source=x")
    assert head(response)["canonical"] == f"{SITE}/categories/btk/"
