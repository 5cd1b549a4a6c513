"""Whatever an editor types, no script reaches a reader's page (the only
script element is the JSON-LD data block, where editor text stays data)."""

import json
import re

import pytest

from articles.models import COST_TABLE_MARKER
from tests.page_helpers import JSON_LD, json_ld_nodes, page
from therapies.models import Category

HOSTILE = (
    "Safe words with **bold**.\n\n"
    "<script>alert('body-script')</script>\n\n"
    '<img src="x" onerror="alert(\'body-img\')">\n\n'
    "[a bad link](javascript:alert('body-link'))\n\n"
    '<a href="javascript:alert(1)" onclick="alert(2)">raw link</a>\n\n'
    "<iframe src=\"https://evil.example\"></iframe>\n\n"
    "# An editor's h1\n"
)


def assert_nothing_hostile(response):
    assert response.status_code == 200
    p = page(response)
    html = p.html.lower()
    assert "<script>alert" not in html
    # The one script a page may carry is JSON-LD: data no browser runs, in
    # which editor text is escaped so it can never close the element.
    scripts = p.find_all("script")
    assert scripts and all(attrs == {"type": JSON_LD} for attrs in scripts), scripts
    for block in re.findall(r"<script[^>]*>(.*?)</script>", p.html, re.S):
        assert "<" not in block and ">" not in block
        json.loads(block)
    assert "onerror=" not in html and "onclick=" not in html
    assert "javascript:" not in html
    for tag, attrs in p.tags:
        assert not any(name.startswith("on") for name in attrs), f"event handler on <{tag}>"
        assert not any((value or "").strip().lower().startswith("javascript") for value in attrs.values())
    assert "<iframe" not in html and "evil.example" not in html
    assert "<strong>bold</strong>" in p.html, "ordinary Markdown still works"
    assert p.count("h1") == 1, "an editor's '# heading' does not add a second h1"
    return p


def test_therapy_body(client, make_therapy):
    therapy = make_therapy(body=HOSTILE, summary="<script>alert('summary')</script>", mechanism="<b>not bold</b>")

    response = client.get(therapy.get_absolute_url())
    p = assert_nothing_hostile(response)
    assert "&lt;script&gt;alert(&#x27;summary&#x27;)" in p.html, "plain-text fields are shown as text"
    drug = next(node for node in json_ld_nodes(response) if node["@type"] == "Drug")
    assert drug["description"] == "<script>alert('summary')</script>", "and in JSON-LD as data, escaped"
    assert "&lt;b&gt;not bold&lt;/b&gt;" in p.html


def test_category_body(client, make_category):
    category = make_category(body=HOSTILE)

    assert_nothing_hostile(client.get(category.get_absolute_url()))


@pytest.mark.parametrize("url", ["/emerging/", "/care/"])
def test_section_bodies(client, make_category, url):
    kind = Category.Kind.EMERGING if url == "/emerging/" else Category.Kind.SUPPORTIVE
    make_category(kind=kind, body=HOSTILE)

    assert_nothing_hostile(client.get(url))


def test_article_body_with_and_without_the_cost_table(client, make_article, make_therapy, make_estimate):
    make_estimate(make_therapy())  # its group's range, worked out from it, is in the cost table
    plain = make_article(body=HOSTILE)
    with_table = make_article(body=f"{HOSTILE}\n\n{COST_TABLE_MARKER}\n")

    assert_nothing_hostile(client.get(plain.get_absolute_url()))
    p = assert_nothing_hostile(client.get(with_table.get_absolute_url()))
    assert "US$60,000 to US$80,000 a year" in p.text


def test_a_marker_smuggled_in_raw_html_cannot_bring_its_own_markup(client, make_article, make_therapy, make_estimate):
    make_estimate(make_therapy())
    article = make_article(body=f'<p onclick="alert(1)">{COST_TABLE_MARKER}</p><script>alert(2)</script>')

    p = page(client.get(article.get_absolute_url()))

    assert "onclick" not in p.html and "<script>alert" not in p.html
