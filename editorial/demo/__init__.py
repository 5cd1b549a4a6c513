"""The demo content's review: the date every launch page was reviewed and
published on, and the demo reviewer's staff profile, which tells readers it
is demo data; and the editors' glossary (glossary.json): medical words the
demo pages use, each with a short plain meaning. A term is created only when
missing (whatever its capitals) and never overwritten."""

from pathlib import Path

from django.utils import timezone

from core.demo import date, moment, read_json
from editorial.models import GlossaryTerm, StaffProfile

HERE = Path(__file__).parent
_REVIEW = read_json(HERE, "review.json")

REVIEWED = date(_REVIEW["reviewed"])
REVIEWED_AT = moment(_REVIEW["reviewed_at"])
# Launch content counts as published and reviewed on the review date, and
# approved by the demo reviewer (each loader adds approved_by), so "Reviewed
# by" shows on the public pages from the start.
PUBLISHED = {
    "status": "published",
    "published_at": REVIEWED_AT,
    "last_reviewed": REVIEWED,
    "approved_at": REVIEWED_AT,
}


def load(loader, reviewer):
    profile = _REVIEW["reviewer_profile"]
    loader.get_or_create(
        StaffProfile,
        lookups=[{"user": reviewer}],
        values={"user": reviewer, **profile},
        label=f"staff profile {profile['display_name']!r}",
    )
    for row in read_json(HERE, "glossary.json"):
        loader.get_or_create(
            GlossaryTerm,
            lookups=[{"term__iexact": row["term"]}],
            # Checked by the demo reviewer, as the demo's pages are approved by them.
            values={**row, "checked_by": reviewer, "checked_at": timezone.now()},
            label=f"glossary term {row['term']!r}",
        )
