"""One edit in the admin, from opening the change form to the response.

Django's ModelAdmin hooks (get_object, get_form, save_model, save_related,
response_change, message_user...) share nothing but the request. What one
edit needs to carry between them lives in one object, `EditInProgress`, made
when the request reaches the change form (or the history view) and kept on
the request under one name. To follow a save: `get_object` records which
revision the form holds, `save_model` hands the edit to the workflow and
records what it did, `response_change` tells the editor."""

from contextlib import contextmanager
from dataclasses import dataclass, field

REQUEST_ATTRIBUTE = "editorial_edit"


@dataclass
class EditInProgress:
    # The pending revision the form holds (published content with changes
    # waiting for review), or the revision a reviewer has just sent back.
    open_revision: object = None
    sent_back_revision: object = None
    # That revision's many-to-many values, {field name: [pk, ...]}: the record's
    # own are the live ones.
    revision_m2m: dict = field(default_factory=dict)
    # An earlier version shown from the history (read-only; "Revert" restores it).
    viewing_history: bool = False
    # The workflow refused the save after the form's own check passed
    # (someone saved in between): the form is shown again with this message.
    reported_conflict: str | None = None
    # The save became a pending revision rather than a change readers see.
    saved_as_revision: bool = False
    # While the admin writes its own "changed successfully", which would be
    # wrong for a save that is waiting for review.
    admin_messages_muted: bool = False

    def holds(self, revision, m2m, *, sent_back):
        """The form shows `revision`'s content instead of the live record's."""
        self.open_revision, self.sent_back_revision = (None, revision) if sent_back else (revision, None)
        self.revision_m2m = dict(m2m or {})

    @contextmanager
    def muting_admin_messages(self):
        self.admin_messages_muted = True
        try:
            yield
        finally:
            self.admin_messages_muted = False


def start_edit(request):
    """A fresh EditInProgress for this request (a retried form starts afresh)."""
    edit = EditInProgress()
    setattr(request, REQUEST_ATTRIBUTE, edit)
    return edit


def edit_of(request):
    """This request's EditInProgress. Hooks reached outside the change form
    (a list_editable save from the change list) get a fresh one."""
    edit = getattr(request, REQUEST_ATTRIBUTE, None)
    return edit if edit is not None else start_edit(request)
