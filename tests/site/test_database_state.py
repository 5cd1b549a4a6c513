"""The suite's own helpers for the test database (tests/database_state.py):
demo content copied in is exactly what the loader makes, and a database
emptied by a transactional test's flush is put back as migrate made it."""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from tests.database_state import DemoTemplate, database_state, restore


def test_demo_content_copied_in_is_what_the_loader_makes(db):
    template = DemoTemplate()
    migrated = database_state()
    with transaction.atomic():
        printed = template.load()  # the loader itself, its rows kept
        loaded = database_state()
        transaction.set_rollback(True)
    assert template.loaded == 1 and template.copied == 0
    assert database_state() == migrated

    with transaction.atomic():
        assert template.load() == printed
        assert template.copied == 1 and template.loaded == 1
        assert database_state() == loaded  # every row of every table, the search index included
        transaction.set_rollback(True)

    assert "Done: " in printed and "0 already there" in printed
    assert sum(len(rows) for _, _, rows in loaded.values()) > sum(len(rows) for _, _, rows in migrated.values())


def test_from_another_starting_point_the_loader_runs_again(db, editor):
    template = DemoTemplate()
    template.base, template.changes = {}, {}  # a template made from some other database
    template.load()
    assert template.loaded == 1 and template.copied == 0


def test_a_flushed_database_is_put_back_as_migrate_made_it(db):
    migrated = database_state()
    assert Group.objects.exists() and ContentType.objects.exists()
    Group.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.create(app_label="somewhere", model="else")

    restore(migrated)

    assert database_state() == migrated
