"""The plain-language checks where editors and reviewers work: on the edit
form of every page with Markdown text, and on the review page beside the
diff, before and after the edit. They advise and never block a save."""

import re

import pytest
from django.utils.html import escape

from articles.models import Article
from editorial import workflow
from editorial.models import GlossaryTerm
from tests.admin_roles import admin_url, draft
from tests.editorial.test_readability import LONG_WINDED, PLAIN
from tests.prices.test_estimates_admin import form_data

pytestmark = pytest.mark.django_db

EVERY_PROBLEM = (
    f"## Treatment\n\n{LONG_WINDED}\n\n#### Costs\n\n"
    "Lymphocytes matter. For prices [click here](https://example.org/prices)."
)


@pytest.fixture(autouse=True)
def glossary(db):
    GlossaryTerm.objects.create(term="lymphocyte", plain_meaning="a kind of white blood cell")


def panel(page, field="body"):
    """The checks shown for one field of the edit form."""
    return page.split(f'id="plain-language-{field}"')[1].split("</section>")[0]


def grade_shown(html):
    return float(re.search(r"Reading grade: <strong>([0-9.]+)</strong>", html).group(1))


def test_the_edit_form_of_a_long_winded_article_shows_its_grade_above_8_and_its_longest_sentence(
    editor_web, make_article
):
    article = draft(make_article, body=f"{PLAIN}\n\n{LONG_WINDED}")
    checks = panel(editor_web.get(admin_url(article, "change")).content.decode())
    assert grade_shown(checks) > 8
    assert "aim for 8 or lower" in checks and "shorter sentences and everyday words" in checks
    assert "Longest sentences" in checks
    first = checks.split('class="longest-sentences"')[1].split("</li>")[0]
    assert "Notwithstanding the considerable heterogeneity" in first and "try splitting it" in first


def test_a_plain_article_reads_at_grade_8_or_below_with_nothing_flagged(editor_web, make_article):
    article = draft(make_article, body=PLAIN)
    checks = panel(editor_web.get(admin_url(article, "change")).content.decode())
    assert grade_shown(checks) <= 8
    for flag in ("try splitting it", "Link text that says nothing", "Heading order", "Medical words"):
        assert flag not in checks


def test_the_edit_form_flags_link_text_heading_jumps_and_lists_glossary_words_with_their_plain_meaning(
    editor_web, make_article
):
    article = draft(make_article, body=EVERY_PROBLEM)
    checks = panel(editor_web.get(admin_url(article, "change")).content.decode())
    assert "Link text that says nothing on its own" in checks and "“click here”" in checks
    assert "Heading order" in checks and "A heading jumps from ## to ####" in checks
    assert "<strong>lymphocyte</strong>: a kind of white blood cell" in checks


def test_a_text_with_every_problem_still_saves_and_the_form_then_shows_its_checks(editor_web, make_article):
    article = draft(make_article, body=PLAIN)
    url = admin_url(article, "change")
    data = form_data(editor_web.get(url))
    data.update(body=EVERY_PROBLEM, _continue="1")
    response = editor_web.post(url, data)
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == EVERY_PROBLEM
    checks = panel(editor_web.get(url).content.decode())
    assert grade_shown(checks) > 8 and "“click here”" in checks


def test_a_form_sent_back_with_an_error_checks_the_text_as_typed(editor_web, make_article):
    article = draft(make_article, body=PLAIN)
    url = admin_url(article, "change")
    data = form_data(editor_web.get(url))
    data.update(body=f"{LONG_WINDED}\n\n![](https://example.org/x.png)", title="", _continue="1")
    response = editor_web.post(url, data)
    assert response.status_code == 200  # the missing title, and the image, are the form's own errors
    assert grade_shown(panel(response.content.decode())) > 8


def test_the_checks_escape_the_text_they_quote(editor_web, make_article):
    article = draft(make_article, body="A sentence with <script>alert(1)</script> in it.")
    checks = panel(editor_web.get(admin_url(article, "change")).content.decode())
    assert "<script>" not in checks


def test_the_review_page_shows_the_grade_before_and_after_the_edit_beside_the_diff(
    reviewer_web, editor_user, make_article
):
    article = make_article(body=f"{PLAIN}\n\n{LONG_WINDED}")
    article.body = EVERY_PROBLEM.replace(LONG_WINDED, PLAIN)
    workflow.save_edit(article, editor_user, base_version=article.edit_version)
    page = reviewer_web.get(admin_url(article, "review")).content.decode()
    table = page.split('id="review-changes"')[1].split("</table>")[0]
    row = table.split('id="plain-language-body"')[1].split("</tr>")[0]
    before = row.split('class="live-checks"')[1].split("</td>")[0]
    after = row.split('class="pending-checks"')[1].split("</td>")[0]
    assert grade_shown(before) > 8 >= grade_shown(after)
    assert f"(reading grade {grade_shown(before)} → {grade_shown(after)})" in row
    assert "“click here”" in after and "“click here”" not in before
    assert "<strong>lymphocyte</strong>" in after


def test_the_review_page_of_a_draft_shows_its_checks(reviewer_web, editor_user, make_article):
    article = draft(make_article, body=EVERY_PROBLEM)
    workflow.submit_for_review(article, editor_user)
    page = reviewer_web.get(admin_url(article, "review")).content.decode()
    checks = panel(page)
    assert grade_shown(checks) > 8 and escape("A heading jumps from ## to ####") in checks
    # The reviewer types nothing here, so is not told to save.
    assert "save to update them" not in page.split('id="plain-language"')[1].split("</p>")[0]


def test_the_panel_says_it_follows_the_saved_text_and_no_longer_that_images_are_refused(editor_web, make_article):
    """Images are accepted since the media library came; the panel counts
    their alt text. It changes only on a save, which an editor watching it
    while typing needs to be told."""
    article = draft(make_article, body=PLAIN)
    page = editor_web.get(admin_url(article, "change")).content.decode()
    explanation = page.split('id="plain-language"')[1].split("</p>")[0]
    assert "Images are not accepted" not in explanation
    assert "not as you type: save to update them" in explanation
