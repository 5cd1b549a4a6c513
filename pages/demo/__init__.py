"""The site's own texts (site_texts.json, the longer ones in .md files beside
it): what the home, emerging therapies and supportive care pages open with,
and the pages a trustworthy health site has (about us, editorial policy,
accessibility statement, contact us) with the crisis lines shown with mental
health support. Created only when their key is missing, approved by the demo
medical reviewer, and never overwritten, so an editor's later changes stay.

Where a text states something about the organisation that runs the site (its
name, address, funding, conflicts of interest), the demo says plainly that
the editors must fill it in before launch (BEFORE_LAUNCH): nothing here
invents a name, an address, a telephone number of our own, a funding source
or a credential. The crisis lines and helplines are the ones in the content
brief."""

from pathlib import Path

from pages.models import SitePage
from core.demo import read_json, read_text
from editorial.demo import PUBLISHED

HERE = Path(__file__).parent

# How the trust pages' texts mark what only the organisation can say.
BEFORE_LAUNCH = "**Demo text: the editors must complete this before the site launches.**"


def site_text_rows():
    rows = []
    for row in read_json(HERE, "site_texts.json"):
        if "body_file" in row:
            row = {**row, "body": read_text(HERE, row["body_file"])}
            del row["body_file"]
        rows.append(row)
    return rows


def load(loader, reviewer):
    for row in site_text_rows():
        loader.get_or_create(
            SitePage,
            lookups=[{"key": row["key"]}],
            values={**row, **PUBLISHED, "approved_by": reviewer},
            label=f"site text {row['title']!r}",
        )
