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
(each app's demo/seeded_january_2026.json): anything an editor has changed
since is theirs, and is left alone. A page with an edit already waiting for
review is left alone too (one open revision per page), and so is a correction
a reviewer has sent back. So running the loader again proposes nothing new.

An app's loader passes `kinds` ({kind: model}, the seeded file's keys),
`seeded` ({kind: {slug: {field: first seeded value}}}) and `rows` ({model:
{slug: the row as the demo data has it now}}).
"""

from django.core.exceptions import ValidationError

from editorial import workflow
from editorial.models import ReviewDecision, Revision

NOTE = (
    "Correction from the updated content brief (load_demo_content): the launch text said something "
    "that is no longer right. Please check the changes against the references and approve them, or "
    "send them back."
)


def corrected_values(kinds, seeded, rows):
    """{(model, slug): {field: corrected value}} for every field first seeded with other text."""
    return {
        (kinds[kind], slug): {field: rows[kinds[kind]][slug][field] for field in fields}
        for kind, by_slug in seeded.items()
        for slug, fields in by_slug.items()
    }


def proposed_changes(obj, old, new):
    """The fields of `obj` still holding the seeded text whose correction differs from it."""
    return {
        field: value
        for field, value in new.items()
        if value != old[field] and getattr(obj, field) == old[field]
    }


def _sent_back_before(obj, changes):
    """Has a reviewer already sent back a revision proposing exactly these values?"""
    for revision in Revision.objects.for_object(obj).filter(status=Revision.Status.REJECTED):
        if all(revision.data.get(field) == value for field, value in changes.items()):
            return True
    return False


def propose(kinds, seeded, rows, say=print):
    """Propose every correction still needed. Returns how many pages got one."""
    proposed = 0
    kind_of = {model: kind for kind, model in kinds.items()}
    for (model, slug), new in corrected_values(kinds, seeded, rows).items():
        obj = model.objects.filter(slug=slug).first()
        if obj is None:
            continue
        label = f"{model._meta.verbose_name} {slug!r}"
        changes = proposed_changes(obj, seeded[kind_of[model]][slug], new)
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
            workflow.record(obj, ReviewDecision.Action.SUBMITTED, None, NOTE, revision=revision)
        # (A page not yet published is corrected in place: it is still to be reviewed as a whole.)
        proposed += 1
        fields = ", ".join(sorted(changes))
        say(f"  correction proposed for review: {label} ({fields})")
    return proposed
