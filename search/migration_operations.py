"""Migration operations that touch one database engine only.

Search uses what each engine does best (search/backends.py): on PostgreSQL a
stored tsvector with GIN indexes and trigram indexes (pg_trgm); on SQLite an
FTS5 table. Each is created on its own engine and is a no-op on the other,
while the migration state (the indexes Django knows about) is the same
everywhere, so `makemigrations` sees no difference between them."""

from django.db.migrations.operations.base import Operation


class OnlyOn(Operation):
    """Run `operation` on the `vendor` database ('postgresql', 'sqlite');
    elsewhere change only the migration state."""

    reversible = True

    def __init__(self, vendor, operation):
        self.vendor = vendor
        self.operation = operation

    def deconstruct(self):
        return (f"{__name__}.{type(self).__name__}", [self.vendor, self.operation], {})

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (on {self.vendor} only)"

    @property
    def reduces_to_sql(self):
        return self.operation.reduces_to_sql
