"""What a workflow step raises when it cannot be done as asked."""

from django.utils import timezone

from editorial.models import person_name


class EditConflict(Exception):
    """Someone saved the record after this editor opened it."""

    def __init__(self, saved_by, saved_at, who="", did="saved this page"):
        self.saved_by = saved_by
        self.saved_at = saved_at
        # `who`: the name kept on the record when the account itself is gone.
        self.who = person_name(saved_by) or who or "Someone else"
        # What they did: a reviewer who sent the page back did not write in it.
        self.did = did
        super().__init__(
            f"{self.who} {did} at {timezone.localtime(saved_at):%H:%M on %d %b %Y} after you opened it. "
            "Your changes are still in the form below and have not been saved."
        )


class WorkflowError(Exception):
    """A review action that does not fit the record's current state."""
