"""The catalogue's demo content: the groups and sections (categories), the
therapies with their fact sheets, forms and references. The data is in the
JSON files beside this module; the facts come from the content brief
(/work/shared/content-brief.md), in the site's own words, written for a
reader of about twelve.

    categories.json, therapies.json   the launch catalogue (January 2026), as corrected since
    therapies_added_2026_12.json      the other approved DMTs (December 2026), when present
    fact_sheets.json, fact_sheets_added_2026_12.json, therapy_details_2026_12.json
                                      fact sheets and details (fact_sheets.py)
    forms.json                        forms and versions of a medicine (forms.py)
    references.json                   what each page cites (references.py)
    seeded_january_2026.json, shipped_november_2026.json
                                      earlier text of the fields corrected since (see below)

Editors own the content once it is loaded: a row is created only when it is
missing (looked up by slug or name), and never overwritten. Prices are the
prices app's (prices/demo). Development stages in particular are editors'
facts to keep current: the emerging ones are reviewed every 6 months.

A fresh install or an existing one. The loader decides before it writes
anything: if any launch group or therapy (categories.json, therapies.json)
is already in the database, the catalogue was loaded before this run, and
this run only brings it up to date; otherwise the database is new.

- On a new database everything goes live, approved by the demo medical
  reviewer. The launch rows count as reviewed on the launch review date
  (editorial/demo). What the December 2026 update wrote or rewrote (the DMT
  groups, every emerging section and agent, the added medicines) and every
  fact sheet is approved through the workflow as the load runs, so its
  review date is the day of the load and nothing is overdue from the start.
- On an install loaded earlier, nothing new reaches readers without a
  medical reviewer. A missing page (a medicine or section the update adds)
  is created as a draft with everything it needs and sent for review, with
  a note saying it came from the updated content brief. A live page gets a
  pending revision: its corrected fields (those still holding text the demo
  once shipped) and its empty fields the data now fills (a maker, a
  breastfeeding line), in one revision per page (editorial/demo/corrections.py).
  The forms of a live page are not added: the reviewer is told which in
  that note (they are seen as soon as they are saved, see forms.py). A
  reference gains an identifier or address only where it has none.

seeded_january_2026.json holds the launch text of every field corrected
since, and shipped_november_2026.json the text a later release shipped
(25 November 2026) of the fields this update corrects again: a field
holding either has not been edited on that install, so it is corrected.
Data only; never edit an entry in either.
"""

from dataclasses import dataclass, field
from pathlib import Path

from core.demo import read_json
from editorial import workflow
from editorial.demo import PUBLISHED, corrections
from therapies.demo import fact_sheets, forms, references
from therapies.models import Category, Therapy

HERE = Path(__file__).parent

SEEDED = read_json(HERE, "seeded_january_2026.json")
SHIPPED = [read_json(HERE, "shipped_november_2026.json")]
KINDS = {"category": Category, "therapy": Therapy}
ADDED_THERAPIES = "therapies_added_2026_12.json"

NEW_PAGE_NOTE = (
    "New page from the updated content brief (load_demo_content, December 2026): not yet seen by a reviewer. "
    "Please check it against its references and approve it, or send it back."
)
APPROVED_NOTE = "Demo content from the content brief (December 2026 update)."

# Row fields that identify a row or place it: never proposed as a fill.
NOT_FILLED = {"slug", "name", "generic_name", "category", "kind", "display_order"}


def optional_json(name, default):
    """A data file the update may add; `default` while it is not there."""
    return read_json(HERE, name) if (HERE / name).exists() else default


@dataclass
class Catalogue:
    """The loaded rows by the slug the demo data gives them (an existing row
    found by name may have another slug)."""

    categories: dict
    therapies: dict


@dataclass
class Run:
    """How this run treats what it writes (see the module's docstring)."""

    reviewer: object
    existing: bool
    new_pages: list = field(default_factory=list)  # drafts made now: approved (new database) or sent for review
    fills: dict = field(default_factory=dict)  # {(model, slug): {field: value}} for live pages of an existing install
    notes: dict = field(default_factory=dict)  # {(model, slug): [text]} for the reviewer of those pages

    def fill(self, obj, values):
        self.fills.setdefault((type(obj), obj.slug), {}).update(values)

    def tell_reviewer(self, obj, text):
        self.notes.setdefault((type(obj), obj.slug), []).append(text)

    def is_new(self, obj):
        return any(obj is page for page in self.new_pages)


def category_rows():
    """(kind, row) for every category, in the order they are loaded."""
    by_kind = read_json(HERE, "categories.json")
    return [(kind, row) for kind in Category.Kind.values for row in by_kind.get(kind, [])]


def listed_therapy_rows():
    """therapies.json: the launch therapies (as corrected since) and the emerging agents."""
    return read_json(HERE, "therapies.json")


def added_therapy_rows():
    """The approved DMTs added in December 2026."""
    return optional_json(ADDED_THERAPIES, [])


def therapy_rows():
    return [*listed_therapy_rows(), *added_therapy_rows()]


def loaded_before():
    """Was the catalogue loaded before this run? (Asked before anything is written.)"""
    return Category.objects.filter(slug__in=[row["slug"] for _kind, row in category_rows()]).exists() or (
        Therapy.objects.filter(slug__in=[row["slug"] for row in listed_therapy_rows()]).exists()
    )


def reviewed_at_load(kind):
    """Groups and sections the December 2026 update rewrote: every DMT group
    and emerging section (and the therapies in them, bar the launch DMTs,
    whose fact sheets are approved as they load)."""
    return kind in (Category.Kind.DISEASE_MODIFYING, Category.Kind.EMERGING)


def load(loader, reviewer):
    run = Run(reviewer, existing=loaded_before())
    if run.existing:
        loader.say("  the catalogue was loaded before: what is new or corrected goes to a medical reviewer")
    categories = load_categories(loader, run)
    therapies = load_therapies(loader, run, categories)
    references.load(loader, run, therapies)
    fact_sheets.load(loader, run, therapies)
    forms.load(loader, run, therapies)
    if run.existing:
        propose_row_fills(run, categories, therapies)
    notes = {key: "\n\n".join(texts) for key, texts in run.notes.items()}
    corrections.propose(KINDS, SEEDED, current_rows(), loader.say, shipped=SHIPPED, fills=run.fills, notes=notes)
    finish_new_pages(loader, run)
    return Catalogue(categories, therapies)


def _new_page_values(run, reviewed_at_load_):
    """A page's workflow fields when it is created: live on a new database
    (approved later in the run if it is reviewed at load), else a draft."""
    if run.existing or reviewed_at_load_:
        return {"status": Category.Status.DRAFT}
    return {**PUBLISHED, "approved_by": run.reviewer}


def load_categories(loader, run):
    categories = {}
    for kind, row in category_rows():
        category, created = loader.get_or_create(
            Category,
            lookups=[{"slug": row["slug"]}, {"name": row["name"]}],
            values={**row, "kind": kind, **_new_page_values(run, reviewed_at_load(kind))},
            label=f"category {row['name']!r}",
        )
        if created and category.status == Category.Status.DRAFT:
            run.new_pages.append(category)
        categories[row["slug"]] = category
    return categories


def load_therapies(loader, run, categories):
    therapies = {}
    added = {row["slug"] for row in added_therapy_rows()}
    for row in therapy_rows():
        category = categories[row["category"]]
        at_load = row["slug"] in added or category.kind == Category.Kind.EMERGING
        therapy, created = loader.get_or_create(
            Therapy,
            lookups=[{"slug": row["slug"]}, {"generic_name": row["generic_name"]}],
            values={
                "development_stage": Therapy.Stage.APPROVED,
                **row,
                "category": category,
                **_new_page_values(run, at_load),
            },
            label=f"therapy {row['generic_name']!r}",
        )
        if created and therapy.status == Therapy.Status.DRAFT:
            run.new_pages.append(therapy)
        therapies[row["slug"]] = therapy
    return therapies


def propose_row_fills(run, categories, therapies):
    """On an existing install: the fields of a group or therapy page left empty
    that the demo data now gives (an emerging agent's maker)."""
    pages = [
        *((categories[row["slug"]], row) for _kind, row in category_rows()),
        *((therapies[row["slug"]], row) for row in therapy_rows()),
    ]
    for page, row in pages:
        if run.is_new(page):
            continue
        run.fill(page, {name: value for name, value in row.items() if name not in NOT_FILLED and value})


def finish_new_pages(loader, run):
    """The pages this run created as drafts: on a new database approved by the
    demo reviewer now; on an existing install sent for review."""
    for page in run.new_pages:
        page = type(page).objects.get(pk=page.pk)
        if run.existing:
            workflow.submit_for_review(page, None, NEW_PAGE_NOTE)
            loader.say(f"  sent for review (not public yet): {page._meta.verbose_name} {page.slug!r}")
        else:
            workflow.approve(page, run.reviewer, note=APPROVED_NOTE)


def current_rows():
    """{model: {slug: row}}: the demo data as it is now, for the corrections.
    A therapy's row includes its fact sheet and details, so a corrected fact
    sheet reaches older installs the same way."""
    sheets = fact_sheets.all_values()
    return {
        Category: {row["slug"]: row for _kind, row in category_rows()},
        Therapy: {row["slug"]: {**sheets.get(row["slug"], {}), **row} for row in therapy_rows()},
    }


def corrected_values():
    return corrections.corrected_values(KINDS, SEEDED, current_rows())
