"""Forms of the editorial admin: the content form, which carries the version it
was opened at, and the forms of the review page."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from editorial import workflow

# --- The content form ---------------------------------------------------------------------


class ReviewedContentForm(forms.ModelForm):
    """The content form. It carries the record's edit version as it was when the
    form was opened, so a save made after someone else's is refused, with the
    editor's input kept in the form."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("base_version", self.instance.edit_version)
        if "review_interval_months" in self.fields:
            interval = self.fields["review_interval_months"]
            interval.help_text = f"{interval.help_text} The site default is {settings.REVIEW_INTERVAL_MONTHS} months."
        # A pending revision's many-to-many values (the instance's own are the live ones).
        for name, pks in (getattr(self.instance, "_revision_m2m", None) or {}).items():
            if name in self.fields:
                self.initial[name] = list(pks)

    # Set (on a per-request subclass) when the workflow refused the save after
    # this form's own check passed: the form is shown again with that message.
    reported_conflict = None

    def clean(self):
        cleaned = super().clean()
        base = cleaned.get("base_version")
        if self.instance.pk is None or (base is None and self.reported_conflict is None):
            return cleaned
        current = (
            type(self.instance)
            .objects.filter(pk=self.instance.pk)
            .values("edit_version", "last_edited_by", "updated_at")
            .first()
        )
        if current is None:
            return cleaned
        message = self.reported_conflict
        if message is None and current["edit_version"] != base:
            saved_by = get_user_model().objects.filter(pk=current["last_edited_by"]).first()
            message = str(workflow.EditConflict(saved_by, current["updated_at"]))
        if message is not None:
            # The input stays as typed; once the editor has compared it with the
            # current version, saving again is based on that version.
            data = self.data.copy()
            data[self.add_prefix("base_version")] = str(current["edit_version"])
            self.data = data
            raise ValidationError(message, code="edit_conflict")
        return cleaned


# --- The review page's form -----------------------------------------------------------------


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="Approval note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Optional: what you checked, e.g. 'Checked against the 2026 label.'",
    )
    go_live_at = forms.SplitDateTimeField(
        label="Goes live at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="Leave empty to publish now. A later time keeps the current version live until then.",
    )
    expires_at = forms.SplitDateTimeField(
        label="Hidden after",
        required=False,
        widget=AdminSplitDateTime,
        help_text="Optional: readers no longer see the content after this.",
    )
    # The version the reviewer is looking at; approving refuses if it moved.
    seen_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        go_live, expires = cleaned.get("go_live_at"), cleaned.get("expires_at")
        if expires is not None and expires <= (go_live or timezone.now()):
            self.add_error("expires_at", "The content must go live before it is hidden.")
        return cleaned

