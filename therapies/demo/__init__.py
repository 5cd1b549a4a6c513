"""The catalogue's demo content: the groups and sections (categories), the
therapies with their fact sheets, and the references their pages cite. The
data is in the JSON files beside this module; the facts come from the content
brief (/work/shared/content-brief.md), in the site's own words, written for a
reader of about twelve.

Editors own the content once it is loaded: a row is created only when it is
missing (looked up by slug or name), and never changed afterwards. Prices are
the prices app's (prices/demo). Development stages in particular are editors'
facts to keep current: the emerging ones are reviewed every 6 months.

references.json: each approved medicine cites the source of the launch cost
figures, an editors' compilation with no public address, so the reference has
none (an address we could not vouch for would be worse than none), and the two
price studies where it has their prices; each emerging medicine cites its
trials' ClinicalTrials.gov entries, where the brief names them."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType

from core.demo import read_json
from editorial.demo import PUBLISHED, corrections
from editorial.models import Reference
from therapies.demo import fact_sheets
from therapies.models import Category, Therapy

HERE = Path(__file__).parent

# The launch text as first seeded (January 2026), for the fields corrected
# since: a row still holding it has not been edited. Data only; never edit it.
SEEDED = read_json(HERE, "seeded_january_2026.json")
KINDS = {"category": Category, "therapy": Therapy}


@dataclass
class Catalogue:
    """The loaded rows by the slug the demo data gives them (an existing row
    found by name may have another slug)."""

    categories: dict
    therapies: dict


def category_rows():
    """(kind, row) for every category, in the order they are loaded."""
    by_kind = read_json(HERE, "categories.json")
    return [(kind, row) for kind in Category.Kind.values for row in by_kind.get(kind, [])]


def therapy_rows():
    return read_json(HERE, "therapies.json")


def load(loader, reviewer):
    categories = load_categories(loader, reviewer)
    therapies = load_therapies(loader, reviewer, categories)
    load_references(loader, therapies)
    fact_sheets.load(loader, reviewer, therapies)  # after the pages' own references, so they keep numbers 1, 2, 3
    corrections.propose(KINDS, SEEDED, current_rows(), loader.say)  # an older install: pending revisions
    return Catalogue(categories, therapies)


def load_categories(loader, reviewer):
    categories = {}
    for kind, row in category_rows():
        category, _ = loader.get_or_create(
            Category,
            lookups=[{"slug": row["slug"]}, {"name": row["name"]}],
            values={**row, "kind": kind, **PUBLISHED, "approved_by": reviewer},
            label=f"category {row['name']!r}",
        )
        categories[row["slug"]] = category
    return categories


def load_therapies(loader, reviewer, categories):
    therapies = {}
    for row in therapy_rows():
        therapy, _ = loader.get_or_create(
            Therapy,
            lookups=[{"slug": row["slug"]}, {"generic_name": row["generic_name"]}],
            values={
                "development_stage": Therapy.Stage.APPROVED,
                **row,
                "category": categories[row["category"]],
                **PUBLISHED,
                "approved_by": reviewer,
            },
            label=f"therapy {row['generic_name']!r}",
        )
        therapies[row["slug"]] = therapy
    return therapies


def load_references(loader, therapies):
    """Each page's references, numbered in the order the data gives them."""
    for slug, rows in read_json(HERE, "references.json").items():
        therapy = therapies[slug]
        page = {"content_type": ContentType.objects.get_for_model(therapy), "object_id": therapy.pk}
        for position, row in enumerate(rows, start=1):
            key = {**page, "title": row["title"]}
            loader.get_or_create(
                Reference,
                lookups=[key],
                values={**key, "position": position, **row},
                label=f"reference {row['title']!r} on {therapy}",
            )


def current_rows():
    """{model: {slug: row}}: the demo data as it is now, for the corrections."""
    return {
        Category: {row["slug"]: row for _kind, row in category_rows()},
        Therapy: {row["slug"]: row for row in therapy_rows()},
    }


def corrected_values():
    return corrections.corrected_values(KINDS, SEEDED, current_rows())
