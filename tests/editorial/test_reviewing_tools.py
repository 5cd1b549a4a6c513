"""Reviewing made easy to do well: word-by-word comparisons that are never cut
short, a History that tells content changes from workflow steps, comparing any
two versions, and unpublishing that asks first and keeps the reason."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article
from editorial import workflow
from editorial.diffing import word_diff
from editorial.models import ReviewDecision, Revision
from therapies.models import Therapy
from tests.admin_roles import admin_url, draft, seen_version
from tests.prices.test_estimates_admin import form_data

pytestmark = pytest.mark.django_db

LONG_START = " ".join(f"word{n}" for n in range(300))  # about 2,700 characters


def long_text(middle):
    return f"{LONG_START} {middle} and the text carries on to its very last sentence."


def edit_in_admin(web, obj, **changes):
    url = admin_url(obj, "change")
    data = form_data(web.get(url))
    data.update(changes, _save="Save")
    response = web.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def between(page, start, end):
    """The part of `page` from the first `start` to the next `end`."""
    assert start in page, f"{start!r} is not on the page"
    return page.split(start, 1)[1].split(end, 1)[0]


def checked_radio(page, name):
    tag = next(tag for tag in re.findall(r"<input[^>]*>", page) if f'name="{name}"' in tag and "checked" in tag)
    return re.search(r'value="([^"]*)"', tag).group(1)


# --- Word by word ------------------------------------------------------------------------


def test_a_word_diff_marks_the_removed_and_the_added_words_inside_a_field():
    diff = word_diff("Take one tablet daily with food.", "Take two tablets daily with water.")
    assert diff.before == "Take <del>one tablet</del> daily with <del>food.</del>"
    assert diff.after == "Take <ins>two tablets</ins> daily with <ins>water.</ins>"
    assert diff.inline == "Take <del>one tablet</del> <ins>two tablets</ins> daily with <del>food.</del> <ins>water.</ins>"
    assert word_diff("Same.", "Same.").changed is False


def test_text_added_after_the_last_word_marks_only_what_was_added():
    diff = word_diff("Rest helps.", "Rest helps. Pacing helps more.")
    assert diff.before == "Rest helps."
    assert diff.after == diff.inline == "Rest helps. <ins>Pacing helps more.</ins>"

    on_a_new_line = word_diff("Rest helps.", "Rest helps.\n\nPacing helps more.")
    assert on_a_new_line.after == "Rest helps.\n\n<ins>Pacing helps more.</ins>"

    removed = word_diff("Rest helps. Pacing helps more.", "Rest helps.")
    assert removed.before == "Rest helps. <del>Pacing helps more.</del>"
    assert removed.after == "Rest helps."


def test_a_word_diff_escapes_html_in_the_content():
    diff = word_diff("Safe <b>text</b>", 'Safe <script>alert("x")</script> text')
    for html in (diff.before, diff.after, diff.inline):
        assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in diff.after
    assert "&lt;b&gt;" in diff.before


def test_the_review_page_marks_the_changed_words_and_shows_long_text_in_full(reviewer_web, make_article, editor_user):
    article = make_article(body=long_text("Relapses are rare."), byline="A. Writer")
    article.body = long_text("Relapses are <em>common</em>.")
    workflow.save_edit(article, editor_user)

    response = reviewer_web.get(admin_url(article, "review"))
    body = {change.name: change for change in response.context["changes"]}["body"]
    assert (body.live, body.pending) == (long_text("Relapses are rare."), long_text("Relapses are <em>common</em>."))
    table = between(response.content.decode(), 'id="review-changes"', "</table>")
    # The diff's own rows: the plain-language checks under them quote the longest sentences again.
    table = re.sub(r'<tr class="text-checks".*?</tr>', "", table, flags=re.S)
    assert "<del>rare.</del>" in table
    assert "<ins>&lt;em&gt;common&lt;/em&gt;.</ins>" in table
    assert "chars]" not in table
    # Every word is there, from the first to the last.
    assert strip_tags(table).count("word0 word1") == 2
    assert strip_tags(table).count("to its very last sentence.") == 2
    assert '<link rel="stylesheet" href="/static/editorial/review.css">' in response.content.decode()


# --- The History page --------------------------------------------------------------------


@pytest.fixture
def reviewed_history(editor_web, reviewer_web, editor_user, make_article):
    """A draft edited twice by an editor, submitted and approved."""
    article = draft(make_article, title="Fatigue", body=long_text("Rest helps."))
    edit_in_admin(editor_web, article, body=long_text("Pacing helps most."))
    edit_in_admin(editor_web, article, standfirst="What helps with fatigue.")
    workflow.submit_for_review(Article.objects.get(pk=article.pk), editor_user)
    response = reviewer_web.post(admin_url(article, "review"), {"note": "Checked.", "seen_version": seen_version(reviewer_web, article)})
    assert response.status_code == 302
    return Article.objects.get(pk=article.pk)


def history_rows(page):
    table = between(page, 'id="change-history"', "</table>")
    return [row for row in table.split("<tr")[1:] if 'class="version-row"' in row]


def test_the_history_shows_complete_word_by_word_changes(reviewer_web, reviewed_history):
    page = reviewer_web.get(admin_url(reviewed_history, "history")).content.decode()
    assert "chars]" not in page
    edit_row = next(row for row in history_rows(page) if "Pacing" in row)
    assert "<del>Rest helps.</del> <ins>Pacing helps most.</ins>" in edit_row
    assert "to its very last sentence." in edit_row and "word0 word1" in edit_row
    assert "Edna Editor" in edit_row


def test_the_history_says_what_workflow_steps_were_instead_of_listing_workflow_fields(reviewer_web, reviewed_history):
    page = reviewer_web.get(admin_url(reviewed_history, "history")).content.decode()
    rows = history_rows(page)
    approval, submission = rows[0], rows[1]
    assert "Approved by Rita Reviewer" in approval
    assert "Submitted for review." in submission
    for row in (approval, submission):
        changes = row.split('class="history-changes"')[1]
        assert "No change to the content." in changes
        for workflow_field in ("Status", "Last reviewed", "Edit version", "Approved at", "Goes live at", "Last edited by", "Updated at"):
            assert workflow_field not in changes


def test_changed_by_is_the_persons_name_without_a_link_to_the_user_admin(editor_web, reviewed_history):
    response = editor_web.get(admin_url(reviewed_history, "history"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/admin/auth/user/" not in page
    changed_by = [row.split("<td>")[4].split("</td>")[0].strip() for row in history_rows(page)]
    assert {"Edna Editor", "Rita Reviewer"} <= set(changed_by)
    assert not any("<a" in name for name in changed_by)


def test_the_history_lists_the_review_decisions_newest_first(reviewer_web, reviewed_history, reviewer):
    workflow.unpublish(reviewed_history, reviewer, "Being rewritten.")
    page = reviewer_web.get(admin_url(reviewed_history, "history")).content.decode()
    thread = between(page, 'id="decision-thread"', "</ol>")
    assert thread.index("Unpublished") < thread.index("Approved and published") < thread.index("Submitted for review")
    assert "Being rewritten." in thread and "Rita Reviewer" in thread and "Edna Editor" in thread


def test_a_restore_shows_no_workflow_fields_as_content_changes(reviewer_web, editor_web, reviewer, make_article):
    article = make_article(body="Version one.", review_interval_months=6, last_reviewed=datetime.date(2025, 6, 1))
    first = article.history.latest("history_date")
    article.body = "Version two."
    article.review_interval_months = 3
    workflow.save_edit(article, reviewer)
    workflow.approve(Article.objects.get(pk=article.pk), reviewer)
    live = Article.objects.get(pk=article.pk)
    assert (live.last_reviewed, live.review_interval_months) == (timezone.localdate(), 3)

    restore_page = reviewer_web.get(admin_url(article, "simple_history", article.pk, first.history_id)).content.decode()
    assert "the status, review dates and sign-off stay as they are now" in restore_page
    assert "Last reviewed" not in restore_page
    reviewer_web.post(admin_url(article, "simple_history", article.pk, first.history_id), {"_save": "Revert"})
    assert Revision.objects.open().for_object(article).exists()

    review = reviewer_web.get(admin_url(article, "review"))
    assert [change.name for change in review.context["changes"]] == ["body"]
    table = between(review.content.decode(), 'id="review-changes"', "</table>")
    assert "<del>two.</del>" in table and "<ins>one.</ins>" in table
    assert "reviewed" not in table.lower() and "interval" not in table.lower()

    reviewer_web.post(admin_url(article, "review"), {"note": "Back to one.", "seen_version": seen_version(reviewer_web, article)})
    live = Article.objects.get(pk=article.pk)
    assert (live.body, live.review_interval_months) == ("Version one.", 3)
    rows = history_rows(reviewer_web.get(admin_url(article, "history")).content.decode())
    changes = rows[0].split('class="history-changes"')[1]
    assert "Body" in changes and "Review interval" not in changes and "Last reviewed" not in changes


# --- Comparing any two versions ----------------------------------------------------------


def compare_url(obj, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{admin_url(obj, 'compare', obj.pk)}?{query}"


def test_the_versions_to_compare_say_what_happened_and_a_resubmission_compares_with_what_was_sent_back(
    reviewer_web, editor_user, reviewer, make_article
):
    article = draft(make_article, title="Fatigue", body="Rest helps.")
    article.body = "Pacing helps."
    workflow.save_edit(article, editor_user)
    workflow.submit_for_review(Article.objects.get(pk=article.pk), editor_user)
    workflow.send_back(Article.objects.get(pk=article.pk), reviewer, "Say how pacing works.")
    resubmitted = Article.objects.get(pk=article.pk)
    resubmitted.body = "Pacing means planning rest before you tire."
    workflow.save_edit(resubmitted, editor_user)
    workflow.submit_for_review(Article.objects.get(pk=article.pk), editor_user)

    page = reviewer_web.get(compare_url(article))
    labels = [label for key, label in page.context["choices"] if key.isdigit()]
    assert [label.split(":")[0] for label in labels] == [
        "Resubmitted (version 6)", "Edited (version 5)", "Sent back (version 4)", "Submitted (version 3)",
        "Edited (version 2)", "Created (version 1)",
    ]
    assert len(set(labels)) == len(labels)

    # The resubmission against the version the reviewer sent back: only the editor's new words.
    sent_back, resubmission = (
        article.history.get(history_change_reason__startswith="Sent back"),
        article.history.filter(history_change_reason__startswith="Submitted").latest("history_date"),
    )
    compared = reviewer_web.get(compare_url(article, **{"from": sent_back.history_id, "to": resubmission.history_id}))
    assert [change.name for change in compared.context["changes"]] == ["body"]
    table = between(compared.content.decode(), 'id="compare-changes"', "</table>")
    assert "From: Sent back (version 4):" in table and "To: Resubmitted (version 6):" in table
    assert "Pacing <ins>means planning rest before you tire.</ins>" in table and "Pacing <del>helps.</del>" in table


def test_on_a_live_page_a_resubmission_is_compared_with_the_text_that_was_sent_back(
    reviewer_web, editor_user, reviewer, make_article
):
    article = make_article(title="Fatigue", body="Rest helps.")
    first_try = Article.objects.get(pk=article.pk)
    first_try.body = "Pacing helps."
    workflow.save_edit(first_try, editor_user)
    workflow.send_back(Article.objects.get(pk=article.pk), reviewer, "Say how pacing works.")
    second_try = Article.objects.get(pk=article.pk)
    second_try.body = "Pacing means planning rest before you tire."
    workflow.save_edit(second_try, editor_user)

    choices = dict(reviewer_web.get(compare_url(article)).context["choices"])
    assert choices["sent-back"].startswith("Sent back by Rita Reviewer at ")
    compared = reviewer_web.get(compare_url(article, **{"from": "sent-back", "to": "pending"}))
    table = between(compared.content.decode(), 'id="compare-changes"', "</table>")
    assert "Pacing <del>helps.</del>" in table and "Pacing <ins>means planning rest before you tire.</ins>" in table
    assert "Rest helps." not in table  # the live text is not what the reviewer compares against

    nothing_sent_back = make_article(title="Sleep")
    assert "sent-back" not in dict(reviewer_web.get(compare_url(nothing_sent_back)).context["choices"])
    refused = reviewer_web.get(compare_url(nothing_sent_back, **{"from": "sent-back", "to": "live"}))
    assert refused.status_code == 400 and "No changes to this page have been sent back." in refused.content.decode()


def test_comparing_two_versions_from_the_history(reviewer_web, editor_web, reviewed_history):
    records = list(reviewed_history.history.order_by("history_date"))
    first, latest = records[0], records[-1]
    response = editor_web.get(compare_url(reviewed_history, **{"from": first.history_id, "to": latest.history_id}))
    assert response.status_code == 200
    assert [change.name for change in response.context["changes"]] == ["standfirst", "body"]
    page = response.content.decode()
    table = between(page, 'id="compare-changes"', "</table>")
    assert "<del>Rest helps.</del>" in table and "<ins>Pacing helps most.</ins>" in table
    assert "to its very last sentence." in table and "chars]" not in table
    first_when, latest_when = timezone.localtime(first.history_date), timezone.localtime(latest.history_date)
    assert f"From: Created (version 1): {first_when:%d %b %Y %H:%M}, no person recorded" in table  # made by the test
    assert f"To: Approved (version {len(records)}): {latest_when:%d %b %Y %H:%M}, Rita Reviewer" in table
    rows = strip_tags(table.split("</thead>", 1)[1])  # the heading names the versions, "Approved" among them
    for workflow_field in ("Status", "Last reviewed", "Approved"):
        assert workflow_field not in rows

    # The same version on both sides: nothing to show, and it says so.
    same = editor_web.get(compare_url(reviewed_history, **{"from": latest.history_id, "to": "live"}))
    assert same.status_code == 200 and "have the same content" in same.content.decode()


def test_comparing_an_earlier_version_with_the_pending_changes_from_the_review_page(
    reviewer_web, reviewer, editor_user, make_article
):
    article = make_article(body="The first text.")
    first = article.history.latest("history_date")
    article.body = "The second text."
    workflow.save_edit(article, editor_user)
    workflow.approve(Article.objects.get(pk=article.pk), reviewer)
    pending = Article.objects.get(pk=article.pk)
    pending.body = "The third text."
    workflow.save_edit(pending, editor_user)

    page = reviewer_web.get(admin_url(article, "review")).content.decode()
    picker = re.search(r'<form[^>]*id="compare-earlier".*?</form>', page, re.S).group(0)
    assert f'action="{admin_url(article, "compare", article.pk)}"' in picker and 'method="get"' in picker
    assert 'name="to" value="pending"' in picker and f'value="{first.history_id}"' in picker

    response = reviewer_web.get(compare_url(article, **{"from": first.history_id, "to": "pending"}))
    table = between(response.content.decode(), 'id="compare-changes"', "</table>")
    assert "<del>first</del>" in table and "<ins>third</ins>" in table
    assert "Pending changes by Edna Editor" in table


def test_the_history_page_picks_two_versions_to_compare_without_javascript(reviewer_web, reviewed_history):
    page = reviewer_web.get(admin_url(reviewed_history, "history")).content.decode()
    form = re.search(r'<form[^>]*id="compare-versions".*?</form>', page, re.S).group(0)
    assert 'method="get"' in form and f'action="{admin_url(reviewed_history, "compare", reviewed_history.pk)}"' in form
    records = list(reviewed_history.history.order_by("-history_date", "-history_id"))
    # By default: the newest version against the one before it.
    assert (checked_radio(form, "from"), checked_radio(form, "to")) == (str(records[1].history_id), str(records[0].history_id))
    assert 'value="live"' in form
    response = reviewer_web.get(compare_url(reviewed_history, **{"from": checked_radio(form, "from"), "to": checked_radio(form, "to")}))
    assert response.status_code == 200 and "have the same content" in response.content.decode()  # the approval changed no content


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "abc", "to": "live"}, "is not a version of this page"),
        ({"from": "999999", "to": "live"}, "This page has no version number 999999"),
        ({"from": "9" * 40, "to": "live"}, "is not a version of this page"),
        ({"from": "²", "to": "live"}, "is not a version of this page"),
        ({"from": "live", "to": "pending"}, "There are no pending changes on this page"),
        ({"from": "", "to": "live"}, "Please choose two versions to compare"),
        ({"from": "<script>", "to": "live"}, "&lt;script&gt;"),
    ],
)
def test_bad_version_ids_get_a_clear_message(reviewer_web, make_article, params, message):
    article = make_article()
    response = reviewer_web.get(admin_url(article, "compare", article.pk), params)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<script>" not in between(page, 'class="errornote"', "</p>")
    assert 'id="compare-form"' in page  # the lists to choose again


def test_a_version_of_another_page_cannot_be_compared(reviewer_web, make_article):
    article, other = make_article(), make_article()
    foreign = other.history.latest("history_date")
    response = reviewer_web.get(compare_url(article, **{"from": foreign.history_id, "to": "live"}))
    assert response.status_code == 400
    assert f"This page has no version number {foreign.history_id}" in response.content.decode()
    assert reviewer_web.get(compare_url(Article(pk=987654), **{"from": "1", "to": "live"})).status_code == 404
    for url in ("/admin/articles/article/abc/compare/?from=1&to=live", "/admin/articles/article/abc/history/"):
        assert reviewer_web.get(url).status_code == 404
    assert reviewer_web.get(f"/admin/articles/article/{article.pk}/history/abc/").status_code == 404


def test_comparing_needs_permission_to_view_the_content(price_web, editor_web, make_article, make_therapy):
    article, therapy = make_article(), make_therapy()
    assert editor_web.get(compare_url(article, **{"from": "live", "to": "live"})).status_code == 200
    assert price_web.get(compare_url(article, **{"from": "live", "to": "live"})).status_code == 403
    # Price editors may look at therapies (to pick one for a price), so at their versions too.
    assert price_web.get(compare_url(therapy, **{"from": "live", "to": "live"})).status_code == 200


# --- Unpublishing ------------------------------------------------------------------------


def test_unpublishing_asks_for_confirmation_and_says_what_readers_will_see(reviewer_web, make_therapy, client):
    therapy = make_therapy(slug="calmumab")
    change_page = reviewer_web.get(admin_url(therapy, "change")).content.decode()
    assert f'href="{admin_url(therapy, "unpublish")}"' in change_page
    assert 'value="Unpublish"' not in change_page  # a link to the confirmation, not a button that acts at once

    response = reviewer_web.get(admin_url(therapy, "unpublish"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/therapies/calmumab/" in page and "page not found" in page
    assert "the cost table" in page
    assert '<textarea name="reason"' in page
    assert f'href="{admin_url(therapy, "change")}"' in page  # cancel
    assert Therapy.objects.get(pk=therapy.pk).status == "published"
    assert client.get("/therapies/calmumab/").status_code == 200


def test_unpublishing_without_a_reason_changes_nothing(reviewer_web, make_therapy):
    therapy = make_therapy()
    for reason in ("", "   "):
        response = reviewer_web.post(admin_url(therapy, "unpublish"), {"reason": reason})
        assert response.status_code == 200
        assert "Please give the reason for unpublishing" in response.content.decode()
    assert Therapy.objects.get(pk=therapy.pk).status == "published"
    assert not ReviewDecision.objects.exists()


def test_unpublishing_with_a_reason_records_it_and_readers_get_not_found(reviewer_web, reviewer, make_therapy, client):
    therapy = make_therapy(slug="calmumab")
    response = reviewer_web.post(admin_url(therapy, "unpublish"), {"reason": "Withdrawn by the maker."}, follow=True)
    assert "readers no longer see" in response.content.decode()
    assert Therapy.objects.get(pk=therapy.pk).status == "unpublished"
    decision = ReviewDecision.objects.for_object(therapy).get()
    assert (decision.action, decision.actor, decision.note) == ("unpublished", reviewer, "Withdrawn by the maker.")
    assert client.get("/therapies/calmumab/").status_code == 404
    history = reviewer_web.get(admin_url(therapy, "history")).content.decode()
    assert "Unpublished: Withdrawn by the maker." in history_rows(history)[0]


def test_editors_cannot_unpublish(editor_web, make_therapy):
    therapy = make_therapy()
    assert editor_web.get(admin_url(therapy, "unpublish")).status_code == 403
    assert editor_web.post(admin_url(therapy, "unpublish"), {"reason": "Forged."}).status_code == 403
    response = editor_web.post(
        admin_url(Therapy, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [therapy.pk], "apply": "yes", "reason": "Forged."},
    )
    assert response.status_code == 403
    assert Therapy.objects.get(pk=therapy.pk).status == "published"
    assert not ReviewDecision.objects.exists()


def test_bulk_unpublishing_asks_for_a_reason_first(reviewer_web, reviewer, make_article, client):
    first, second = make_article(slug="first"), make_article(slug="second")
    waiting = draft(make_article)
    changelist = admin_url(Article, "changelist")
    selected = [first.pk, second.pk, waiting.pk]

    response = reviewer_web.post(changelist, {"action": "unpublish_selected", "_selected_action": selected})
    assert response.status_code == 200
    page = response.content.decode()
    items = between(page, 'id="unpublish-items"', "</ul>")
    assert str(first) in items and str(second) in items and str(waiting) not in items
    assert "Not published, so left as they are" in page and '<textarea name="reason"' in page
    assert Article.objects.filter(status="published").count() == 2

    response = reviewer_web.post(
        changelist, {"action": "unpublish_selected", "_selected_action": [first.pk, second.pk], "apply": "yes", "reason": ""}
    )
    assert response.status_code == 200 and "Please give the reason for unpublishing" in response.content.decode()
    assert Article.objects.filter(status="published").count() == 2

    response = reviewer_web.post(
        changelist,
        {"action": "unpublish_selected", "_selected_action": [first.pk, second.pk], "apply": "yes", "reason": "Superseded."},
        follow=True,
    )
    assert "Unpublished 2" in response.content.decode()
    assert set(Article.objects.filter(status="unpublished").values_list("pk", flat=True)) == {first.pk, second.pk}
    notes = ReviewDecision.objects.filter(action="unpublished").values_list("object_id", "note", "actor")
    assert set(notes) == {(first.pk, "Superseded.", reviewer.pk), (second.pk, "Superseded.", reviewer.pk)}
    assert client.get("/articles/first/").status_code == 404


def test_the_history_page_needs_no_query_per_version(reviewer_web, editor_user, make_article, make_therapy):
    article = draft(make_article)
    therapies = [make_therapy() for _ in range(3)]

    def add_versions(count):
        for n in range(count):
            article.body = f"Body version {n} {article.pk}."
            article.save()
            article.related_therapies.set(therapies[: n % 3 + 1])
            workflow.save_edit(Article.objects.get(pk=article.pk), editor_user)

    url = admin_url(article, "history")
    add_versions(2)
    reviewer_web.get(url)
    with CaptureQueriesContext(connection) as few:
        assert reviewer_web.get(url).status_code == 200
    add_versions(10)
    with CaptureQueriesContext(connection) as many:
        response = reviewer_web.get(url)
    assert len(history_rows(response.content.decode())) > 12
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


def test_the_oldest_row_of_a_history_page_is_compared_with_the_next_page(reviewer_web, editor_user, make_article, monkeypatch):
    from django.contrib import admin

    monkeypatch.setattr(admin.site.get_model_admin(Article), "history_list_per_page", 2)
    article = draft(make_article, body="Text one.")
    for text in ("Text two.", "Text three."):
        article.body = text
        workflow.save_edit(article, editor_user)
    rows = history_rows(reviewer_web.get(admin_url(article, "history")).content.decode())
    assert len(rows) == 2
    assert "Text <del>two.</del> <ins>three.</ins>" in rows[0]
    assert "Text <del>one.</del> <ins>two.</ins>" in rows[1]  # against the version on page 2


def test_unpublishing_a_group_says_its_therapies_go_too(reviewer_web, make_category):
    page = reviewer_web.get(admin_url(make_category(), "unpublish")).content.decode()
    assert "The therapies in it are hidden from readers too" in page


def test_marking_as_reviewed_shows_in_the_history_as_what_it_was(reviewer_web, make_article):
    article = make_article(body="Unchanged text.")
    reviewer_web.post(admin_url(Article, "changelist"), {"action": "mark_reviewed_today", "_selected_action": [article.pk]})
    row = history_rows(reviewer_web.get(admin_url(article, "history")).content.decode())[0]
    assert f"Marked as reviewed on {timezone.localdate():%d %b %Y}." in row
    assert "No change to the content." in row and "Last reviewed" not in row
