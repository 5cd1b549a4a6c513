"""The editorial engine is its own app: nothing in it imports a content app,
and a database from before the move upgrades with every pending revision,
old address and reference intact."""

import ast
import datetime
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType

from articles.models import Article
from editorial.models import Reference, Revision, SlugRedirect
from tests.old_databases import database_at, migrate_to_the_newest
from therapies.models import Therapy

EDITORIAL = Path(__file__).resolve().parents[2] / "editorial"
CONTENT_APPS = {"therapies", "articles"}


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_nothing_in_the_editorial_app_imports_a_content_app():
    files = sorted(EDITORIAL.rglob("*.py"))
    assert len(files) > 5  # the walk found the app
    offenders = [
        f"{path.relative_to(EDITORIAL.parent)} imports {module}"
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] in CONTENT_APPS
    ]
    assert offenders == []


def test_the_import_check_would_catch_a_content_import(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from therapies.models import Therapy\n")
    assert "therapies.models" in list(imported_modules(sneaky))


LAST_BEFORE_THE_MOVE = [("articles", "0003_editorial_roles"), ("therapies", "0004_cost_estimate_history")]
BEFORE = [*LAST_BEFORE_THE_MOVE, ("editorial", None)]


@pytest.mark.migration
@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_upgrades_with_nothing_lost():
    old = database_at(BEFORE)
    ContentTypeThen = old.get_model("contenttypes", "ContentType")
    therapy_type = ContentTypeThen.objects.get_or_create(app_label="therapies", model="therapy")[0]
    live = {"status": "published", "published_at": datetime.datetime(2026, 1, 15, 9, tzinfo=datetime.UTC)}

    category = old.get_model("therapies", "Category").objects.create(
        kind="dmt", name="Oral DMTs", slug="oral-dmts", summary="Tablets.", **live
    )
    therapy = old.get_model("therapies", "Therapy").objects.create(
        generic_name="fingolimod", slug="fingolimod", category=category, route="oral", summary="A daily capsule.", **live
    )
    article = old.get_model("articles", "Article").objects.create(
        title="Launch", slug="launch", standfirst="Hello.", body="Text.", byline="Editors", **live
    )
    old.get_model("therapies", "Revision").objects.create(
        content_type=therapy_type, object_id=therapy.pk, data={"summary": "A capsule once a day."}, status="pending"
    )
    old.get_model("therapies", "SlugRedirect").objects.create(
        content_type=therapy_type, object_id=therapy.pk, old_slug="gilenya-old"
    )
    OldReference = old.get_model("articles", "Reference")
    article_source = OldReference.objects.create(article=article, position=1, title="Article source")
    therapy_source = OldReference.objects.create(
        therapy=therapy, position=2, title="Label", url="https://example.org/label"
    )
    old.get_model("articles", "HistoricalReference").objects.create(
        id=therapy_source.pk, therapy_id=therapy.pk, position=2, title="Label (first wording)",
        history_date=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC), history_type="+",
    )

    migrate_to_the_newest()

    revision = Revision.objects.get()
    assert (revision.content_object, revision.status, revision.data) == (
        Therapy.objects.get(slug="fingolimod"), "pending", {"summary": "A capsule once a day."}
    )
    assert SlugRedirect.target_for(Therapy, "gilenya-old") == Therapy.objects.get(slug="fingolimod")
    assert [r.title for r in Article.objects.get(slug="launch").references.all()] == ["Article source"]
    label = Therapy.objects.get(slug="fingolimod").references.get()
    assert (label.pk, label.position, label.url) == (therapy_source.pk, 2, "https://example.org/label")
    assert Reference.objects.get(pk=article_source.pk).cited_by == Article.objects.get(slug="launch")
    assert [h.title for h in label.history.all()] == ["Label (first wording)"]
    # The id sequence moved past the copied rows: a new reference gets a new id.
    new = Reference.objects.create(cited_by=Article.objects.get(), title="New source")
    assert new.pk > max(article_source.pk, therapy_source.pk)
    # Editors and reviewers still see revisions and manage references, now in the editorial app.
    from django.contrib.auth.models import Group

    editors = set(Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", "codename"))
    assert {("editorial", "view_revision"), ("editorial", "change_reference")} <= editors
    assert ContentType.objects.get_for_model(Revision).app_label == "editorial"
