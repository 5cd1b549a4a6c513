"""Articles as readers see them: only what is published and due, newest
first, ten to a page, and the live cost table where the editor asks for it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import COST_TABLE_MARKER, Article
from tests.page_helpers import PRICE_DISCLAIMER, assert_site_layout, day, page


def test_list_shows_published_articles_newest_first(client, make_article):
    older = make_article(title="Older piece", published_at=timezone.now() - datetime.timedelta(days=10))
    newer = make_article(title="Newer piece", standfirst="What is new.", published_at=timezone.now() - datetime.timedelta(days=1))

    p = assert_site_layout(client.get("/articles/"))

    assert p.text.index("Newer piece") < p.text.index("Older piece")
    assert "What is new." in p.text
    assert newer.get_absolute_url() in p.links() and older.get_absolute_url() in p.links()


def test_drafts_and_future_articles_are_not_listed_and_404(client, make_article):
    make_article(title="Visible piece")
    draft = make_article(title="Draft piece", status=Article.Status.DRAFT, published_at=None)
    future = make_article(title="Future piece", published_at=timezone.now() + datetime.timedelta(hours=1))

    for url in ("/articles/", "/"):
        text = page(client.get(url)).text
        assert "Visible piece" in text
        assert "Draft piece" not in text and "Future piece" not in text
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(future.get_absolute_url()).status_code == 404


def test_articles_are_paginated_ten_to_a_page(client, make_article):
    now = timezone.now()
    for n in range(23):
        make_article(title=f"Piece number {n:02d}", published_at=now - datetime.timedelta(hours=n))

    first = page(client.get("/articles/"))
    third = page(client.get("/articles/", {"page": 3}))

    assert [n for n in range(23) if f"Piece number {n:02d}" in first.text] == list(range(10))
    assert "Page 1 of 3" in first.text and "?page=2" in first.links()
    assert [n for n in range(23) if f"Piece number {n:02d}" in third.text] == [20, 21, 22]
    assert "?page=2" in third.links() and "?page=4" not in third.links()


@pytest.mark.parametrize("bad", ["4", "0", "-1", "abc", "1.5"])
def test_bad_page_numbers_are_404_not_errors(client, make_article, bad):
    for n in range(12):
        make_article()

    assert client.get("/articles/", {"page": bad}).status_code == 404


def test_article_page_shows_everything_about_the_article(client, make_article, make_therapy, make_category):
    hidden_group = make_category(is_published=False)
    shown = make_therapy(generic_name="natalizumab", slug="natalizumab", brand_names="Tysabri")
    unpublished = make_therapy(generic_name="draftumab", slug="draftumab", is_published=False)
    in_hidden_group = make_therapy(generic_name="hiddenzumab", slug="hiddenzumab", category=hidden_group)
    published_at = timezone.now() - datetime.timedelta(days=3)
    article = make_article(
        title="Infusions explained", standfirst="How infusions work.", byline="Sam Writer",
        body="## A sub-heading\n\nSome *careful* words.",
        published_at=published_at, last_reviewed=datetime.date(2026, 1, 12),
    )
    article.related_therapies.add(shown, unpublished, in_hidden_group)

    p = assert_site_layout(client.get(article.get_absolute_url()))

    assert "Infusions explained" in p.text and "How infusions work." in p.text
    assert "Sam Writer" in p.text
    assert f"Published {day(timezone.localtime(published_at).date())}" in p.text
    assert f"Last updated {day(timezone.localtime(article.updated_at).date())}" in p.text
    assert "Page last reviewed: 12 January 2026" in p.text and "Next review due: 12 January 2027" in p.text
    assert "<h2>A sub-heading</h2>" in p.html and "<em>careful</em>" in p.html
    assert "natalizumab (Tysabri)" in p.text and shown.get_absolute_url() in p.links()
    assert "draftumab" not in p.text and "hiddenzumab" not in p.text
    assert PRICE_DISCLAIMER not in p.text  # no marker, no prices


def test_cost_table_marker_becomes_the_live_cost_table(client, make_article, make_category, make_therapy, make_estimate):
    group = make_category(name="Infusion therapies", administration="IV infusion every 4 to 24 weeks")
    first = make_estimate(make_therapy(generic_name="natalizumab", category=group),
                          low=Decimal("65000"), high=Decimal("90000"), source_name="Infusion prices")
    make_estimate(make_therapy(generic_name="ocrelizumab", category=group),
                  low=Decimal("70000"), high=Decimal("120000"), source_name="Other prices")
    article = make_article(body=f"Before the table.\n\n{COST_TABLE_MARKER}\n\nAfter the table.")

    p = page(client.get(article.get_absolute_url()))

    assert COST_TABLE_MARKER not in p.html
    assert p.text.index("Before the table.") < p.text.index("Infusion therapies") < p.text.index("After the table.")
    # Each medicine's own figure, dated and sourced, and the group's range worked out from them.
    assert "US$65,000 to US$90,000 a year" in p.text and "US$70,000 to US$120,000 a year" in p.text
    assert f"{day(first.as_of)}; source)" in p.text and 'aria-label="Source: Infusion prices"' in p.html
    assert "US$65,000 to US$120,000 a year" in p.text
    assert "Worked out from the newest US list price figures we have for 2 medicines in Infusion therapies" in p.text
    assert PRICE_DISCLAIMER in p.text
    assert p.count("caption") == 1


def test_marker_inside_a_sentence_is_left_as_text(client, make_article, make_category, make_estimate):
    make_estimate(make_category(name="Infusion therapies"), low=Decimal("65000"), high=Decimal("120000"))
    article = make_article(body=f"Editors type {COST_TABLE_MARKER} on its own line.")

    p = page(client.get(article.get_absolute_url()))

    assert COST_TABLE_MARKER in p.text
    assert "US$65,000" not in p.text


def test_an_article_cannot_take_the_feeds_address(make_article):
    article = make_article(slug="feed-reading")
    article.slug = "feed"
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "the address of the articles feed" in str(refused.value.message_dict["slug"])
