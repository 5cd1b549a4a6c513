"""A database as an earlier release left it, for the upgrade tests (the
`migration` marker): the test database is emptied of every table and
migrated forward from nothing to the old migrations, as a real install of
that release was built; the test writes its old rows and migrates to the
newest.

Going back from the newest instead (Django unapplying migrations) cost each
test about twice as long: to unapply, Django renders the model state after
every migration of the project first. Forward from nothing renders each
migration's state once, which migrating forward needs anyway.

A test that uses this is a transactional one (`django_db(transaction=True)`):
afterwards the suite puts the rows migrate made back (tests/conftest.py),
into tables the final migrate made again."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _drop_every_table():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tables, their sequences, indexes and constraints in one go.
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
            return
        # SQLite: a full-text table first, which drops its shadow tables with it.
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(name)}")
        for table in connection.introspection.table_names(cursor):
            if not table.startswith("sqlite_"):
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")
        cursor.execute("PRAGMA foreign_keys = ON")


def database_at(targets):
    """Empty the test database and migrate it forward to `targets` (as
    `migrate` takes them: (app, migration name), or (app, None) for an app
    not installed yet). Returns the models as they were then."""
    _drop_every_table()
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def migrate_to_the_newest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # Content types the old rows made are cached by id; the new code reads them afresh.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
