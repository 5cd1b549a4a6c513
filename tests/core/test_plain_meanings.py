"""A glossary term's plain meaning on public pages: after its first use in
running text, as part of the sentence (no JavaScript, no `title` attribute),
with the sanitiser as strict as before; a glossary change reaches the page
through the page cache."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.cache import STATUS_HEADER
from core.markup import explain_terms, render_markdown
from editorial.models import GlossaryTerm

LYMPHOCYTE = ("lymphocyte", "a kind of white blood cell")


def checked_term(term, meaning):
    """A term a medical reviewer has checked: readers see only those."""
    return GlossaryTerm.objects.create(term=term, plain_meaning=meaning, checked_at=timezone.now())


def explained(markdown_text, glossary=(LYMPHOCYTE,)):
    return str(explain_terms(render_markdown(markdown_text), glossary))


def test_the_first_use_of_a_term_is_followed_by_its_plain_meaning():
    html = explained("Some **medicines** lower your lymphocytes. Lymphocytes come back later.")
    assert html == (
        '<p>Some <strong>medicines</strong> lower your <dfn class="glossary-term">lymphocytes</dfn>'
        '<span class="plain-meaning"> (a kind of white blood cell)</span>. Lymphocytes come back later.</p>'
    )


def test_terms_in_headings_links_and_code_are_left_alone_and_the_first_running_use_is_explained():
    html = explained("## Lymphocytes\n\n[lymphocytes](https://example.org) and `lymphocyte`\n\n- a lymphocyte count")
    assert html.count('class="plain-meaning"') == 1
    assert '<li>a <dfn class="glossary-term">lymphocyte</dfn>' in html
    assert "<h2>Lymphocytes</h2>" in html


def test_a_meaning_written_with_html_shows_as_text():
    html = explained("Myelin is a coating.", [("myelin", '<script>alert(1)</script> "fat" & more')])
    assert "<script>" not in html
    assert "(&lt;script&gt;alert(1)&lt;/script&gt; &quot;fat&quot; &amp; more)" in html


def test_without_a_glossary_the_html_is_unchanged():
    assert explained("Lymphocytes.", ()) == str(render_markdown("Lymphocytes."))


def test_a_term_inside_a_longer_word_is_not_explained():
    assert "plain-meaning" not in explained("Remyelination is studied.", [("myelin", "a coating")])


@pytest.fixture
def lymphocyte_therapy(db, make_therapy):
    checked_term("lymphocyte", "a kind of white blood cell")
    return make_therapy(slug="lowermab", body="It lowers the number of lymphocytes in the blood.")


def test_the_therapy_page_shows_the_plain_meaning_without_javascript(client, lymphocyte_therapy):
    html = client.get(reverse("therapies:therapy_detail", args=["lowermab"])).content.decode()
    assert (
        '<dfn class="glossary-term">lymphocytes</dfn><span class="plain-meaning"> (a kind of white blood cell)</span>'
        in html
    )


def test_an_article_shows_the_plain_meaning(client, make_article):
    checked_term("relapse", "a time when MS symptoms come back")
    make_article(slug="relapses", body="A relapse can last days.")
    html = client.get("/articles/relapses/").content.decode()
    assert '<dfn class="glossary-term">relapse</dfn><span class="plain-meaning"> (a time when MS symptoms come back)</span>' in html


def test_a_glossary_change_reaches_a_page_in_the_page_cache(client, lymphocyte_therapy):
    url = reverse("therapies:therapy_detail", args=["lowermab"])
    client.get(url)
    assert client.get(url)[STATUS_HEADER] == "hit"
    term = GlossaryTerm.objects.get(term="lymphocyte")
    term.plain_meaning = "white blood cells that fight infection"
    term.save()
    response = client.get(url)
    assert response[STATUS_HEADER] == "miss"
    assert "(white blood cells that fight infection)" in response.content.decode()


def test_an_attribute_holding_a_term_and_a_closing_bracket_is_left_whole():
    html = explained('See [the guide](https://example.org/g "lymphocytes > 1") about lymphocytes.')
    assert 'title="lymphocytes &gt; 1"' in html or 'title="lymphocytes > 1"' in html
    assert html.count('class="plain-meaning"') == 1
    assert 'about <dfn class="glossary-term">lymphocytes</dfn>' in html


def test_the_emerging_pages_kept_sections_show_the_glossary_as_it_is_now(client, make_category, page_cache_off):
    """The sections are a kept fragment (pages/sections.py): the glossary is in
    its key, so a changed meaning is a new fragment, never the old one."""
    from therapies.models import Category

    checked_term("myelin", "the coating around nerve fibres")
    make_category(kind=Category.Kind.EMERGING, name="Repair", slug="repair", body="Some medicines may repair myelin.")
    assert "(the coating around nerve fibres)" in client.get("/emerging/").content.decode()
    term = GlossaryTerm.objects.get(term="myelin")
    term.plain_meaning = "the protective coating around nerves"  # a medical reviewer's edit, saved as checked
    term.save()
    html = client.get("/emerging/").content.decode()
    assert "(the protective coating around nerves)" in html and "(the coating around nerve fibres)" not in html


def test_a_meaning_no_reviewer_has_checked_stays_off_public_pages(client, make_article):
    GlossaryTerm.objects.create(term="relapse", plain_meaning="an editor's draft meaning")
    make_article(slug="relapses", body="A relapse can last days.")
    html = client.get("/articles/relapses/").content.decode()
    assert "an editor's draft meaning" not in html and 'class="glossary-term"' not in html
