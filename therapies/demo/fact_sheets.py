"""Demo fact sheets for the ten disease-modifying therapies, from the content
brief's "Therapy fact sheets", in the site's own plain words, with the trial
or label each block rests on as a reference (the data: fact_sheets.json).

`load(loader, reviewer, therapies)` is called by the catalogue's demo loader
(therapies/demo/__init__.py). Like the rest of the demo content it is safe to
run again: it only fills fact-sheet fields that are empty (so an editor's text
is never overwritten) and only adds references a page does not already cite (by
title). The filled fields go live the way any edit does: saved as an edit, and
a published page's pending revision approved by the demo medical reviewer. A
page with an edit already waiting for review is left alone, so the editor's
pending work is neither merged nor approved.

The brief gives no addresses for these trials and labels, so the references
have none: an address we could not vouch for would be worse than none (the
same rule as the launch price reference). Editors add addresses in the admin.
"""

from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

from core.demo import read_json
from editorial import workflow
from editorial.models import Reference
from therapies.models import FACT_SHEET_FIELDS, FACT_SHEET_MS_TYPE_FIELDS, Therapy

# Every fact-sheet field but the MS-type boxes, which the data gives as one
# list ("ms_types"), filled only when none is ticked.
TEXT_FIELDS = [name for name in FACT_SHEET_FIELDS if name not in FACT_SHEET_MS_TYPE_FIELDS]

# slug -> {"ms_types": [...], field: value, ..., "references": [reference rows]}
FACT_SHEETS = read_json(Path(__file__).parent, "fact_sheets.json")


def missing_values(therapy, sheet):
    """The fact-sheet values `therapy` lacks: {field: value} for empty fields
    only, with the MS types as their boxes when none is ticked."""
    values = {name: sheet[name] for name in TEXT_FIELDS if name in sheet and not getattr(therapy, name)}
    if not therapy.ms_type_codes:
        values.update({f"licensed_{code}": True for code in sheet["ms_types"]})
    return values


def load(loader, reviewer, therapies):
    """Fill the ten DMTs' fact sheets, approved by `reviewer`, and add their
    references. `therapies` maps slug to Therapy."""
    for slug, sheet in FACT_SHEETS.items():
        therapy = therapies.get(slug)
        if therapy is None:
            continue
        _fill(loader, reviewer, Therapy.objects.get(pk=therapy.pk), sheet)
        _add_references(loader, therapy, sheet["references"])


def _fill(loader, reviewer, therapy, sheet):
    label = f"fact sheet of {therapy}"
    values = missing_values(therapy, sheet)
    if not values:
        loader.found(label)
        return
    if workflow.open_revision(therapy) is not None:
        loader.say(f"  left for its editors (an edit is waiting for review): {label}")
        return
    for name, value in values.items():
        setattr(therapy, name, value)
    therapy.full_clean()
    revision = workflow.save_edit(therapy, reviewer)
    if revision is not None:
        workflow.approve(therapy, reviewer, note="Demo fact sheet from the content brief.")
    loader.made(f"{label} ({len(values)} fields)", verb="filled")


def _add_references(loader, therapy, rows):
    page = {"content_type": ContentType.objects.get_for_model(Therapy), "object_id": therapy.pk}
    last = Reference.objects.filter(**page).aggregate(last=Max("position"))["last"] or 0
    for row in rows:
        key = {**page, "title": row["title"]}
        label = f"reference {row['title']!r} on {therapy}"
        if Reference.objects.filter(**key).exists():
            loader.found(label)
            continue
        last += 1
        reference = Reference(**key, position=last, **{k: v for k, v in row.items() if k != "title"})
        reference.full_clean()
        reference.save()
        loader.made(label)
