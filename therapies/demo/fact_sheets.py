"""Demo fact sheets of the approved disease-modifying therapies, from the
content brief's "Therapy fact sheets" and "The other approved DMTs", in the
site's own plain words, with the trial or label each block rests on as a
reference.

    fact_sheets.json                  the ten launch DMTs
    fact_sheets_added_2026_12.json    the DMTs added in December 2026 (when present)
    therapy_details_2026_12.json      for the launch DMTs: their maker, first approval,
                                      generics and the fact-sheet lines they lacked (when present)
    decision_aid_2026_12.json         the decision aid's structured values (issue 22): tests and
                                      clinic visits a year, the pregnancy plan, the trial's
                                      comparator; only what the brief states (docs/decision-aid.md
                                      lists the line behind each)

Each is {slug: {"ms_types": [...], field: value, ..., "references": [...]}}
(details: any of those keys). `load(loader, run, therapies)` is called by the
catalogue's loader (therapies/demo/__init__.py). It only fills fields that
are empty (so an editor's text is never overwritten) and only adds references
a page does not already cite (references.py).

How a fill reaches readers depends on the page. A draft (a page this run
created) is filled in place and reviewed with the rest of it. A live page
on a new database is filled as an edit whose revision the demo medical
reviewer approves, as any edit goes live. A live page of an install loaded
earlier gets the fill proposed for review instead (the run's fills, handed
to editorial/demo/corrections.py with its corrections). A page with an
edit already waiting for review is left alone, so the editor's pending work
is neither merged nor approved.
"""

from pathlib import Path

from core.demo import read_json
from editorial import workflow
from therapies.demo import references
from therapies.models import DECISION_AID_FIELDS, FACT_SHEET_FIELDS, FACT_SHEET_MS_TYPE_FIELDS, Therapy

HERE = Path(__file__).parent

# Every fact-sheet field but the MS-type boxes, which the data gives as one
# list ("ms_types"), filled only when none is ticked; and a therapy's details.
TEXT_FIELDS = [name for name in FACT_SHEET_FIELDS if name not in FACT_SHEET_MS_TYPE_FIELDS]
DETAIL_FIELDS = ["maker", "first_approved", "generics"]
FILLABLE = {*TEXT_FIELDS, *DETAIL_FIELDS, *DECISION_AID_FIELDS}
KEYS = {*FILLABLE, "ms_types", "references"}

# slug -> {"ms_types": [...], field: value, ..., "references": [reference rows]}
FACT_SHEETS = read_json(HERE, "fact_sheets.json")


def _optional(name):
    return read_json(HERE, name) if (HERE / name).exists() else {}


def sheets():
    """{slug: sheet}: the launch fact sheets, the added medicines' and the
    launch medicines' details merged in (details only add to a sheet)."""
    merged = {slug: dict(sheet) for slug, sheet in {**FACT_SHEETS, **_optional("fact_sheets_added_2026_12.json")}.items()}
    added = {**_optional("therapy_details_2026_12.json")}
    for slug, values in _optional("decision_aid_2026_12.json").items():
        added[slug] = {**added.get(slug, {}), **values}
    for slug, details in added.items():
        sheet = merged.setdefault(slug, {})
        for key, value in details.items():
            if key == "references":
                sheet["references"] = _with_references(sheet.get("references", []), value)
            else:
                sheet[key] = value
    for slug, sheet in merged.items():
        unknown = set(sheet) - KEYS
        if unknown:
            raise ValueError(
                f"Fact sheet or details of {slug!r}: unknown keys {', '.join(sorted(unknown))}. They fill empty "
                f"fields only ({', '.join(DETAIL_FIELDS)} and the fact sheet's); other fields are in therapies.json."
            )
    return merged


def _with_references(rows, more):
    """`rows` and `more` as one list: a row of `more` with a title already in
    `rows` adds its identifiers and address to that row (one reference, made
    once, with its link), the rest come after."""
    merged = [dict(row) for row in rows]
    by_title = {row["title"]: row for row in merged}
    for row in more:
        if row["title"] in by_title:
            by_title[row["title"]].update({key: value for key, value in row.items() if key != "title"})
        else:
            merged.append(dict(row))
    return merged


def all_values():
    """{slug: {field: value}}: what the sheets say, for the corrections."""
    return {slug: {k: v for k, v in sheet.items() if k in FILLABLE} for slug, sheet in sheets().items()}


def missing_values(therapy, sheet):
    """The values `therapy` lacks: {field: value} for empty fields only, with
    the MS types as their boxes when none is ticked."""
    # 0 is a value ("no routine blood tests"); only None and "" are empty.
    values = {name: sheet[name] for name in FILLABLE if _given(sheet.get(name)) and not _given(getattr(therapy, name))}
    if not therapy.ms_type_codes and sheet.get("ms_types"):
        values.update({f"licensed_{code}": True for code in sheet["ms_types"]})
    return values


def _given(value):
    return value is not None and value != ""


def load(loader, run, therapies):
    """Fill the approved DMTs' fact sheets and add their references.
    `therapies` maps slug to Therapy."""
    for slug, sheet in sheets().items():
        therapy = therapies.get(slug)
        if therapy is None:
            continue
        _fill(loader, run, Therapy.objects.get(pk=therapy.pk), sheet)
        references.add(loader, run, therapy, sheet.get("references", []))


def _fill(loader, run, therapy, sheet):
    label = f"fact sheet of {therapy}"
    values = missing_values(therapy, sheet)
    if not values:
        loader.found(label)
        return
    if run.existing and workflow.is_protected(therapy):
        run.fill(therapy, values)  # proposed for review with the page's corrections
        return
    if workflow.open_revision(therapy) is not None:
        loader.say(f"  left for its editors (an edit is waiting for review): {label}")
        return
    for name, value in values.items():
        setattr(therapy, name, value)
    therapy.full_clean()
    revision = workflow.save_edit(therapy, run.reviewer)
    if revision is not None:
        workflow.approve(therapy, run.reviewer, note="Demo fact sheet from the content brief.")
    loader.made(f"{label} ({len(values)} fields)", verb="filled")
