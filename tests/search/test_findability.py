"""Found by search engines and by the names readers type: /sitemap.xml lists
every live page with the time it last changed (and nothing unpublished),
/robots.txt points to it and keeps crawlers out of the admin and previews,
and a therapy's brand names and other capitals of its address lead to it."""

import xml.etree.ElementTree as ElementTree

import pytest

from pages.models import SitePage
from therapies.models import Category

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS).removeprefix("http://testserver"): url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_the_sitemap_lists_every_live_page_with_its_last_change(
    client, make_category, make_therapy, make_article, make_site_page
):
    group = make_category(slug="oral-dmts")
    therapy = make_therapy(slug="fingolimod", category=group)
    article = make_article(slug="costs-explained")
    make_site_page(key=SitePage.Key.HOME_INTRODUCTION)
    make_site_page(key=SitePage.Key.ABOUT, title="About us")

    entries = sitemap_entries(client)

    for address in ("/", "/about/", "/therapies/", "/articles/", "/categories/oral-dmts/",
                    "/therapies/fingolimod/", "/articles/costs-explained/"):
        assert address in entries, address
    assert entries["/therapies/fingolimod/"] == therapy.updated_at.date().isoformat()
    assert entries["/articles/costs-explained/"] == article.updated_at.date().isoformat()


def test_the_sitemap_leaves_out_drafts_and_sections_without_a_page_of_their_own(
    client, make_category, make_therapy, make_article
):
    make_therapy(slug="draftumab", is_published=False)
    make_article(slug="unfinished", status="draft", published_at=None)

    # An emerging section with nothing listed redirects to /emerging/: not a page to index.
    make_category(slug="empty-section", kind=Category.Kind.EMERGING)
    listed = make_category(slug="btk-inhibitors", kind=Category.Kind.EMERGING)
    make_therapy(slug="tolebrutinib", category=listed, development_stage="phase_3")

    entries = sitemap_entries(client)

    assert "/therapies/draftumab/" not in entries
    assert "/articles/unfinished/" not in entries
    assert "/categories/empty-section/" not in entries
    assert "/categories/btk-inhibitors/" in entries
    for address in entries:
        assert client.get(address).status_code == 200, address


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_staff_pages(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines and "Disallow: /preview/" in lines and "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_with_a_site_address_set_robots_and_the_sitemap_name_pages_by_it(client, settings, make_article):
    settings.SITE_URL = "https://ms.example.org"
    make_article(slug="relapses")

    assert "Sitemap: https://ms.example.org/sitemap.xml" in client.get("/robots.txt").content.decode().splitlines()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://ms.example.org/articles/relapses/</loc>" in sitemap
    assert "testserver" not in sitemap


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("gilenya", "fingolimod"),
        ("Gilenya", "fingolimod"),
        ("Fingolimod", "fingolimod"),
        ("FINGOLIMOD", "fingolimod"),
        ("tecfidera", "dimethyl-fumarate"),
    ],
)
def test_a_brand_name_or_other_capitals_lead_to_the_therapy(client, make_therapy, typed, meant):
    make_therapy(slug="fingolimod", generic_name="fingolimod", brand_names="Gilenya, Tascenso ODT")
    make_therapy(slug="dimethyl-fumarate", generic_name="dimethyl fumarate", brand_names="Tecfidera")

    response = client.get(f"/therapies/{typed}/?from=search")

    assert response.status_code == 301
    assert response["Location"] == f"/therapies/{meant}/?from=search"


def test_a_brand_of_two_medicines_or_of_an_unpublished_one_is_not_found(client, make_therapy):
    make_therapy(slug="first", brand_names="Sharedbrand")
    make_therapy(slug="second", brand_names="Sharedbrand")
    make_therapy(slug="hidden", brand_names="Secretbrand", is_published=False)

    assert client.get("/therapies/sharedbrand/").status_code == 404
    assert client.get("/therapies/secretbrand/").status_code == 404
    assert client.get("/therapies/nothing-like-it/").status_code == 404
