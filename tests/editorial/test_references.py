"""Sources cited by articles and therapy pages, as a numbered list at the end."""

import datetime
import re

from editorial.models import Reference
from tests.page_helpers import page


def reference_items(p):
    html = p.html.split('<ol class="reference-list', 1)[1].split("</ol>", 1)[0]
    # Each item carries its anchor (id="ref-N"), the target of the fact sheet's citations.
    return [" ".join(item.split("</li>", 1)[0].split()) for item in re.split(r"<li[^>]*>", html)[1:]]


def test_article_references_are_numbered_in_the_editors_order(client, make_article):
    article = make_article()
    Reference.objects.create(cited_by=article, position=2, title="Second source", publisher="Publisher B")
    Reference.objects.create(cited_by=article, position=1, title="First source", publisher="Publisher A",
        url="https://example.org/first", accessed_on=datetime.date(2026, 2, 3),
    )
    Reference.objects.create(cited_by=article, position=3, title="Third source")

    p = page(client.get(article.get_absolute_url()))

    assert "References" in p.text
    items = reference_items(p)
    assert len(items) == 3
    assert ["First source" in items[0], "Second source" in items[1], "Third source" in items[2]] == [True] * 3
    assert p.find_all("a", href="https://example.org/first")[0]["rel"] == "noopener"
    assert "First source. Publisher A, accessed 3 February 2026." in p.text
    assert "Second source. Publisher B." in p.text
    assert p.text.index("References") > p.text.index(article.body)


def test_therapy_references(client, make_therapy):
    therapy = make_therapy()
    Reference.objects.create(cited_by=therapy, position=1, title="Prescribing information", publisher="A maker",
                             url="https://example.org/pi")

    p = page(client.get(therapy.get_absolute_url()))

    assert reference_items(p) == ['<a href="https://example.org/pi" rel="noopener">Prescribing information</a>. A maker.']
    assert "Prescribing information. A maker." in p.text


def test_references_of_another_page_are_not_shown(client, make_therapy, make_article):
    therapy, other = make_therapy(), make_therapy()
    article = make_article()
    Reference.objects.create(cited_by=other, title="Other therapy's source")
    Reference.objects.create(cited_by=article, title="Article's source")

    text = page(client.get(therapy.get_absolute_url())).text

    assert "Other therapy's source" not in text and "Article's source" not in text and "References" not in text


def test_a_reference_address_that_is_not_a_web_address_is_not_linked(client, make_article):
    article = make_article()
    Reference.objects.create(cited_by=article, title="Sneaky", url="javascript:alert(1)")

    p = page(client.get(article.get_absolute_url()))

    assert "Sneaky" in p.text and "javascript:" not in p.html
