"""The launch article (launch_article.json, its body in launch_article.md)
and the references it cites. Created only when missing (by slug), approved by
the demo medical reviewer, and never overwritten: a correction to its text
reaches an older install as a pending revision (editorial/demo/corrections.py)."""

from pathlib import Path

from django.contrib.contenttypes.models import ContentType

from articles.models import Article
from core.demo import moment, read_json, read_text
from editorial.demo import PUBLISHED, corrections
from editorial.models import Reference

HERE = Path(__file__).parent

# The launch text as first seeded (January 2026), for the fields corrected
# since: a row still holding it has not been edited. Data only; never edit it.
SEEDED = read_json(HERE, "seeded_january_2026.json")
# Text a later release shipped and has corrected since (December 2026:
# fenebrutinib reported its Phase 3 results): a row still holding it is corrected too.
SHIPPED = [read_json(HERE, "shipped_december_2026.json")]
KINDS = {"article": Article}


def article_row():
    row = read_json(HERE, "launch_article.json")
    return {**row, "body": read_text(HERE, "launch_article.md")}


def load(loader, reviewer, therapies):
    row = article_row()
    fields = {key: value for key, value in row.items() if key != "related_therapies"}
    article, created = loader.get_or_create(
        Article,
        lookups=[{"slug": row["slug"]}],
        values={**fields, **PUBLISHED, "published_at": moment(row["published_at"]), "approved_by": reviewer},
        label=f"article {row['title']!r}",
    )
    if created:
        article.related_therapies.set([therapies[slug] for slug in row["related_therapies"]])
    load_references(loader, article)
    corrections.propose(KINDS, SEEDED, {Article: {row["slug"]: row}}, loader.say, shipped=SHIPPED)  # an older install
    return article


def load_references(loader, article):
    page = {"content_type": ContentType.objects.get_for_model(article), "object_id": article.pk}
    for position, row in enumerate(read_json(HERE, "references.json"), start=1):
        key = {**page, "title": row["title"]}
        loader.get_or_create(
            Reference,
            lookups=[key],
            values={**key, "position": position, **row},
            label=f"reference {row['title']!r} on {article}",
        )


def corrected_values():
    return corrections.corrected_values(KINDS, SEEDED, {Article: {article_row()["slug"]: article_row()}})
