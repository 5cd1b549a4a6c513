"""The demo's search synonyms (synonyms.json): the everyday words readers
type for what the pages call otherwise, "tired" for fatigue, "pregnant" for
pregnancy, "cheapest" for cost and price. Each meaning is a word the demo
pages use, so every synonym leads somewhere.

A synonym is created only when its term is missing (compared as searches
compare it, so "Tired" is "tired"), and never overwritten: an editor's
change to the list stays."""

from pathlib import Path

from core.demo import read_json
from search.models import SearchSynonym, term_stems

HERE = Path(__file__).parent


def load(loader):
    for row in read_json(HERE, "synonyms.json"):
        loader.get_or_create(
            SearchSynonym,
            lookups=[{"stems": term_stems(row["term"])}],
            values=row,
            label=f"search synonym {row['term']!r}",
        )
