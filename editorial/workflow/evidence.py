"""Clearing a page's evidence flags (editorial.evidence): a medical reviewer
has checked the page against a change to a trial or label it cites. Either
they approved the page (its pending revision, or the page as it is), or
they found no change needed and said so in a note. Both are kept in the
decision record, naming what had changed."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from editorial.models import EvidenceFlag, ReviewDecision
from editorial.workflow.decisions import record
from editorial.workflow.errors import WorkflowError
from editorial.workflow.rules import require_publisher


def _what_changed(flags):
    return "; ".join(f"{flag.identifier.label}: {flag.describe()}" for flag in flags)


@transaction.atomic
def checked_no_change_needed(flag, reviewer, note):
    """Clear `flag`: the reviewer checked its page and it needs no change; `note` says why."""
    page = flag.page
    require_publisher(reviewer, type(page))
    note = (note or "").strip()
    if not note:
        raise WorkflowError("Please say what you checked: the record needs a note.")
    record(page, ReviewDecision.Action.EVIDENCE_CHECKED, reviewer, f"No change needed: {note} ({_what_changed([flag])})")
    flag.delete()


def clear_on_approval(live, reviewer, revision=None):
    """Called by workflow.approve: approving a page clears its flags, recorded
    beside the approval (inside its transaction)."""
    flags = list(
        EvidenceFlag.objects.filter(content_type=ContentType.objects.get_for_model(live), object_id=live.pk)
        .select_related("identifier")
        .order_by("raised_at", "id")
    )
    if not flags:
        return
    record(
        live,
        ReviewDecision.Action.EVIDENCE_CHECKED,
        reviewer,
        f"Approved with the new evidence in view: {_what_changed(flags)}",
        revision=revision,
    )
    EvidenceFlag.objects.filter(pk__in=[flag.pk for flag in flags]).delete()
