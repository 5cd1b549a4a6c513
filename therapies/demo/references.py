"""What the catalogue's pages cite (references.json, and each fact sheet's
"references"), numbered in the order the data gives them.

Each row is a Reference's fields: title, publisher, supports, and the
source's identifiers where it has them (nct_id, doi, pmid, dailymed_setid;
else url), so the reader's link is built from the identifier. A trial's row
names no publisher: its link already reads "ClinicalTrials.gov NCT...". The
launch price reference is an editors' compilation with no public address, so
it has none: an address we could not vouch for would be worse than none.

A reference the page lacks is added, on a live page too: a source claims
nothing by itself, and the reviewer checking the page's pending revision
needs it there. A row is the page's existing reference when that has the
same title, or the title the row says it `replaces`, or one of its
identifiers (an older install recorded a trial by its registry address,
under a title with the number in it). An existing reference is never
rewritten: it only gains the identifiers and address it lacks, so its link
is built from the identifier from then on. When the data corrects a title
(`replaces`: the FENhance 1 and 2 numbers were swapped in a launch title),
the title is left to a medical reviewer, who is told on the page's review
note: on a live page a reference changes what readers see at once.
"""

from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

from core.demo import read_json
from editorial.models import Reference
from editorial.models.references import IDENTIFIERS

HERE = Path(__file__).parent
IDENTIFIER_FIELDS = [kind.field for kind in IDENTIFIERS]
LINK_OF = {kind.field: kind for kind in IDENTIFIERS}


def load(loader, run, therapies):
    """Each page's own references (references.json)."""
    for slug, rows in read_json(HERE, "references.json").items():
        therapy = therapies.get(slug)
        if therapy is not None:
            add(loader, run, therapy, rows)


def _same_source(reference, row):
    """Does `reference` record the source `row` names by an identifier?"""
    for name in IDENTIFIER_FIELDS:
        value = row.get(name)
        if value and (getattr(reference, name) == value or reference.url == LINK_OF[name].link(value)):
            return True
    return False


def _existing(cited, row):
    for reference in cited:
        if reference.title in (row["title"], row.get("replaces")):
            return reference
    for reference in cited:
        if _same_source(reference, row):
            return reference
    return None


def add(loader, run, therapy, rows):
    """Add `rows` to `therapy`'s references where missing, after the ones it has."""
    page = {"content_type": ContentType.objects.get_for_model(therapy), "object_id": therapy.pk}
    last = Reference.objects.filter(**page).aggregate(last=Max("position"))["last"] or 0
    for row in rows:
        values = {key: value for key, value in row.items() if key != "replaces"}
        label = f"reference {row['title']!r} on {therapy}"
        cited = list(Reference.objects.filter(**page))
        reference = _existing(cited, row)
        if reference is None:
            last += 1
            reference = Reference(**page, position=last, **values)
            reference.full_clean()
            reference.save()
            loader.made(label)
            continue
        loader.found(label)
        _complete(loader, reference, values)
        if reference.title != row["title"] and reference.title == row.get("replaces"):
            text = (
                f"Under References, {reference.title!r} should now read {row['title']!r}: "
                "the updated content brief corrected it. A medical reviewer can rename it there."
            )
            run.tell_reviewer(therapy, text)
            loader.say(f"  for a reviewer to rename: {label} (now titled {reference.title!r})")


def _complete(loader, reference, values):
    """Give `reference` the identifiers and address it lacks (never change one it has)."""
    gaps = {
        name: values[name]
        for name in [*IDENTIFIER_FIELDS, "url"]
        if values.get(name) and not getattr(reference, name)
    }
    if not gaps:
        return
    for name, value in gaps.items():
        setattr(reference, name, value)
    reference.full_clean()
    reference.save()
    loader.say(f"  identifiers added: reference {reference.title!r} ({', '.join(sorted(gaps))})")
