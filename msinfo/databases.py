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
- A PostgreSQL connection that goes silent must not hold a request either:
  libpq would wait for ever, gunicorn kills the worker after 60 s
  (gunicorn.conf.py), and the reader gets no answer at all. TCP keepalives
  and tcp_user_timeout let the kernel notice a peer that has gone (a network
  partition, a crashed host): probing starts after 5 s of quiet, and once a
  probe or a query has gone unacknowledged for 9 s the kernel closes the
  connection. When the peer's kernel still acknowledges everything but
  nothing answers (a frozen server process or proxy), only the client can
  tell, so every round trip also has a deadline, the statement timeout plus
  ANSWER_GRACE_SECONDS, after which msinfo.database_watchdog cuts the
  connection: the query fails at once, and core.errors answers 503.

  The statement timeout is 8 s by default (it was 30 s): the site's own
  statements take milliseconds, a price upload applies in batches of at most
  1,000 rows, and a hung database then costs a request at most about 10 s:
  10 s for a statement already sent; for the first request on a connection
  kept from before, 2 s for Django's health-check ping and then the 5 s
  connect timeout of the new connection it tries; 5 s for a connection that
  cannot be opened. All well inside gunicorn's 60 s.

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


# libpq's TCP settings (ignored on a Unix socket). Linux's defaults would
# probe an idle connection only after two hours: here the first probe goes
# after 5 s of quiet and another every 2 s, and tcp_user_timeout (Linux)
# closes the connection once data, a query or a probe, has gone
# unacknowledged for 9 s. Elsewhere the two unanswered probes do it, also
# after 5 + 2 × 2 = 9 s. Either way a peer that has gone is noticed inside
# the default 10 s answer deadline below.
TCP_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2}
TCP_USER_TIMEOUT_MS = 9000

# How much longer than the statement timeout the client waits for an answer
# before cutting the connection: long enough that a live server's own
# cancellation ("canceling statement due to statement timeout", after which
# the connection is still good) always arrives first.
ANSWER_GRACE_SECONDS = 2


def answer_deadline_seconds(statement_timeout_ms):
    """Seconds a round trip may go unanswered before the watchdog cuts the
    connection, or None when statements have no time limit."""
    return statement_timeout_ms / 1000 + ANSWER_GRACE_SECONDS if statement_timeout_ms else None


def postgresql_options(connect_timeout_seconds, statement_timeout_ms):
    options = {"connect_timeout": connect_timeout_seconds, **TCP_KEEPALIVES, "tcp_user_timeout": TCP_USER_TIMEOUT_MS}
    if statement_timeout_ms:
        # Imported here: it needs psycopg2, which a SQLite install may not have.
        from msinfo.database_watchdog import watched_connection_options

        options["options"] = f"-c statement_timeout={statement_timeout_ms}"
        options.update(watched_connection_options(answer_deadline_seconds(statement_timeout_ms)))
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

