"""A medical reviewer's decisions: approve, send back, unpublish, restore."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import cache
from editorial.models import EditorialStatus, ReviewDecision, Revision, person_name
from editorial.workflow.decisions import credit_for_approval, record
from editorial.workflow.editing import bump_version, save_edit, save_many_to_many
from editorial.workflow.errors import WorkflowError
from editorial.workflow.evidence import clear_on_approval
from editorial.workflow.revisions import content_fields, materialise
from editorial.workflow.rules import require_publisher

KEEP = object()  # approve(): leave the current expiry as it is


@transaction.atomic
def approve(obj, reviewer, note="", go_live_at=None, expires_at=KEEP, seen_version=None):
    """Sign off `obj` (and its pending revision, if any) and publish it at
    `go_live_at` (now if not given). Content already live with a revision
    scheduled for later keeps its current version until then.

    `seen_version` is the edit version the reviewer looked at: if anyone has
    saved since, the approval is refused rather than publishing unseen text."""
    model = type(obj)
    require_publisher(reviewer, model)
    now = timezone.now()
    requested_go_live = go_live_at
    go_live_at = go_live_at or now

    live = model.objects.select_for_update().get(pk=obj.pk)
    if seen_version is not None and live.edit_version != seen_version:
        raise WorkflowError(
            "This page was changed after you opened the review. Nothing was approved: "
            "look at the changes again before approving."
        )
    if expires_at is KEEP:
        expires_at = live.expires_at
    if expires_at is not None and expires_at <= go_live_at:
        raise WorkflowError("The content must go live before it is hidden.")
    revision = Revision.objects.open().for_object(live).select_for_update().first()
    review = {"reviewed_by": reviewer, "reviewed_at": now, "review_note": note}

    if revision is not None and live.is_live and go_live_at > now:
        Revision.objects.filter(pk=revision.pk).update(
            status=Revision.Status.SCHEDULED, go_live_at=go_live_at, expires_at=expires_at, **review
        )
        # The live page is unchanged, but it now has a go-live time that a
        # stored page must not outlast (an update sends no signal).
        cache.content_changed()
        record(live, ReviewDecision.Action.SCHEDULED, reviewer, note, revision=revision, go_live_at=go_live_at)
        clear_on_approval(live, reviewer, revision)
        return live

    m2m = None
    author, reason = credit_for_approval(revision, reviewer)
    if revision is not None:
        live, m2m = materialise(live, revision.data)
        check_still_valid(live, m2m)
        Revision.objects.filter(pk=revision.pk).update(status=Revision.Status.APPLIED, **review)
    if requested_go_live is None and live.status == EditorialStatus.PUBLISHED:
        # An update to published content keeps its original publication date;
        # readers see when it was last updated and reviewed instead.
        go_live_at = live.published_at
    mark_approved(live, reviewer, note, go_live_at, expires_at, now, author=author, reason=reason)
    save_many_to_many(live, m2m)
    later = go_live_at > now
    record(
        live,
        ReviewDecision.Action.SCHEDULED if later else ReviewDecision.Action.APPROVED,
        reviewer,
        note,
        revision=revision,
        go_live_at=go_live_at if later else None,
    )
    # The reviewer signed the page off as it stands against what its sources now say.
    clear_on_approval(live, reviewer, revision)
    return live


def check_still_valid(obj, m2m):
    """A revision was valid when saved; since then its address may have been
    taken or a record it points to deleted. Refuse to apply it then."""
    try:
        obj.full_clean(exclude=list(type(obj).WORKFLOW_FIELDS))
        for name, values in (m2m or {}).items():
            pks = [getattr(value, "pk", value) for value in values]
            related = obj._meta.get_field(name).related_model
            if related.objects.filter(pk__in=pks).count() != len(set(pks)):
                raise ValidationError({name: "Some of the chosen records have been deleted since."})
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        raise WorkflowError(
            f"These changes can no longer be applied as they are ({problems}). Edit the page and save again."
        )


def mark_approved(live, reviewer, note, go_live_at, expires_at, now, author=None, reason=""):
    live.status = EditorialStatus.PUBLISHED
    live.published_at = go_live_at
    live.expires_at = expires_at
    live.approved_by = reviewer
    live.approved_at = now
    live.approval_note = note
    live.last_reviewed = timezone.localdate(now)
    live.edit_version = live.edit_version + 1
    live._history_user = author or reviewer
    live._change_reason = reason or f"Approved by {person_name(reviewer)}."
    live.save()


@transaction.atomic
def send_back(obj, reviewer, note):
    """A reviewer declines, saying why: a pending revision is closed unapplied,
    content in review returns to draft. The live version is untouched. The
    note is kept in the decision record, where the editor sees it."""
    model = type(obj)
    require_publisher(reviewer, model)
    if not (note or "").strip():
        raise WorkflowError("Please add a note for the editors: say what needs changing.")
    revision = Revision.objects.open().for_object(obj).select_for_update().first()
    if revision is not None:
        revision.status = Revision.Status.REJECTED
        revision.reviewed_by, revision.reviewed_at, revision.review_note = reviewer, timezone.now(), note
        revision.save()
    elif obj.status == EditorialStatus.IN_REVIEW:
        obj.status = EditorialStatus.DRAFT
        obj._history_user = reviewer
        obj._change_reason = "Sent back to the editors."
        obj.save(update_fields=["status", "updated_at"])
    else:
        raise WorkflowError("There is nothing waiting for review here.")
    record(obj, ReviewDecision.Action.SENT_BACK, reviewer, note, revision=revision)
    # An editor whose form still shows the sent-back text must be told, not
    # quietly start a new revision from it; "Last edited by" still names its author.
    bump_version(obj)


@transaction.atomic
def unpublish(obj, reviewer, reason):
    require_publisher(reviewer, type(obj))
    if obj.status != EditorialStatus.PUBLISHED:
        raise WorkflowError("Only published content can be unpublished.")
    if not (reason or "").strip():
        raise WorkflowError("Please give the reason for unpublishing: it is kept in the record.")
    live = type(obj).objects.select_for_update().get(pk=obj.pk)
    # Unpublished content is edited directly, so pending edits move into the
    # record now; otherwise a later approval would lay them over newer work.
    revision = Revision.objects.open().for_object(live).select_for_update().first()
    m2m = None
    if revision is not None:
        live, m2m = materialise(live, revision.data)
        Revision.objects.filter(pk=revision.pk).update(
            status=Revision.Status.APPLIED,
            reviewed_by=reviewer,
            reviewed_at=timezone.now(),
            review_note="Moved into the unpublished page for further editing.",
        )
    live.status = EditorialStatus.UNPUBLISHED
    live.edit_version += 1
    live._history_user = reviewer
    live._change_reason = f"Unpublished: {reason.strip()}"
    live.save()
    save_many_to_many(live, m2m)
    record(live, ReviewDecision.Action.UNPUBLISHED, reviewer, reason, revision=revision)


def restore(obj, historical_record, reviewer):
    """Bring back an earlier version. It follows the same rule as any edit:
    on published content it becomes a pending revision to approve."""
    require_publisher(reviewer, type(obj))
    earlier = historical_record.instance
    earlier._state.adding = False  # the same row, not a new one
    m2m = None
    m2m_fields = [field for field in content_fields(type(obj)) if field.many_to_many]
    if m2m_fields:
        m2m = {}
        for field in m2m_fields:
            through = getattr(historical_record, field.name, None)
            if through is None:
                continue
            target = field.m2m_reverse_field_name()
            m2m[field.name] = [getattr(row, target) for row in through.all()]
    for name in type(obj).WORKFLOW_FIELDS | {"last_reviewed", "review_interval_months"}:
        setattr(earlier, name, getattr(obj, name))
    check_still_valid(earlier, m2m)
    when = timezone.localtime(historical_record.history_date)
    earlier._change_reason = f"Restored the version of {when:%H:%M on %d %b %Y}."
    with transaction.atomic():
        revision = save_edit(earlier, reviewer, m2m=m2m, base_version=None)
        record(
            obj,
            ReviewDecision.Action.RESTORED,
            reviewer,
            f"The version of {when:%H:%M on %d %b %Y}.",
            revision=revision,
        )
    return revision
