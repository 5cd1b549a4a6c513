"""A database that stops answering on an open connection (msinfo/databases.py,
msinfo/database_watchdog.py): a network partition, a frozen server or proxy.

Every request must still get the site's 503 page within about 10 s, well
before gunicorn's 60 s worker timeout would kill the worker and leave the
reader with no answer, and the site must serve normally again once the
database answers, without a restart.

On loopback a frozen proxy's kernel still acknowledges every packet, so TCP
keepalives and tcp_user_timeout cannot fire and the server's statement
timeout never arrives: what these tests prove against a frozen relay is the
client's own deadline, the watchdog. The TCP options are checked as the
settings make them.
"""

import socket
import time

import psycopg2
import pytest
from django.db import connection

from msinfo.database_watchdog import (
    PING_ANSWER_WITHIN_SECONDS,
    WatchedConnection,
    WatchedCursor,
    answered_within,
    watched_connection_options,
)
from msinfo.databases import answer_deadline_seconds, connection_options
from tests.core.test_database_failures import address_of_the_test_database, postgresql_only, run_site_python

POSTGRESQL = {"ENGINE": "django.db.backends.postgresql"}
BRANDED = "Sorry, the site is not available just now"


def postgresql_options(**given):
    return connection_options(POSTGRESQL, sqlite_busy_timeout=20, **given)


# --- The options, as the settings make them ---------------------------------------------


def test_postgresql_connections_ask_the_kernel_to_notice_a_peer_that_is_gone():
    options = postgresql_options(connect_timeout=5, statement_timeout_ms=8000)

    keepalives = ("keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count")
    assert {key: options[key] for key in keepalives} == {
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
    }
    assert options["tcp_user_timeout"] == 9000  # milliseconds, under the 10 s answer deadline
    # The client's own deadline: the statement timeout and 2 s of grace.
    assert options["connection_factory"].answer_within == 10


def test_without_a_statement_timeout_nothing_cuts_a_long_statement_but_tcp_still_watches():
    options = postgresql_options(connect_timeout=5, statement_timeout_ms=0)

    assert "connection_factory" not in options and "cursor_factory" not in options
    assert options["keepalives"] == 1 and options["tcp_user_timeout"] == 9000


def test_tcp_options_given_in_database_url_are_kept():
    options = connection_options(
        {**POSTGRESQL, "OPTIONS": {"keepalives_idle": "30"}},
        sqlite_busy_timeout=20,
        connect_timeout=5,
        statement_timeout_ms=8000,
    )

    assert options["keepalives_idle"] == "30" and options["keepalives_interval"] == 2


@postgresql_only
def test_the_sites_own_connections_and_cursors_are_the_watched_ones(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")

    assert isinstance(connection.connection, WatchedConnection) and connection.connection.answer_within == 10
    assert isinstance(cursor.cursor, WatchedCursor)


DEFAULT_BOUNDS = """
import json, runpy
from django.conf import settings
options = settings.DATABASES["default"]["OPTIONS"]
print(json.dumps({
    "connect_timeout": options["connect_timeout"],
    "statement_timeout": options["options"],
    "answer_within": options["connection_factory"].answer_within,
    "worker_timeout": runpy.run_path("gunicorn.conf.py")["timeout"],
}))
"""


def test_with_the_default_settings_a_hung_database_costs_a_request_about_10_s_not_the_worker_timeout():
    # Nothing listens there: the settings are only read, never used to connect.
    bounds = run_site_python(DEFAULT_BOUNDS, DATABASE_URL="postgres://msinfo@127.0.0.1:9/msinfo")

    assert bounds["statement_timeout"] == "-c statement_timeout=8000"
    assert bounds["answer_within"] == answer_deadline_seconds(8000) == 10
    # The slowest ways a request meets a silent database: a statement in
    # progress; the health-check ping of a reused connection, then a new
    # connection that is never answered; a new connection alone.
    slowest = max(
        bounds["answer_within"],
        PING_ANSWER_WITHIN_SECONDS + bounds["connect_timeout"],
        bounds["connect_timeout"],
    )
    assert slowest <= 10
    assert bounds["worker_timeout"] == 60 and slowest < bounds["worker_timeout"] / 2


# --- The watchdog ------------------------------------------------------------------------


@pytest.fixture
def socket_pair():
    # A connection whose other end we play: it answers only when we say so.
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def test_an_answer_overdue_past_its_deadline_gets_the_connection_cut(socket_pair):
    ours, _ = socket_pair
    started = time.monotonic()

    heard = answered_within(0.2, ours, ours.recv, 100)  # the other end never answers

    assert heard == b""  # the wait ended: the socket was shut down under us
    assert 0.15 < time.monotonic() - started < 2
    with pytest.raises(OSError):
        ours.sendall(b"more")


def test_an_answer_in_time_leaves_the_connection_alone(socket_pair):
    ours, theirs = socket_pair

    theirs.sendall(b"answer")
    heard = answered_within(0.2, ours, ours.recv, 100)
    time.sleep(0.4)  # well past the deadline the round trip had

    assert heard == b"answer"
    ours.sendall(b"next query")
    assert theirs.recv(100) == b"next query"
    theirs.sendall(b"next answer")
    assert ours.recv(100) == b"next answer"


@pytest.fixture
def connect_watched(db):
    """Opens psycopg2 connections to the test database, each round trip
    allowed `seconds`, and closes them afterwards."""
    opened = []

    def connect(seconds):
        params = {**connection.get_connection_params(), **watched_connection_options(seconds)}
        params.pop("options", None)  # no server-side statement timeout: only the watchdog
        opened.append(psycopg2.connect(**params))
        return opened[-1]

    yield connect
    for watched in opened:
        watched.close()


@postgresql_only
def test_a_real_connection_whose_answer_is_overdue_fails_as_an_outage_at_its_deadline(connect_watched):
    from core.errors import is_database_unavailable

    watched = connect_watched(0.5)
    started = time.monotonic()

    with pytest.raises(psycopg2.OperationalError) as cut, watched.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(3)")

    assert 0.4 < time.monotonic() - started < 2
    assert "server closed the connection unexpectedly" in str(cut.value)
    assert is_database_unavailable(cut.value)
    assert watched.closed  # broken for good: Django drops such a connection


@postgresql_only
def test_each_statement_of_a_batch_has_its_own_deadline(connect_watched):
    # Five quick statements take longer together than one may take alone.
    watched = connect_watched(0.5)

    with watched.cursor() as cursor:
        cursor.executemany("SELECT pg_sleep(%s)", [(0.15,)] * 5)
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
    watched.commit()


@postgresql_only
def test_a_server_side_cursor_fetching_its_rows_is_watched_too(connect_watched):
    watched = connect_watched(0.5)

    with watched.cursor(name="rows") as rows:
        rows.execute("SELECT n FROM generate_series(1, 3) AS n")
        assert rows.fetchmany(2) == [(1,), (2,)]
    with pytest.raises(psycopg2.OperationalError), watched.cursor(name="slow") as slow:
        slow.execute("SELECT pg_sleep(3) FROM generate_series(1, 2)")
        slow.fetchall()


# --- The site in front of a frozen database ----------------------------------------------


FROZEN_AND_BACK = """
import json, sys, threading, time
from tests.database_relay import Relay, get

relay = Relay.in_front_of(sys.argv[1])

import django
django.setup()
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from core.errors import is_database_unavailable

application = WSGIHandler()
seen = {}

def timed(name, path):
    started = time.monotonic()
    answer = get(application, path)
    seen[name] = {**answer, "seconds": time.monotonic() - started, "body": answer["body"][:20000]}

timed("before", "/articles/")  # opens the connection the worker keeps (CONN_MAX_AGE)
relay.freeze()
timed("page", "/articles/")
timed("health", "/healthz")
relay.restore()
timed("page_after", "/articles/")
timed("health_after", "/healthz")

# A statement already sent when the database freezes.
threading.Timer(0.3, relay.freeze).start()
started = time.monotonic()
try:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.6)")
    seen["in_progress"] = {"error": None}
except Exception as error:
    seen["in_progress"] = {"error": str(error), "outage": is_database_unavailable(error)}
seen["in_progress"]["seconds"] = time.monotonic() - started
relay.restore()
timed("page_again", "/articles/")
print(json.dumps(seen))
"""


@postgresql_only
def test_a_frozen_database_gets_every_request_a_503_in_seconds_and_the_site_recovers_when_it_thaws(db):
    # Short limits to keep the test quick: each round trip is allowed 1 s of
    # statement time and 2 s of grace, a connection 2 s (libpq's least).
    seen = run_site_python(
        FROZEN_AND_BACK,
        address_of_the_test_database(),
        MSINFO_DB_STATEMENT_TIMEOUT_MS="1000",
        MSINFO_DB_CONNECT_TIMEOUT="2",
        MSINFO_PAGE_CACHE_SECONDS="0",
        DJANGO_ALLOWED_HOSTS="localhost",
    )

    assert seen["before"]["status"] == 200
    # The worker's kept connection fails its health-check ping after 2 s; the
    # new connection Django then tries is never answered, for 2 s more.
    page = seen["page"]
    assert page["status"] == 503 and page["retry_after"] == "30" and BRANDED in page["body"]
    assert 3.5 < page["seconds"] < 7
    health = seen["health"]
    assert health["status"] == 503 and '"database": "failed"' in health["body"]
    assert 1.5 < health["seconds"] < 5
    # Thawed: served again by the same process.
    assert seen["page_after"]["status"] == 200 and "Articles" in seen["page_after"]["body"]
    assert seen["health_after"]["status"] == 200
    # A statement in flight is cut at its deadline (1 s + 2 s), as an outage
    # (a 503 in a request); the next request opens a new connection.
    in_progress = seen["in_progress"]
    assert in_progress["outage"] and "server closed the connection unexpectedly" in in_progress["error"]
    assert 2.8 < in_progress["seconds"] < 5
    assert seen["page_again"]["status"] == 200
