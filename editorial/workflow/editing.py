"""An editor's save, and sending a draft for review."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F

from editorial.models import EditorialStatus, ReviewDecision, Revision
from editorial.workflow.decisions import record
from editorial.workflow.errors import EditConflict, WorkflowError
from editorial.workflow.revisions import (
    as_stored,
    open_revision,
    sent_back_revision,
    snapshot,
)
from editorial.workflow.rules import is_protected


# What a review decision that changes the edit version did, in the words an
# editor whose form is out of date is told; anything else "saved this page".
DECISION_DID = {
    ReviewDecision.Action.SENT_BACK: "sent this page back",
    ReviewDecision.Action.APPROVED: "approved this page",
    ReviewDecision.Action.SCHEDULED: "approved this page",
    ReviewDecision.Action.UNPUBLISHED: "unpublished this page",
    ReviewDecision.Action.RESTORED: "restored an earlier version of this page",
}


def last_saved(live):
    """(user, when, name, what they did) of the latest change to `live`'s
    edit version: a save of the record, a save of its open revision (both
    leave their editor in `last_edited_by`), or a review decision such as an
    approval or a send-back (which leaves `last_edited_by` alone)."""
    saved_by_id, saved_at = live.last_edited_by_id, live.updated_at
    revision = open_revision(live)
    if revision is not None and revision.updated_at > saved_at:
        saved_at = revision.updated_at
    decision = (
        ReviewDecision.objects.for_object(live)
        # A submission and a check against new evidence leave the version as it is.
        .exclude(action__in=[ReviewDecision.Action.SUBMITTED, ReviewDecision.Action.EVIDENCE_CHECKED])
        .select_related("actor")
        .first()
    )
    if decision is not None and decision.created_at >= saved_at:
        return decision.actor, decision.created_at, decision.actor_name, DECISION_DID.get(decision.action, "saved this page")
    saved_by = get_user_model().objects.filter(pk=saved_by_id).first() if saved_by_id else None
    return saved_by, saved_at, "", "saved this page"


def _check_version(live, base_version):
    if base_version is not None and live.edit_version != base_version:
        raise EditConflict(*last_saved(live))


def bump_version(live, editor=None):
    """A new edit version, so a form opened before it is refused. Only the
    version and, for a save, its editor: `updated_at` is what readers see as
    "last updated", and a pending edit has not changed the page; a review
    decision (no `editor`) leaves "Last edited by" naming who wrote."""
    changes = {"edit_version": F("edit_version") + 1}
    if editor is not None:
        changes["last_edited_by"] = editor
    type(live).objects.filter(pk=live.pk).update(**changes)


@transaction.atomic
def save_edit(obj, user, m2m=None, base_version=None):
    """Save an editor's changes to `obj` (a new record or an edited one).

    Drafts and content in review are saved directly. Published content keeps
    its live version: the edit is stored (or merged into) the record's open
    revision for a reviewer to approve. Returns the revision, or None."""
    model = type(obj)
    obj._history_user = user
    if obj.pk is None:
        obj.last_edited_by = user
        obj.save()
        save_many_to_many(obj, m2m)
        return None

    live = model.objects.select_for_update().get(pk=obj.pk)
    _check_version(live, base_version)
    if not is_protected(live):
        obj.edit_version = live.edit_version + 1
        obj.last_edited_by = user
        # The form must not move the record through the workflow.
        for name in model.WORKFLOW_FIELDS - {"edit_version", "last_edited_by", "updated_at"}:
            setattr(obj, name, getattr(live, name))
        obj.save()
        save_many_to_many(obj, m2m)
        return None

    data = as_stored(snapshot(obj, m2m))
    live_data = as_stored(snapshot(live))
    revision = Revision.objects.open().for_object(live).select_for_update().first()
    resubmitted = None
    if revision is None:
        if data == live_data:
            return None
        revision = Revision(content_type=ContentType.objects.get_for_model(model), object_id=live.pk, created_by=user)
        # Fixing a sent-back revision: its writers keep the credit for the
        # fields this save leaves as they wrote them.
        resubmitted = sent_back_revision(live)
        before = resubmitted.data if resubmitted else live_data
        contributions = dict(resubmitted.contributions or {}) if resubmitted else {}
    else:
        before = revision.data
        contributions = dict(revision.contributions or {})
    for name, value in data.items():
        if before.get(name) != value and user is not None:
            contributions[name] = user.pk
    # A field set back to its live value is no one's change.
    revision.contributions = {name: pk for name, pk in contributions.items() if data.get(name) != live_data.get(name)}
    revision.data = data
    # An edit to an approved-but-scheduled revision needs approving again.
    revision.status = Revision.Status.PENDING
    revision.go_live_at = None
    revision.expires_at = None
    revision.save()
    bump_version(live, user)
    if resubmitted is not None:
        # The reviewer's send-back has been answered: the item is waiting for
        # review again, and no longer "sent back" to its editors.
        record(live, ReviewDecision.Action.SUBMITTED, user, "Changed after it was sent back.", revision=revision)
    return revision


def save_many_to_many(obj, m2m):
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)


@transaction.atomic
def submit_for_review(obj, user, note=""):
    if obj.status not in (EditorialStatus.DRAFT, EditorialStatus.UNPUBLISHED):
        raise WorkflowError("Only a draft or unpublished page can be sent for review.")
    obj.status = EditorialStatus.IN_REVIEW
    obj.last_edited_by = user
    obj._history_user = user
    obj._change_reason = "Submitted for review."
    obj.save(update_fields=["status", "last_edited_by", "updated_at"])
    record(obj, ReviewDecision.Action.SUBMITTED, user, note)
