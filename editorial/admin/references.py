"""The citations a page makes, edited inline on the page's own change form,
and the rule for every inline of rows readers see at once (ReviewerEditsLiveRows)."""

import re

from django import forms
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.db import models

from editorial import workflow
from editorial.models import Reference
from editorial.models.references import IDENTIFIERS, parse_identifier

# --- Citations ------------------------------------------------------------------------------


class ReferenceFormSet(BaseGenericInlineFormSet):
    @classmethod
    def get_default_prefix(cls):
        return "references"  # as a page's own inline would be named, not by content type


class ReferenceForm(forms.ModelForm):
    """`supports` as a box per part of the page; the inline sets `blocks`
    (the citing model's CITATION_BLOCKS) on a subclass for each kind of page.

    The identifiers (trial number, DOI, PubMed ID, DailyMed set ID) are typed
    or pasted into one box, as numbers or as links: a row of four more
    columns would not fit the page, and an editor has them in no fixed form."""

    blocks = ()
    identifiers = forms.CharField(
        label="Identifiers",
        required=False,
        max_length=400,
        help_text="Trial number (NCT02792218), DOI (10.1056/…), PubMed ID (PMID:32865845) or DailyMed "
        "label set ID, as numbers or links; several separated by spaces. Readers get a link to each.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"nct_id": "", "doi": "doi:", "pmid": "PMID:", "dailymed_setid": "setid:"}
        self.initial["identifiers"] = " ".join(
            f"{labels[field]}{value}" for field, value in self.instance.identifier_values.items()
        )
        if "supports" in self.fields:
            self.fields["supports"] = forms.MultipleChoiceField(
                label="Supports",
                choices=self.blocks,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=Reference._meta.get_field("supports").help_text,
            )
            # The stored text ("efficacy,risks") as the boxes it ticks; left as
            # text, only a single code would show ticked.
            self.initial["supports"] = self.instance.supported_blocks

    def clean_identifiers(self):
        found = {kind.field: "" for kind in IDENTIFIERS}
        for token in re.split(r"[\s,;]+", self.cleaned_data.get("identifiers") or ""):
            if not token or token.lower().rstrip(":") in {"pmid", "doi", "setid", "nct"}:
                continue  # empty, or a label written apart from its number
            parsed = parse_identifier(token)
            if parsed is None:
                raise forms.ValidationError(
                    f"“{token[:80]}” is not a trial number, DOI, PubMed ID or DailyMed set ID. "
                    "Put a web address in the address field."
                )
            field, value = parsed
            if found[field] and found[field] != value:
                raise forms.ValidationError(f"Two different values for the {Reference._meta.get_field(field).verbose_name}: give one.")
            found[field] = value
        return found

    def _post_clean(self):
        # Set before the model's own checks (formats, constraints) run.
        for field, value in (self.cleaned_data.get("identifiers") or {}).items():
            setattr(self.instance, field, value)
        super()._post_clean()

    def clean_supports(self):
        # Stored in the page's own block order, so the same choice always reads the same.
        chosen = set(self.cleaned_data.get("supports") or ())
        return ",".join(code for code, _ in self.blocks if code in chosen)


class ReviewerEditsLiveRows:
    """For an inline of rows readers see as soon as they are saved (a page's
    citations, a medicine's forms): on a live page only a medical reviewer
    may add, change or delete them; editors propose them in the text."""

    def _may_edit(self, request, obj):
        return obj is None or not workflow.is_protected(obj) or workflow.can_publish(request.user, type(obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class ReferenceInline(ReviewerEditsLiveRows, GenericTabularInline):
    """Sources the page cites, numbered for readers in `position` order."""

    model = Reference
    formset = ReferenceFormSet
    form = ReferenceForm
    fields = ("position", "title", "publisher", "identifiers", "url", "accessed_on")
    # A source address typed without a scheme gets https://, not http://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    ordering = ("position", "id")

    def get_fields(self, request, obj=None):
        # Only pages with named parts (a therapy's fact sheet) cite a source per part.
        fields = list(super().get_fields(request, obj))
        if Reference.blocks_of(self.parent_model) and "supports" not in fields:
            fields.append("supports")
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        blocks = Reference.blocks_of(self.parent_model)
        kwargs["form"] = type("ReferenceForm", (self.form,), {"blocks": blocks})
        return super().get_formset(request, obj, **kwargs)

