"""Work that must wait for the change that caused it to be committed."""

from django.db import transaction


def once_on_commit(func, using=None):
    """Run `func` once the current transaction commits (at once outside one),
    and only once however many changes the transaction makes: `func` must be
    the same object each time (a module-level function, or one kept per
    database). The page cache and the search index both use it, so the tests
    can run their work at once inside a test's never-committed transaction
    (tests/conftest.py)."""
    connection = transaction.get_connection(using)
    if any(registered is func for _savepoints, registered, _robust in connection.run_on_commit):
        return
    transaction.on_commit(func, using=using)


def in_transaction(using=None):
    """Whether the current code runs inside a transaction, whose changes
    others do not see yet and which may still roll back. Values computed
    from content are kept only outside one (core.kept), so a rolled-back
    change never stays in them. The tests count a test's own
    never-committed transaction as outside (tests/conftest.py), as they do
    for once_on_commit."""
    return transaction.get_connection(using).in_atomic_block
