"""Corrections to the launch demo text, proposed for review on installs that
already have it.

The demo loaders never overwrite a row, so a fact corrected in an app's demo
data reaches only new installs by itself. On an install loaded earlier, the
live page keeps the old text. Changing it there is an editorial change like
any other, so this step does what an editor would do: it saves the corrected
text as a pending revision (editorial.workflow.save_edit) and records why, and
a medical reviewer approves it, or sends it back, in the admin. Nothing
reaches readers before that.

A field is corrected only while it still holds, exactly, the text first seeded
(each app's demo/seeded_january_2026.json) or a text the demo data shipped
later and has corrected since (`shipped`, e.g. the catalogue's
demo/shipped_november_2026.json): anything an editor has changed since is
theirs, and is left alone. A field the page has left empty and the demo data
now fills (`fills`: a medicine's maker, its breastfeeding line) is proposed
the same way, in the same revision: on a live page, filling a gap is a change
readers would see. A page with an edit already waiting for review is left
alone (one open revision per page), and so is a change a reviewer has sent
back. So running the loader again proposes nothing new.

An app's loader passes `kinds` ({kind: model}, the seeded file's keys),
`seeded` ({kind: {slug: {field: first seeded value}}}) and `rows` ({model:
{slug: the row as the demo data has it now}}); optionally `shipped` (a list
of later versions, shaped as `seeded`), `fills` ({(model, slug): {field:
value}}, for fields the page has empty) and `notes` ({(model, slug): text}: more
for the reviewer to know about that page, added to the decision's note).
"""

from django.core.exceptions import ValidationError

from editorial import workflow
from editorial.models import ReviewDecision, Revision

NOTE = (
    "Correction from the updated content brief (load_demo_content): the launch text said something "
    "that is no longer right. Please check the changes against the references and approve them, or "
    "send them back."
)
FILL_NOTE = (
    "Update from the content brief (load_demo_content): it fills parts of this page that were empty "
    "({fields}). Please check them against the references and approve them, or send them back."
)


def corrected_values(kinds, seeded, rows):
    """{(model, slug): {field: corrected value}} for every field first seeded with other text."""
    return {
        (kinds[kind], slug): {field: rows[kinds[kind]][slug][field] for field in fields}
        for kind, by_slug in seeded.items()
        for slug, fields in by_slug.items()
    }


def proposed_changes(obj, old, new, shipped=()):
    """The fields of `obj` still holding the seeded text (`old`) or a later
    shipped one (each of `shipped`, {field: value}) whose correction differs
    from what the field holds."""
    changes = {}
    for field, value in new.items():
        current = getattr(obj, field)
        earlier = [old[field], *(version[field] for version in shipped if field in version)]
        if current in earlier and value != current:
            changes[field] = value
    return changes


def is_empty(value):
    """"" and None are empty, and so is an unticked box (a medicine's MS
    types); 0 is a value (a medicine needing no routine blood tests), though
    0 == False would put it among them in a tuple."""
    return value is None or value is False or value == ""


def filled_gaps(obj, fills):
    """The fields of `obj` that are empty and that `fills` gives a value."""
    return {field: value for field, value in fills.items() if not is_empty(value) and is_empty(getattr(obj, field))}


def _sent_back_before(obj, changes):
    """Has a reviewer already sent back a revision proposing exactly these values?"""
    for revision in Revision.objects.for_object(obj).filter(status=Revision.Status.REJECTED):
        if all(revision.data.get(field) == value for field, value in changes.items()):
            return True
    return False


def _shipped_versions(shipped, kind, slug):
    return [version[kind][slug] for version in shipped if slug in version.get(kind, {})]


def propose(kinds, seeded, rows, say=print, *, shipped=(), fills=None, notes=None):
    """Propose every correction and fill still needed. Returns how many pages got one."""
    proposed = 0
    kind_of = {model: kind for kind, model in kinds.items()}
    corrected = corrected_values(kinds, seeded, rows)
    fills, notes = fills or {}, notes or {}
    for model, slug in sorted({*corrected, *fills}, key=lambda key: (key[0]._meta.label, key[1])):
        obj = model.objects.filter(slug=slug).first()
        if obj is None:
            continue
        label = f"{model._meta.verbose_name} {slug!r}"
        kind = kind_of[model]
        corrections = (
            proposed_changes(obj, seeded[kind][slug], corrected[model, slug], _shipped_versions(shipped, kind, slug))
            if (model, slug) in corrected
            else {}
        )
        filled = filled_gaps(obj, {k: v for k, v in fills.get((model, slug), {}).items() if k not in corrections})
        changes = {**corrections, **filled}
        if not changes:
            continue
        if workflow.open_revision(obj) is not None:
            say(f"  correction not proposed for {label}: an edit is already waiting for review there")
            continue
        if _sent_back_before(obj, changes):
            continue
        for field, value in changes.items():
            setattr(obj, field, value)
        try:
            obj.full_clean()
        except ValidationError as error:
            # e.g. a development stage the model does not offer yet: nothing is
            # written, and the loader says what is missing.
            say(f"  correction not proposed for {label}: {'; '.join(error.messages)}")
            continue
        revision = workflow.save_edit(obj, None)
        if revision is not None:
            note = _note(obj, corrections, filled, notes.get((model, slug)))
            workflow.record(obj, ReviewDecision.Action.SUBMITTED, None, note, revision=revision)
        # (A page not yet published is corrected in place: it is still to be reviewed as a whole.)
        proposed += 1
        fields = ", ".join(sorted(changes))
        say(f"  {'correction' if corrections else 'update'} proposed for review: {label} ({fields})")
    return proposed


def _note(obj, corrections, filled, more):
    """What the reviewer reads beside the proposed revision."""
    parts = [NOTE] if corrections else []
    if filled:
        names = ", ".join(str(type(obj)._meta.get_field(name).verbose_name) for name in filled)
        parts.append(FILL_NOTE.format(fields=names))
    if more:
        parts.append(more)
    return "\n\n".join(parts)
