"""The plain-language checks (editorial/readability.py) where editors and
reviewers work: beside the edit form's Markdown fields, and beside each
changed Markdown field on the review page, before and after the edit.

They advise and never block: nothing here touches a form's validation."""

from dataclasses import dataclass

from editorial import readability
from editorial.models import GlossaryTerm


@dataclass(frozen=True)
class FieldCheck:
    """One Markdown field's checks. `before` is the live version's, on the
    review page, when the field is changed there."""

    label: str
    name: str
    check: readability.TextCheck
    before: readability.TextCheck | None = None


def form_checks(form, model):
    """The checks of each Markdown field the form edits, on the text it shows
    (what the editor typed, when the form comes back with an error)."""
    names = [field.name for field in readability.markdown_fields(model) if field.name in form.fields]
    if not names:
        return []
    glossary = GlossaryTerm.objects.pairs()
    return [
        FieldCheck(form.fields[name].label or name, name, readability.check(form[name].value() or "", glossary))
        for name in names
    ]


def change_checks(changes, model):
    """{field name: FieldCheck} for the changed Markdown fields of a pending
    revision, with the live text's checks as `before`."""
    names = {field.name for field in readability.markdown_fields(model)}
    changed = [change for change in changes if change.name in names]
    if not changed:
        return {}
    glossary = GlossaryTerm.objects.pairs()
    return {
        change.name: FieldCheck(
            change.label,
            change.name,
            readability.check(change.pending or "", glossary),
            before=readability.check(change.live or "", glossary),
        )
        for change in changed
    }


def content_checks(obj):
    """The checks of each Markdown field of `obj` as it is (a draft under review)."""
    fields = readability.markdown_fields(type(obj))
    if not fields:
        return []
    glossary = GlossaryTerm.objects.pairs()
    return [
        FieldCheck(field.verbose_name, field.name, readability.check(field.value_from_object(obj) or "", glossary))
        for field in fields
    ]
