"""Approved changes that go live at a set time."""

import logging

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from core.kept import KeptWhileContentUnchanged
from editorial.models import EditorialStatus, ReviewDecision, Revision
from editorial.workflow.decisions import credit_for_approval, record
from editorial.workflow.editing import save_many_to_many
from editorial.workflow.reviewing import mark_approved
from editorial.workflow.revisions import materialise

logger = logging.getLogger(__name__)


# The first go-live time of the approved revisions still waiting, kept until
# the content changes (scheduling, applying or returning a revision is a
# change): most public requests then read one cached value, not the table.
_first_go_live = KeptWhileContentUnchanged(lambda: Revision.objects.first_go_live())


def publish_due_revisions(now=None):
    """Apply revisions a reviewer approved for a time that has now come.

    Called at the start of each public request, so scheduled changes go live
    on time with no cron job: one cached value read when nothing is due."""
    now = now or timezone.now()
    first = _first_go_live()
    if first is None or first > now:
        return 0
    due = list(Revision.objects.due(now).values_list("pk", flat=True))
    for pk in due:
        try:
            _apply_scheduled(pk, now)
        except (DatabaseError, ValidationError, ObjectDoesNotExist) as error:
            # Since this runs in every public request, one approved change that
            # can no longer be saved (its new address was taken meanwhile, its
            # record is gone) must not break every page, request after request.
            # It goes back to the reviewers with the reason; readers keep the
            # live version.
            logger.exception("Scheduled revision %s could not go live", pk)
            _return_to_review(pk, error)
    return len(due)


def _apply_scheduled(pk, now):
    with transaction.atomic():
        revision = Revision.objects.select_for_update().filter(pk=pk, status=Revision.Status.SCHEDULED).first()
        if revision is None:
            return  # Another request applied it first.
        model = revision.content_type.model_class()
        live = model.objects.select_for_update().get(pk=revision.object_id)
        author, reason = credit_for_approval(revision, revision.reviewed_by) if revision.reviewed_by else (None, "")
        live, m2m = materialise(live, revision.data)
        mark_approved(
            live,
            revision.reviewed_by,
            revision.review_note,
            revision.go_live_at if live.status != EditorialStatus.PUBLISHED else live.published_at,
            revision.expires_at,
            revision.reviewed_at or now,
            author=author,
            reason=reason,
        )
        save_many_to_many(live, m2m)
        revision.status = Revision.Status.APPLIED
        revision.save(update_fields=["status", "updated_at"])
        # No one acted at this moment: the record names the reviewer who set the time.
        record(
            live,
            ReviewDecision.Action.WENT_LIVE,
            revision.reviewed_by,
            revision=revision,
            go_live_at=revision.go_live_at,
        )


def _return_to_review(pk, error):
    revision = Revision.objects.filter(pk=pk, status=Revision.Status.SCHEDULED).first()
    if revision is None:
        return
    reason = f"Could not go live as scheduled ({type(error).__name__}: {error}). Please check and approve again."
    revision.status = Revision.Status.PENDING
    revision.go_live_at = None
    revision.review_note = f"{revision.review_note}\n\n{reason}".strip()
    revision.save(update_fields=["status", "go_live_at", "review_note", "updated_at"])
