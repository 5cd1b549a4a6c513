"""Forms of the editorial admin: the content form, which carries the version it
was opened at, and the forms of the review page."""

import copy
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst

from editorial import merging, workflow

# --- The content form ---------------------------------------------------------------------


class _CarriedField(forms.CharField):
    """A hidden value the form carries along; never counts as an edit."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


@dataclass
class ConflictRow:
    """One field someone changed since the form was opened, for the conflict panel."""

    name: str
    label: str
    base: str
    theirs: str
    mine: str
    they_changed: bool
    i_changed: bool
    conflicting: bool  # both changed it, to different values: the editor chooses
    choice_name: str
    choice: str


@dataclass
class Conflict:
    """Why a save was refused: who saved what since the form was opened."""

    error: workflow.EditConflict
    current_version: int
    base_known: bool
    rows: list
    merge: merging.Merge
    theirs_obj: object
    theirs: dict
    mine: dict
    labels: dict

    @property
    def who(self):
        return self.error.who

    @property
    def their_rows(self):
        return [row for row in self.rows if row.they_changed]

    @property
    def my_only_rows(self):
        return [row for row in self.rows if row.i_changed and not row.they_changed]

    @property
    def conflicting_rows(self):
        return [row for row in self.rows if row.conflicting]

    def replaced_fields(self):
        """The fields where saving mine as it is replaces what they wrote."""
        return [self.labels[name] for name in self.merge.theirs_changed if self.mine[name] != self.theirs[name]]


@dataclass
class Resolution:
    """The editor's explicit choice of how to save over someone else's change."""

    version: int  # the version the choice was made against: the save is based on it
    overwrote: bool
    note: str = ""


class ReviewedContentForm(forms.ModelForm):
    """The content form. It carries the record's edit version as it was when the
    form was opened, and a signed copy of its content then, so a save made
    after someone else's is refused with the editor's input kept in the form
    and their change shown field by field. Saving over it is then an explicit
    choice: merge, or overwrite with a confirmation."""

    MERGE, OVERWRITE, CONFIRM_OVERWRITE, CONFLICT_VERSION = (
        "_merge_theirs",
        "_overwrite_theirs",
        "confirm_overwrite",
        "conflict_version",
    )

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    base_snapshot = _CarriedField(required=False)

    # Set when the save is refused: what changed, for the conflict panel.
    conflict = None
    # Set when the editor chose how to save over someone else's change.
    resolution = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("base_version", self.instance.edit_version)
            if not self.is_bound:
                opened = workflow.snapshot(self.instance, m2m=self.revision_m2m or None)
                self.initial["base_snapshot"] = merging.sign_snapshot(self.instance, self.instance.edit_version, opened)
        if "review_interval_months" in self.fields:
            interval = self.fields["review_interval_months"]
            interval.help_text = f"{interval.help_text} The site default is {settings.REVIEW_INTERVAL_MONTHS} months."
            # Some pages are due sooner by default (emerging therapies): say so where it applies.
            own_default = self.instance.default_review_interval
            if own_default != settings.REVIEW_INTERVAL_MONTHS:
                interval.help_text += f" For this page it is {own_default} months."
        # A pending revision's many-to-many values (the instance's own are the live ones).
        for name, pks in self.revision_m2m.items():
            if name in self.fields:
                self.initial[name] = list(pks)

    # Set by the admin on a class made for each request (see
    # editorial.admin.editing): the message when the workflow refused the save
    # after this form's own check passed, and the many-to-many values of the
    # pending revision the form holds (the instance's own are the live ones).
    reported_conflict = None
    revision_m2m = {}

    def _post_clean(self):
        # The instance is the version an editor opening the page now would get
        # (the admin's working copy, read at the start of this request): keep
        # it as "theirs" before it takes what this editor typed ("mine").
        current = copy.copy(self.instance) if self.instance.pk is not None else None
        super()._post_clean()
        base_version = self.cleaned_data.get("base_version")
        if current is None or (base_version is None and self.reported_conflict is None):
            return
        if base_version is None or current.edit_version == base_version:
            if self.reported_conflict is not None:
                self.add_error(None, ValidationError(self.reported_conflict, code="edit_conflict"))
            return
        self.conflict = self._compare(current, base_version)
        self.resolution, problem = self._resolve(self.conflict)
        if self.resolution is None:
            self.add_error(None, ValidationError(str(self.conflict.error), code="edit_conflict"))
            if problem:
                self.add_error(None, problem)

    def _choice_name(self, name):
        return self.add_prefix(f"conflict_keep__{name}")

    def _compare(self, current, base_version):
        model = type(current)
        fields = {field.name: field for field in workflow.content_fields(model)}
        theirs = merging.normalise(workflow.snapshot(current, m2m=self.revision_m2m or None))
        base = merging.read_snapshot(self.cleaned_data.get("base_snapshot"), current, base_version)
        typed_m2m = {
            name: self.cleaned_data[name] if name in self.cleaned_data else theirs[name]
            for name, field in fields.items()
            if field.many_to_many
        }
        typed = merging.normalise(workflow.snapshot(self.instance, m2m=typed_m2m))
        # Fields not on the form (or not accepted) are not the editor's change.
        untouched = base if base is not None else theirs
        mine = {
            name: typed[name] if name in self.fields and name in self.cleaned_data else untouched.get(name, theirs[name])
            for name in theirs
        }
        choices = {name: self.data.get(self._choice_name(name)) for name in theirs}
        merged = merging.merge(base, theirs, mine, choices)
        rows = []
        for name, field in fields.items():
            they, me = name in merged.theirs_changed, name in merged.mine_changed
            if not (they or me):
                continue
            conflicting = name in merged.conflicts
            rows.append(
                ConflictRow(
                    name=name,
                    label=capfirst(field.verbose_name),
                    base=_display(field, base.get(name)) if base is not None and name in base else "",
                    theirs=_display(field, theirs[name]),
                    mine=_display(field, mine[name]),
                    they_changed=they,
                    i_changed=me,
                    conflicting=conflicting,
                    choice_name=self._choice_name(name),
                    choice=merging.MINE if conflicting and choices.get(name) == merging.MINE else merging.THEIRS,
                )
            )
        return Conflict(
            error=workflow.EditConflict(*workflow.last_saved(current)),
            current_version=current.edit_version,
            base_known=base is not None,
            rows=rows,
            merge=merged,
            theirs_obj=current,
            theirs=theirs,
            mine=mine,
            labels={name: field.verbose_name for name, field in fields.items()},
        )

    def _resolve(self, conflict):
        """(the editor's choice, None) if they made one against the version now
        current and the rest of the form is valid; else (None, why not)."""
        overwrite, merge = self.OVERWRITE in self.data, self.MERGE in self.data
        if not (overwrite or merge) or self.errors:
            return None, None
        if self.reported_conflict is not None or self.data.get(self.CONFLICT_VERSION) != str(conflict.current_version):
            return None, ValidationError(
                "They saved again while you were comparing: look at their latest changes below, then choose again.",
                code="changed_again",
            )
        if overwrite:
            if not self.data.get(self.CONFIRM_OVERWRITE):
                return None, ValidationError(
                    "To overwrite their changes, tick “Yes, replace their changes with mine” and press "
                    "“Overwrite theirs” again, or keep their version and apply yours on top.",
                    code="overwrite_unconfirmed",
                )
            replaced = conflict.replaced_fields()
            when = timezone.localtime(conflict.error.saved_at)
            note = f"Saved over the version {conflict.who} saved at {when:%H:%M on %d %b %Y}"
            note += f", replacing their changes to: {', '.join(replaced)}." if replaced else "."
            return Resolution(version=conflict.current_version, overwrote=True, note=note), None
        self._apply_merge(conflict)
        if self.errors:
            return None, ValidationError(
                "Their version and yours, combined, are not valid (see the messages below). "
                "Change your version or choose differently, and try again.",
                code="merge_invalid",
            )
        return Resolution(version=conflict.current_version, overwrote=False), None

    def _apply_merge(self, conflict):
        """Set the merged content on the instance (and the many-to-many values
        in cleaned_data, which the admin saves): each field is either the
        editor's as typed or theirs."""
        model = type(self.instance)
        took_theirs = False
        for name, value in conflict.merge.data.items():
            if value == conflict.mine[name]:
                continue
            field = model._meta.get_field(name)
            took_theirs = True
            if field.many_to_many:
                if name in self.cleaned_data:
                    self.cleaned_data[name] = field.related_model.objects.filter(pk__in=value)
            else:
                setattr(self.instance, field.attname, getattr(conflict.theirs_obj, field.attname))
        if took_theirs:
            # Each version was valid; combined, a rule across fields may not hold.
            exclude = self._get_validation_exclusions()
            try:
                self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                self._update_errors(error)
            self.validate_unique()


def _display(field, value):
    """A content value as an editor reads it: choice labels, names of related records."""
    if value in (None, "", []):
        return "(empty)"
    if field.many_to_many:
        related = {item.pk: item for item in field.related_model.objects.filter(pk__in=value)}
        return ", ".join(str(related[pk]) if pk in related else f"(deleted: #{pk})" for pk in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"(deleted: #{value})"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


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



class SendBackForm(forms.Form):
    """Sending back, from the review page or the change page: the note is what
    the editors work from, so there is no sending back without one."""

    note = forms.CharField(
        label="Note to the editors",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Say what needs changing. The editors see it on the page and on their dashboard.",
        error_messages={"required": "Please add a note for the editors saying what needs changing. Nothing was sent back."},
    )
    # Which page the reviewer sent it from, to return there if the note is missing.
    back_to = forms.ChoiceField(
        choices=[("change", "change page"), ("review", "review page")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        # The review page's approval form has a "note" too: distinct ids.
        kwargs.setdefault("auto_id", "id_send_back_%s")
        super().__init__(*args, **kwargs)


class UnpublishForm(forms.Form):
    """Unpublishing takes a page away from readers: the reason is kept in the record."""

    reason = forms.CharField(
        label="Reason for unpublishing",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the page's history and the record of review decisions.",
        error_messages={"required": "Please give the reason for unpublishing: it is kept in the record. Nothing was unpublished."},
    )
