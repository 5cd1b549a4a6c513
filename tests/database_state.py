"""The test database's rows, read and written table by table, for two things:

- After a transactional test (tests/conftest.py): pytest-django empties every
  table, the rows the migrations made included; `restore` puts back the
  database as migrate made it.

- The demo content (manage.py load_demo_content) for tests that only read it,
  without running the loader in every one of them (the `demo_content`
  fixture), and other sites a test file builds the same way for each of
  its tests (KeptRows: the query counts' large site). The first such test in a test process runs the real loader, in
  the test's own never-committed transaction like any test, and keeps what it
  changed: every row it added or altered, table by table, and the state of
  the database it started from. Each later test that starts from exactly
  that state (every row of every table compared) gets those rows written in
  directly, with the primary keys the loader gave them, in milliseconds
  instead of the loader's second. A test that starts from any other state (a
  fixture made rows first, say) runs the real loader instead. Either way the
  test sees what the loader would have made: the same rows and its output,
  and no page stored before it served from the cache. Tests of a second run
  of the loader, or of one that fails part-way, call the command itself.
"""

from io import StringIO

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


def _primary_keys():
    """{table: primary key column} for every model's table (m2m tables and
    the history tables included)."""
    return {
        model._meta.db_table: model._meta.pk.column
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


def _virtual_tables(cursor):
    """SQLite's full-text tables (search_fts): read and written through the
    table itself, by rowid, never through the shadow tables that hold its index."""
    if connection.vendor != "sqlite":
        return set()
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
    return {name for (name,) in cursor.fetchall()}


def database_state():
    """{table: (columns, primary key column, {key: row})} for every table but
    django_migrations. A table no model names is keyed by its whole row."""
    keys = _primary_keys()
    state = {}
    with connection.cursor() as cursor:
        virtual = _virtual_tables(cursor)
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == "django_migrations" or any(table.startswith(f"{name}_") for name in virtual):
                continue
            if table in virtual:
                keys[table] = "rowid"
                cursor.execute(f"SELECT rowid, * FROM {connection.ops.quote_name(table)}")
            else:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            read = [column[0] for column in cursor.description]
            # By name: a migration test that went back and forth may have rebuilt a table with its columns reordered.
            order = sorted(range(len(read)), key=read.__getitem__)
            columns = tuple(read[i] for i in order)
            pk = keys.get(table) if keys.get(table) in columns else None
            index = columns.index(pk) if pk else None
            rows = {(row[index] if pk else row): row for row in (tuple(r[i] for i in order) for r in cursor.fetchall())}
            state[table] = (columns, pk, rows)
    return state


def _changes(before, after):
    """What turns `before` into `after`: per table, the keys to delete and the rows to insert.
    None if a change cannot be written back this way."""
    changes = {}
    for table, (columns, pk, rows) in after.items():
        old_columns, _, old_rows = before.get(table, (columns, pk, {}))
        if old_columns != columns:
            return None
        gone = [key for key in old_rows if key not in rows or rows[key] != old_rows[key]]
        new = [row for key, row in rows.items() if old_rows.get(key) != row]
        if gone and pk is None:
            return None
        if gone or new:
            changes[table] = (columns, pk, gone, new)
    if set(before) - set(after):
        return None
    return changes


def _write(changes):
    quote = connection.ops.quote_name
    limit = connection.features.max_query_params or 999
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (columns, pk, gone, new) in changes.items():
            for start in range(0, len(gone), limit):
                chunk = gone[start:start + limit]
                cursor.execute(
                    f"DELETE FROM {quote(table)} WHERE {quote(pk)} IN ({', '.join(['%s'] * len(chunk))})", chunk
                )
            per_statement = max(1, limit // len(columns))
            row_sql = f"({', '.join(['%s'] * len(columns))})"
            for start in range(0, len(new), per_statement):
                chunk = new[start:start + per_statement]
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
                    f"VALUES {', '.join([row_sql] * len(chunk))}",
                    [value for row in chunk for value in row],
                )
        # PostgreSQL's id sequences continue after the rows written with their ids.
        models = [
            model for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in changes and not model._meta.proxy
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


class KeptRows:
    """The rows a build makes (load(build): a callable that returns what it
    printed, if anything), made by the build itself in the first test of a
    process and kept, then written in directly for each later test that
    starts from the same database state. Any other starting state runs the
    build again. One KeptRows per build that always makes the same rows."""

    def __init__(self):
        self.base = None  # the database state the build started from
        self.changes = None  # what it changed
        self.output = ""  # what it returned
        self.copied = 0  # tests given the rows directly
        self.loaded = 0  # tests that ran the build

    def load(self, build):
        before = database_state()
        if self.changes is not None and before == self.base:
            _write(self.changes)
            # No save signals, so no new content version for the page cache:
            # emptying the cache keeps it from serving a page stored before.
            for alias in settings.CACHES:
                caches[alias].clear()
            self.copied += 1
            return self.output
        output = build()
        self.loaded += 1
        # Kept only from a test inside a transaction (the `db` fixture): the
        # build's on-commit work (page cache, search index) then runs as it
        # does for every such test (tests/conftest.py, page_cache_per_test).
        if connection.in_atomic_block:
            changes = _changes(before, database_state())
            if changes is not None:
                self.base, self.changes, self.output = before, changes, output
        return output


def _load_demo_content():
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


class DemoTemplate(KeptRows):
    """The demo content as `manage.py load_demo_content` makes it; load()
    returns what the loader printed."""

    def load(self):
        return super().load(_load_demo_content)


template = DemoTemplate()


def restore(state):
    """Put the database back to `state` (one database_state() made earlier)."""
    changes = _changes(database_state(), state)
    if changes is None:
        raise RuntimeError("The test database's tables changed shape; it cannot be put back as it was.")
    if changes:
        _write(changes)
