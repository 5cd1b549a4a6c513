"""How the site talks to its database so that a busy or failing one is survived.

settings.py builds DATABASES["default"] from DATABASE_URL and then asks
`connection_options` for the OPTIONS that go with its engine. The tests build
a file database from the same function, so what they prove is what runs.

- SQLite (the embedded default) lets one writer in at a time. Every transaction
  starts with BEGIN IMMEDIATE, so a transaction that reads and then writes
  holds the write lock from its start: it waits its turn (the busy timeout)
  instead of failing at once with "database is locked", which is what a
  deferred transaction gets when another writer committed under it. WAL lets
  readers carry on while someone writes; synchronous=NORMAL is the setting
  SQLite recommends with WAL (a power cut may lose the last commits, never
  corrupt the file).
- PostgreSQL gets a connect timeout, so a database host that does not answer
  costs a request seconds rather than minutes, and a statement timeout, so one
  runaway query cannot hold a worker (and its locks) indefinitely. The
  statement timeout also applies to management commands run with the same
  settings (migrate, import_prices); set MSINFO_DB_STATEMENT_TIMEOUT_MS=0 in
  that command's environment for a longer one-off job.

When the database is down or too slow anyway, core.errors answers 503.
"""

# synchronous is per connection. WAL is stored in the file once set, but setting
# it on every open costs nothing and converts a file copied in without it.
SQLITE_INIT_COMMAND = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"


def sqlite_options(busy_timeout_seconds):
    return {
        "transaction_mode": "IMMEDIATE",
        # Seconds a connection waits for another's lock before "database is locked".
        "timeout": busy_timeout_seconds,
        "init_command": SQLITE_INIT_COMMAND,
    }


def postgresql_options(connect_timeout_seconds, statement_timeout_ms):
    options = {"connect_timeout": connect_timeout_seconds}
    if statement_timeout_ms:
        options["options"] = f"-c statement_timeout={statement_timeout_ms}"
    return options


def connection_options(database, *, sqlite_busy_timeout, connect_timeout, statement_timeout_ms):
    """The OPTIONS for `database` (a DATABASES entry): ours for its engine, with
    any option DATABASE_URL already gave kept (a libpq `options` string from
    the URL is kept too, with the statement timeout appended to it)."""
    engine = database["ENGINE"]
    given = dict(database.get("OPTIONS") or {})
    if engine == "django.db.backends.sqlite3":
        ours = sqlite_options(sqlite_busy_timeout)
    elif engine in {"django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"}:
        ours = postgresql_options(connect_timeout, statement_timeout_ms)
        if "options" in given and "options" in ours:
            given["options"] = f"{given['options']} {ours.pop('options')}"
    else:
        ours = {}
    return {**ours, **given}

