"""A medical reviewer's side of the admin: the comparison of a pending
revision with the live version, approving (now, later, with an expiry),
sending back and unpublishing (which asks for confirmation and a reason first)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import workflow
from editorial.models import Revision
from therapies.models import Therapy
from tests.admin_roles import admin_url, draft, seen_version
from tests.conftest import logged_in
from tests.prices.test_estimates_admin import form_data

pytestmark = pytest.mark.django_db


def pending_edit(obj, user, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    return workflow.save_edit(obj, user, base_version=obj.edit_version)


def local_parts(moment):
    moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")


def approve_data(obj, web, note="", go_live=None, expires=None):
    data = {"note": note, "go_live_at_0": "", "go_live_at_1": "", "expires_at_0": "", "expires_at_1": "",
            "seen_version": seen_version(web, obj)}
    if go_live:
        data["go_live_at_0"], data["go_live_at_1"] = local_parts(go_live)
    if expires:
        data["expires_at_0"], data["expires_at_1"] = local_parts(expires)
    return data


@pytest.fixture
def edited_article(make_article, editor_user):
    article = make_article(title="Relapses", slug="relapses", body="Old advice.", byline="A. Writer")
    pending_edit(article, editor_user, body="New advice.", byline="B. Writer")
    return Article.objects.get(pk=article.pk)


def test_the_review_page_compares_the_pending_revision_with_the_live_version(reviewer_web, edited_article):
    response = reviewer_web.get(admin_url(edited_article, "review"))
    assert response.status_code == 200
    changes = {change.label: (change.live, change.pending) for change in response.context["changes"]}
    assert changes == {"body": ("Old advice.", "New advice."), "byline": ("A. Writer", "B. Writer")}
    page = response.content.decode()
    table = page.split('id="review-changes"')[1].split("</table>")[0]
    assert "<del>Old</del> advice." in table and "<ins>New</ins> advice." in table  # word by word
    assert "<del>A.</del> Writer" in table and "<ins>B.</ins> Writer" in table
    for text in ("Approve and publish", "Edna Editor"):
        assert text in page
    assert "Standfirst" not in page.split('id="review-changes"')[1].split("</table>")[0]  # unchanged fields are left out


def test_the_review_page_of_a_draft_shows_its_content(reviewer_web, make_therapy, editor_user):
    therapy = draft(make_therapy, summary="A new tablet.")
    workflow.submit_for_review(therapy, editor_user)
    page = reviewer_web.get(admin_url(therapy, "review")).content.decode()
    assert "A new tablet." in page and "Send back" in page


def test_approving_publishes_the_revision_and_records_the_sign_off(reviewer_web, reviewer, edited_article, client):
    response = reviewer_web.post(admin_url(edited_article, "review"), approve_data(edited_article, reviewer_web, note="Checked against NICE."))
    assert response.status_code == 302
    live = Article.objects.get(pk=edited_article.pk)
    assert (live.body, live.byline) == ("New advice.", "B. Writer")
    assert (live.approved_by, live.approval_note) == (reviewer, "Checked against NICE.")
    assert live.approved_at is not None and live.last_reviewed == timezone.localdate()
    assert live.published_at == edited_article.published_at  # an update keeps its publication date
    assert not Revision.objects.open().for_object(live).exists()
    assert "New advice." in client.get("/articles/relapses/").content.decode()


def test_approving_a_draft_for_later_with_an_expiry(reviewer_web, make_article, editor_user):
    article = draft(make_article)
    workflow.submit_for_review(article, editor_user)
    go_live = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0, second=0)
    expires = go_live + datetime.timedelta(days=30)
    response = reviewer_web.post(admin_url(article, "review"), approve_data(article, reviewer_web, go_live=go_live, expires=expires))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.published_at, article.expires_at) == ("published", go_live, expires)
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert Article.objects.live(now=go_live + datetime.timedelta(minutes=1)).filter(pk=article.pk).exists()
    assert not Article.objects.live(now=expires + datetime.timedelta(minutes=1)).filter(pk=article.pk).exists()


def test_a_revision_approved_for_later_waits_until_then(reviewer_web, edited_article):
    go_live = (timezone.now() + datetime.timedelta(hours=3)).replace(microsecond=0, second=0)
    response = reviewer_web.post(admin_url(edited_article, "review"), approve_data(edited_article, reviewer_web, go_live=go_live), follow=True)
    assert "go live at" in response.content.decode()
    assert Article.objects.get(pk=edited_article.pk).body == "Old advice."
    assert Revision.objects.open().for_object(edited_article).get().status == Revision.Status.SCHEDULED

    assert workflow.publish_due_revisions(now=go_live - datetime.timedelta(minutes=1)) == 0
    assert Article.objects.get(pk=edited_article.pk).body == "Old advice."
    assert workflow.publish_due_revisions(now=go_live + datetime.timedelta(minutes=1)) == 1
    assert Article.objects.get(pk=edited_article.pk).body == "New advice."


def test_an_expiry_before_going_live_is_a_form_error(reviewer_web, make_article):
    article = draft(make_article)
    go_live = timezone.now() + datetime.timedelta(days=2)
    response = reviewer_web.post(
        admin_url(article, "review"), approve_data(article, reviewer_web, go_live=go_live, expires=go_live - datetime.timedelta(days=1))
    )
    assert response.status_code == 200
    assert "The content must go live before it is hidden." in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_unpublishing(reviewer_web, make_category, client):
    category = make_category(slug="oral")
    confirmation = reviewer_web.get(admin_url(category, "unpublish"))
    assert confirmation.status_code == 200 and "Reason for unpublishing" in confirmation.content.decode()
    assert status_of(category) == "published"
    response = reviewer_web.post(admin_url(category, "unpublish"), {"reason": "Superseded by the 2026 guidance."})
    assert response.status_code == 302
    assert status_of(category) == "unpublished"
    # Unpublished content is still not deletable, and can be sent for review again.
    page = reviewer_web.get(admin_url(category, "change")).content.decode()
    assert admin_url(category, "delete") not in page
    assert "Save and submit for review" in page


def status_of(category):
    return type(category).objects.values_list("status", flat=True).get(pk=category.pk)


def test_sending_back_a_revision_keeps_the_live_version(reviewer_web, edited_article):
    response = reviewer_web.post(admin_url(edited_article, "send_back"), {"note": "Needs a source."})
    assert response.status_code == 302
    revision = Revision.objects.get(object_id=edited_article.pk)
    assert (revision.status, revision.review_note) == (Revision.Status.REJECTED, "Needs a source.")
    assert Article.objects.get(pk=edited_article.pk).body == "Old advice."


def test_sending_back_content_in_review_returns_it_to_draft(reviewer_web, make_therapy, editor_user):
    therapy = draft(make_therapy)
    workflow.submit_for_review(therapy, editor_user)
    assert reviewer_web.post(admin_url(therapy, "send_back"), {"note": "Add the dosing."}).status_code == 302
    assert Therapy.objects.get(pk=therapy.pk).status == "draft"


def test_a_review_action_that_does_not_fit_is_a_message_not_an_error(reviewer_web, make_therapy):
    therapy = draft(make_therapy)
    response = reviewer_web.post(admin_url(therapy, "unpublish"), {"reason": "Out of date."}, follow=True)
    assert response.status_code == 200
    assert "Only published content can be unpublished." in response.content.decode()
    response = reviewer_web.post(admin_url(therapy, "send_back"), {"note": "Check it."}, follow=True)
    assert "There is nothing waiting for review here." in response.content.decode()


def test_review_actions_need_the_csrf_token(reviewer, make_category):
    category = make_category()
    strict = logged_in(reviewer, enforce_csrf_checks=True)
    assert strict.post(admin_url(category, "unpublish"), {"reason": "Out of date."}).status_code == 403
    assert status_of(category) == "published"


def test_the_pending_changes_are_marked_in_the_list(reviewer_web, edited_article, make_article):
    make_article(title="Untouched")
    page = reviewer_web.get(admin_url(Article, "changelist")).content.decode()
    assert page.count("pending changes") == 1


@pytest.mark.parametrize("model", [Article, Therapy])
def test_changelist_queries_do_not_grow_with_rows_or_revisions(
    editor_web, editor_user, make_article, make_therapy, make_estimate, model
):
    make = {Article: make_article, Therapy: make_therapy}[model]

    def populate(count):
        for n in range(count):
            obj = make()
            if model is Therapy:
                make_estimate(obj)
            if n % 2:
                pending_edit(obj, editor_user, body=f"Pending {n}.")

    url = admin_url(model, "changelist")
    populate(2)
    editor_web.get(url)
    with CaptureQueriesContext(connection) as few:
        assert editor_web.get(url).status_code == 200
    populate(20)
    with CaptureQueriesContext(connection) as many:
        response = editor_web.get(url)
    assert response.context["cl"].result_count >= 22
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_change_form_of_a_pending_revision_loads_in_a_fixed_number_of_queries(editor_web, edited_article):
    url = admin_url(edited_article, "change")
    editor_web.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert editor_web.get(url).status_code == 200
    assert len(queries) < 30
    assert form_data(editor_web.get(url))["body"] == "New advice."


def test_the_reviewer_is_told_when_the_page_changed_while_they_were_reviewing(reviewer_web, editor_user, edited_article):
    data = approve_data(edited_article, reviewer_web, note="Looks right.")
    pending_edit(Article.objects.get(pk=edited_article.pk), editor_user, body="Slipped in after the review opened.")

    response = reviewer_web.post(admin_url(edited_article, "review"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "changed after you opened the review" in page
    assert "Slipped in after the review opened." in page  # the comparison now shows the latest text
    assert Article.objects.get(pk=edited_article.pk).body == "Old advice."


def test_bulk_approval_leaves_pages_with_changes_to_compare(reviewer_web, edited_article):
    changelist = reverse("admin:articles_article_changelist")
    reviewer_web.post(changelist, {"action": "approve_selected", "_selected_action": [edited_article.pk]})
    assert Article.objects.get(pk=edited_article.pk).body == "Old advice."
    assert Revision.objects.open().for_object(edited_article).exists()
