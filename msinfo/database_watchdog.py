"""A deadline on every answer PostgreSQL owes us, kept by one thread per process.

The server's statement timeout cancels a slow statement, and TCP keepalives
and tcp_user_timeout (msinfo/databases.py) make the kernel notice a peer that
has gone. Neither helps when the server, or a proxy in front of it, stops
answering while its machine's kernel still acknowledges every packet: a
frozen process, a paused container or VM, a hung connection pooler. libpq has
no read timeout, so the query waits for ever, and the request with it, until
gunicorn kills the worker at 60 s and the reader gets no answer at all.

So every round trip to the server (a statement, a fetch from a server-side
cursor, a commit or rollback, Django's health-check ping) gets a deadline:
the statement timeout plus a grace, so that a live server's own cancellation
always comes first. When a deadline passes with no answer, the watchdog
shuts the connection's socket down. libpq's wait then ends at once with
"server closed the connection unexpectedly", an OperationalError, which
core.errors answers with the 503 page. The connection is broken for good, so
Django drops it (it tests a connection that had an error at the end of the
request, or before the next one) and opens a new one: the site recovers when
the database does, without a restart.

It is cheap on purpose. A round trip costs a dictionary entry set and removed
under a lock. One daemon thread per process sleeps until the earliest
deadline and is woken only when a deadline earlier than that one is set,
which in a sync worker (one query at a time, each with the same allowance)
is only when it has nothing to wait for. No thread or timer per query.

psycopg2 lets us in through connect()'s connection_factory and cursor_factory,
which databases.py puts in the connection's OPTIONS (Django passes OPTIONS to
connect()). Django would use psycopg 3 instead if it were installed, and
psycopg 3 has no connection_factory: requirements.txt installs psycopg2.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

import psycopg2.extensions

logger = logging.getLogger("msinfo.database")

# Django tests a reused connection with this before a request's first query
# (CONN_HEALTH_CHECKS), and /healthz sends the same. A live server answers it
# in milliseconds, so it gets a short allowance of its own: when the server
# falls silent, the first request in each worker then costs this plus the
# connect timeout of the new connection Django tries next, not the whole
# statement allowance plus the connect timeout.
PING = "SELECT 1"
PING_ANSWER_WITHIN_SECONDS = 2


class Watchdog:
    """Shuts down the socket of any connection whose answer is overdue.

    Deadlines are kept by the connection's socket (its file descriptor): a
    socket is the connection's for as long as the connection is open, and an
    armed connection is open, because the thread that armed it is waiting on
    it. The watchdog cuts only while holding the lock that `disarm` needs, so
    it never cuts a socket whose round trip has ended and been disarmed."""

    def __init__(self):
        self._start_afresh()
        # A forked child (a gunicorn worker forked from a master that had
        # imported this) has no watchdog thread, and may have a lock a thread
        # of the parent held: it starts afresh.
        os.register_at_fork(after_in_child=self._start_afresh)

    def _start_afresh(self):
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._deadlines = {}  # socket's file descriptor: (monotonic deadline, seconds allowed)
        self._wakes_at = None  # when the thread next looks; None while it waits for a first deadline
        self._thread = None

    def arm(self, descriptor, seconds):
        deadline = time.monotonic() + seconds
        with self._lock:
            self._deadlines[descriptor] = (deadline, seconds)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="database-watchdog", daemon=True)
                self._thread.start()
            elif self._wakes_at is None or deadline < self._wakes_at:
                self._changed.notify()

    def disarm(self, descriptor):
        with self._lock:
            self._deadlines.pop(descriptor, None)

    def _watch(self):
        with self._lock:
            while True:
                now = time.monotonic()
                for descriptor, (deadline, seconds) in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[descriptor]
                        sever(descriptor, seconds)
                self._wakes_at = min((deadline for deadline, _ in self._deadlines.values()), default=None)
                self._changed.wait(None if self._wakes_at is None else self._wakes_at - now)


def sever(descriptor, seconds):
    """Shut the socket down for both directions. shutdown() acts on the socket
    itself, which a duplicate descriptor shares, so libpq's own descriptor
    sees the end at once; closing only the duplicate leaves libpq's open for
    libpq to close."""
    logger.warning("The database did not answer within %s s: cut the connection so the request fails now", seconds)
    try:
        with socket.socket(fileno=os.dup(descriptor)) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
    except OSError as error:  # already closed by the other end: nothing left to cut
        logger.warning("Could not cut the database connection: %s", error)


WATCHDOG = Watchdog()


def answered_within(seconds, connection, round_trip, *args):
    """round_trip(*args), a call that waits for `connection`'s server, cut
    short if it has not been answered within `seconds`. (A plain function
    rather than a context manager: it runs for every query.)"""
    descriptor = connection.fileno()
    WATCHDOG.arm(descriptor, seconds)
    try:
        return round_trip(*args)
    finally:
        WATCHDOG.disarm(descriptor)


class WatchedCursor(psycopg2.extensions.cursor):
    """Every statement, and each fetch from a server-side (named) cursor, which
    asks the server for the next rows, must be answered in time. A client-side
    cursor's fetches read rows already received, so they are left alone."""

    def _allowance(self, query=None):
        return PING_ANSWER_WITHIN_SECONDS if query == PING else self.connection.answer_within

    def execute(self, query, vars=None):
        return answered_within(self._allowance(query), self.connection, super().execute, query, vars)

    def executemany(self, query, vars_list):
        # psycopg2 sends one statement per parameter set, taking each set from
        # the iterable just before its statement: each gets the full allowance,
        # so a long batch of quick statements is not cut as one slow one.
        descriptor, allowance = self.connection.fileno(), self._allowance()

        def each_with_its_own_deadline():
            for vars in vars_list:
                WATCHDOG.arm(descriptor, allowance)
                yield vars

        try:
            return super().executemany(query, each_with_its_own_deadline())
        finally:
            WATCHDOG.disarm(descriptor)

    def callproc(self, procname, parameters=None):
        return answered_within(self._allowance(), self.connection, super().callproc, procname, parameters)

    def fetchone(self):
        if self.name is None:
            return super().fetchone()
        return answered_within(self._allowance(), self.connection, super().fetchone)

    def fetchmany(self, size=None):
        if self.name is None:
            return super().fetchmany(size)
        return answered_within(self._allowance(), self.connection, super().fetchmany, size)

    def fetchall(self):
        if self.name is None:
            return super().fetchall()
        return answered_within(self._allowance(), self.connection, super().fetchall)

    def scroll(self, value, mode="relative"):
        if self.name is None:
            return super().scroll(value, mode)
        return answered_within(self._allowance(), self.connection, super().scroll, value, mode)


class WatchedConnection(psycopg2.extensions.connection):
    """A commit or rollback waits for the server's answer too."""

    answer_within = None  # seconds; WatchedConnections sets it on each connection

    def commit(self):
        return answered_within(self.answer_within, self, super().commit)

    def rollback(self):
        return answered_within(self.answer_within, self, super().rollback)


@dataclass(frozen=True)
class WatchedConnections:
    """psycopg2.connect()'s connection_factory: WatchedConnections(answer_within=10)
    makes connections whose round trips must each end within 10 seconds. A
    value, not a class per allowance, so that OPTIONS compare equal and copy."""

    answer_within: float

    def __call__(self, dsn, *args, **kwargs):
        connection = WatchedConnection(dsn, *args, **kwargs)
        connection.answer_within = self.answer_within
        return connection


def watched_connection_options(answer_within):
    """The connect() arguments that put every round trip under the watchdog."""
    return {"connection_factory": WatchedConnections(answer_within), "cursor_factory": WatchedCursor}
