"""The review workflow for articles, therapies and categories.

One place decides what an edit does: content that readers can already see is
never changed by an editor's save. The edit waits as a Revision until a
medical reviewer approves it, and only then (or at the approved time) does the
live record change. The admin and the public views both call these functions.

The steps are grouped by who takes them: `editing` (an editor's save and
submission), `reviewing` (a reviewer's approve, send back, unpublish and
restore) and `scheduling` (approved changes going live on time). They share
`revisions` (what a revision holds), `decisions` (the record of every step)
and `rules` (who may do what); `evidence` clears a page's evidence flags
when a reviewer has checked it against a changed trial or label. Callers
use this package's names.
"""

from editorial.workflow.decisions import is_sent_back_to, latest_send_back, record, with_latest_decision
from editorial.workflow.editing import last_saved, save_edit, submit_for_review
from editorial.workflow.errors import EditConflict, WorkflowError
from editorial.workflow.evidence import checked_no_change_needed, clear_on_approval
from editorial.workflow.reviewing import KEEP, approve, restore, send_back, unpublish
from editorial.workflow.revisions import (
    FieldChange,
    changes,
    content_fields,
    materialise,
    open_revision,
    sent_back_revision,
    snapshot,
    working_copy,
)
from editorial.workflow.rules import can_publish, is_deletable, is_protected, publish_permission, require_publisher
from editorial.workflow.scheduling import publish_due_revisions

__all__ = [
    "KEEP",
    "EditConflict",
    "FieldChange",
    "WorkflowError",
    "approve",
    "can_publish",
    "changes",
    "checked_no_change_needed",
    "clear_on_approval",
    "content_fields",
    "is_deletable",
    "is_protected",
    "is_sent_back_to",
    "last_saved",
    "latest_send_back",
    "materialise",
    "open_revision",
    "publish_due_revisions",
    "publish_permission",
    "record",
    "require_publisher",
    "restore",
    "save_edit",
    "send_back",
    "sent_back_revision",
    "snapshot",
    "submit_for_review",
    "unpublish",
    "with_latest_decision",
    "working_copy",
]
