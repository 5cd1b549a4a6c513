"""The review workflow's rules, as the service layer enforces them for every
caller (admin, preview, public pages)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Article
from editorial import workflow
from editorial.models import Revision, SlugRedirect
from therapies.models import Category, Therapy


def draft_article(make_article, **fields):
    return make_article(status="draft", published_at=None, **fields)


def test_the_three_roles_exist_with_publishing_only_for_reviewers(db):
    editors, reviewers, price_editors = (Group.objects.get(name=n) for n in ("Editors", "Medical reviewers", "Price editors"))

    def codenames(group):
        return set(group.permissions.values_list("codename", flat=True))

    publishing = {"publish_article", "publish_therapy", "publish_category"}
    assert publishing <= codenames(reviewers)
    assert not publishing & codenames(editors)
    assert {"change_article", "change_therapy", "change_category"} <= codenames(editors)
    assert codenames(price_editors) >= {"add_costestimate", "add_priceimport"}
    # Estimates are corrected, never changed; NDC and HCPCS mappings and products' dosing
    # (units a year) are reference rows price editors keep; countries and kinds only an administrator changes.
    assert not {c for c in codenames(price_editors) if c.startswith(("change_", "delete_"))} - {
        "change_ndcmapping", "change_hcpcsmapping", "change_productdosing"}
    assert {"add_hcpcsmapping", "change_hcpcsmapping", "view_hcpcsmapping"} <= codenames(price_editors)
    assert {"view_country", "view_pricekind"} <= codenames(price_editors)
    assert not {"change_country", "change_pricekind"} & codenames(price_editors)


def test_a_draft_goes_live_only_when_a_reviewer_approves_it(make_article, editor_user, reviewer):
    article = draft_article(make_article, body="First draft.")
    workflow.submit_for_review(article, editor_user)
    assert Article.objects.get(pk=article.pk).status == "in_review"
    assert not Article.objects.live().filter(pk=article.pk).exists()

    with pytest.raises(PermissionDenied):
        workflow.approve(article, editor_user)
    assert not Article.objects.live().filter(pk=article.pk).exists()

    workflow.approve(article, reviewer, note="Checked against the label.")
    live = Article.objects.live().get(pk=article.pk)
    assert (live.approved_by, live.approval_note) == (reviewer, "Checked against the label.")
    assert live.last_reviewed == timezone.localdate()


def test_editing_published_content_keeps_the_live_version_until_approved(make_therapy, editor_user, reviewer):
    therapy = make_therapy(summary="Approved summary.")
    version = therapy.edit_version
    therapy.summary = "Edited summary."
    revision = workflow.save_edit(therapy, editor_user, base_version=version)

    assert revision.status == Revision.Status.PENDING
    assert Therapy.objects.get(pk=therapy.pk).summary == "Approved summary."
    changed = {change.label: (change.live, change.pending) for change in workflow.changes(Therapy.objects.get(pk=therapy.pk), revision)}
    assert changed == {"summary": ("Approved summary.", "Edited summary.")}

    workflow.approve(Therapy.objects.get(pk=therapy.pk), reviewer)
    assert Therapy.objects.get(pk=therapy.pk).summary == "Edited summary."
    assert Revision.objects.get(pk=revision.pk).status == Revision.Status.APPLIED


def test_a_second_edit_updates_the_one_pending_revision(make_category, editor_user):
    category = make_category(summary="Live.")
    category.summary = "First edit."
    first = workflow.save_edit(category, editor_user)
    category.summary = "Second edit."
    second = workflow.save_edit(category, editor_user)
    assert first.pk == second.pk
    assert Revision.objects.open().for_object(category).get().data["summary"] == "Second edit."
    assert Category.objects.get(pk=category.pk).summary == "Live."


def test_an_approval_for_later_goes_live_at_that_time(make_article, editor_user, reviewer):
    article = make_article(body="Old text.")
    article.body = "New text."
    workflow.save_edit(article, editor_user)
    go_live = timezone.now() + datetime.timedelta(hours=2)
    workflow.approve(Article.objects.get(pk=article.pk), reviewer, go_live_at=go_live)

    assert Article.objects.get(pk=article.pk).body == "Old text."
    assert workflow.publish_due_revisions(now=go_live - datetime.timedelta(minutes=1)) == 0
    assert Article.objects.get(pk=article.pk).body == "Old text."
    assert workflow.publish_due_revisions(now=go_live + datetime.timedelta(minutes=1)) == 1
    assert Article.objects.get(pk=article.pk).body == "New text."


def test_new_content_can_be_scheduled_and_given_an_expiry(make_article, reviewer):
    article = draft_article(make_article)
    go_live = timezone.now() + datetime.timedelta(days=1)
    expires = go_live + datetime.timedelta(days=7)
    workflow.approve(article, reviewer, go_live_at=go_live, expires_at=expires)

    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert Article.objects.live(now=go_live + datetime.timedelta(hours=1)).filter(pk=article.pk).exists()
    assert not Article.objects.live(now=expires + datetime.timedelta(hours=1)).filter(pk=article.pk).exists()


def test_an_expiry_before_the_go_live_time_is_refused(make_article, reviewer):
    article = draft_article(make_article)
    now = timezone.now()
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(article, reviewer, go_live_at=now + datetime.timedelta(days=2), expires_at=now + datetime.timedelta(days=1))
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_a_stale_form_is_refused_and_names_who_saved_first(make_article, editor_user, reviewer):
    article = draft_article(make_article, body="Original.")
    opened_version = article.edit_version

    first = Article.objects.get(pk=article.pk)
    first.body = "Reviewer's fix."
    workflow.save_edit(first, reviewer, base_version=opened_version)

    second = Article.objects.get(pk=article.pk)
    second.body = "Editor's rewrite."
    with pytest.raises(workflow.EditConflict) as conflict:
        workflow.save_edit(second, editor_user, base_version=opened_version)
    assert "Rita Reviewer" in str(conflict.value)
    assert Article.objects.get(pk=article.pk).body == "Reviewer's fix."


def test_unpublishing_hides_content_and_needs_a_reviewer(make_category, editor_user, reviewer):
    category = make_category()
    with pytest.raises(PermissionDenied):
        workflow.unpublish(category, editor_user, "Out of date.")
    assert Category.objects.live().filter(pk=category.pk).exists()
    workflow.unpublish(category, reviewer, "Out of date.")
    assert not Category.objects.live().filter(pk=category.pk).exists()
    assert not workflow.is_deletable(Category.objects.get(pk=category.pk))


def test_sending_back_closes_the_revision_and_keeps_the_live_text(make_article, editor_user, reviewer):
    article = make_article(body="Live.")
    article.body = "Not ready."
    revision = workflow.save_edit(article, editor_user)
    workflow.send_back(Article.objects.get(pk=article.pk), reviewer, note="Needs a source.")
    assert Revision.objects.get(pk=revision.pk).status == Revision.Status.REJECTED
    assert Article.objects.get(pk=article.pk).body == "Live."


def test_restoring_an_earlier_version_of_live_content_waits_for_approval(make_article, editor_user, reviewer):
    article = draft_article(make_article, body="Version one.")
    workflow.approve(article, reviewer)
    article = Article.objects.get(pk=article.pk)
    article.body = "Version two."
    workflow.save_edit(article, editor_user)
    workflow.approve(Article.objects.get(pk=article.pk), reviewer)
    assert Article.objects.get(pk=article.pk).body == "Version two."

    first_version = article.history.filter(body="Version one.").earliest("history_date")
    revision = workflow.restore(Article.objects.get(pk=article.pk), first_version, reviewer)

    assert revision is not None and revision.data["body"] == "Version one."
    assert Article.objects.get(pk=article.pk).body == "Version two."


def test_every_change_is_recorded_with_who_made_it(make_therapy, editor_user):
    therapy = make_therapy(status="draft", published_at=None, summary="One.")
    therapy.summary = "Two."
    workflow.save_edit(therapy, editor_user)
    latest = therapy.history.latest("history_date")
    assert (latest.summary, latest.history_user) == ("Two.", editor_user)
    changed_fields = {change.field for change in latest.diff_against(latest.prev_record).changes}
    assert "summary" in changed_fields


def test_renaming_a_slug_keeps_the_old_address(make_therapy, reviewer):
    therapy = make_therapy(slug="old-name", status="draft", published_at=None)
    therapy.slug = "new-name"
    workflow.save_edit(therapy, reviewer)
    assert SlugRedirect.target_for(Therapy, "old-name") == therapy
    therapy.slug = "old-name"
    workflow.save_edit(therapy, reviewer)
    assert SlugRedirect.target_for(Therapy, "old-name") is None
    assert SlugRedirect.target_for(Therapy, "new-name") == therapy


def test_next_review_due_follows_the_default_or_a_shorter_interval(make_article, settings):
    settings.REVIEW_INTERVAL_MONTHS = 12
    article = make_article(last_reviewed=datetime.date(2026, 1, 31))
    assert article.next_review_due == datetime.date(2027, 1, 31)
    article.review_interval_months = 1
    assert article.next_review_due == datetime.date(2026, 2, 28)
    article.review_interval_months = 18
    with pytest.raises(Exception) as error:
        article.full_clean()
    assert "at most 12 months" in str(error.value)


def test_unpublishing_keeps_pending_edits_in_the_page(make_article, editor_user, reviewer):
    article = make_article(body="Live text.")
    article.body = "Pending text."
    workflow.save_edit(article, editor_user)

    workflow.unpublish(Article.objects.get(pk=article.pk), reviewer, "Needs rework.")
    unpublished = Article.objects.get(pk=article.pk)
    assert (unpublished.status, unpublished.body) == ("unpublished", "Pending text.")
    assert not Revision.objects.open().for_object(unpublished).exists()

    # A later edit saves straight to the page and nothing older is laid over it.
    unpublished.body = "Newer text."
    workflow.save_edit(unpublished, editor_user)
    workflow.approve(Article.objects.get(pk=article.pk), reviewer)
    assert Article.objects.live().get(pk=article.pk).body == "Newer text."


def test_estimates_recorded_in_the_admin_keep_their_history(make_category, make_estimate, editor_user):
    estimate = make_estimate(make_category())
    record = estimate.history.get()
    assert (record.history_type, record.low) == ("+", estimate.low)


# --- What the independent review found, pinned ----------------------------------------------


def test_an_approval_is_refused_when_the_page_changed_after_the_reviewer_looked(make_article, editor_user, reviewer):
    article = make_article(body="Live.")
    article.body = "What the reviewer saw."
    workflow.save_edit(article, editor_user)
    seen = Article.objects.get(pk=article.pk).edit_version

    later = Article.objects.get(pk=article.pk)
    later.body = "Saved after the reviewer looked."
    workflow.save_edit(later, editor_user)

    with pytest.raises(workflow.WorkflowError, match="changed after you opened the review"):
        workflow.approve(Article.objects.get(pk=article.pk), reviewer, seen_version=seen)
    assert Article.objects.get(pk=article.pk).body == "Live."


def test_a_revision_whose_address_was_taken_since_is_refused_not_crashed(make_therapy, editor_user, reviewer):
    therapy = make_therapy(slug="first-name")
    therapy.slug = "wanted-name"
    workflow.save_edit(therapy, editor_user)
    make_therapy(slug="wanted-name")

    with pytest.raises(workflow.WorkflowError, match="can no longer be applied"):
        workflow.approve(Therapy.objects.get(pk=therapy.pk), reviewer)
    assert Therapy.objects.get(pk=therapy.pk).slug == "first-name"
    assert Revision.objects.open().for_object(therapy).exists()


def test_approving_without_an_expiry_keeps_the_one_set(make_article, editor_user, reviewer):
    expires = timezone.now() + datetime.timedelta(days=30)
    article = make_article(expires_at=expires)
    article.body = "Edited."
    workflow.save_edit(article, editor_user)
    workflow.approve(Article.objects.get(pk=article.pk), reviewer)
    assert Article.objects.get(pk=article.pk).expires_at == expires


def test_saving_a_live_page_unchanged_from_a_browser_creates_no_revision(make_therapy, editor_user):
    therapy = make_therapy(body="First paragraph.\n\nSecond paragraph.")
    as_a_browser_sends_it = Therapy.objects.get(pk=therapy.pk)
    as_a_browser_sends_it.body = "First paragraph.\r\n\r\nSecond paragraph."
    assert workflow.save_edit(as_a_browser_sends_it, editor_user) is None
    assert not Revision.objects.exists()


def test_a_pending_edit_does_not_change_the_pages_last_updated_time(make_article, editor_user):
    article = make_article()
    updated_at = Article.objects.get(pk=article.pk).updated_at
    article.body = "Not approved yet."
    workflow.save_edit(article, editor_user)
    assert Article.objects.get(pk=article.pk).updated_at == updated_at


def test_after_a_send_back_a_form_opened_before_it_is_refused(make_article, editor_user, reviewer):
    article = make_article(body="Live.")
    article.body = "Sent back text."
    workflow.save_edit(article, editor_user)
    opened_version = Article.objects.get(pk=article.pk).edit_version
    workflow.send_back(Article.objects.get(pk=article.pk), reviewer, note="Needs a source.")

    stale_form = Article.objects.get(pk=article.pk)
    stale_form.body = "Sent back text, and more."
    with pytest.raises(workflow.EditConflict):
        workflow.save_edit(stale_form, editor_user, base_version=opened_version)
    assert not Revision.objects.open().for_object(article).exists()
