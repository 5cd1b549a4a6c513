"""Running the checks that are due: each source claimed by one run only.

Two runs started at once (cron overlapping a slow run, two servers with the
same timer) must not check a source twice: a run claims a source with one
conditional UPDATE (due, and not claimed, or its claim expired), and the
database's row lock lets exactly one of them change the row. The claim lasts
the run's time limit, so a run that dies frees its sources soon after. No
transaction is held open while a source is fetched."""

import datetime
import logging
import os
import socket
import time
import traceback
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from core.fetching import FetchError
from watches.kinds import CheckFailed, checker_for
from watches.models import WatchedSource, WatchRun

logger = logging.getLogger(__name__)

# One source may take at most this long, so one slow source cannot stop the rest.
SOURCE_TIME_LIMIT = 300  # seconds
RUN_TIME_LIMIT = 900  # seconds, the default for the whole run


@dataclass
class Result:
    """What a run did with one source, for its one-line summary."""

    source: WatchedSource
    outcome: str  # a WatchedSource.Outcome value, or "skipped"
    message: str
    internal_error: bool = False

    def line(self):
        return f"{self.source.name} [{self.source.kind}]: {self.outcome}: {self.message}"


def runner_name():
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def due_sources(now):
    return WatchedSource.objects.filter(enabled=True, next_due_at__lte=now).order_by("next_due_at", "pk")


def claim(source, *, now, until, by):
    """Whether this run now holds `source`: False when another run holds it or
    has just checked it."""
    claimed = (
        WatchedSource.objects.filter(pk=source.pk, enabled=True, next_due_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=until, claimed_by=by)
    )
    return claimed == 1


@dataclass
class Checked:
    outcome: str
    message: str
    attention: str | None = None  # None: the check says nothing of editors' tasks (it failed)
    attention_url: str = ""
    check_again_at: object = None
    internal_error: bool = False


def check(source, deadline):
    """Run the source's check and say what it found (a Checked)."""
    checker = checker_for(source.kind)
    if checker is None:
        return Checked(WatchedSource.Outcome.FAILED, f"No check is installed for {source.get_kind_display()}.", internal_error=True)
    try:
        found = checker.check(source, deadline)
    except (FetchError, CheckFailed) as error:
        return Checked(WatchedSource.Outcome.FAILED, str(error))
    except Exception as error:  # a fault of the site's own, recorded on the source and reported by the command
        logger.error("Checking %s failed:\n%s", source.name, traceback.format_exc())
        message = f"The site's own check failed ({type(error).__name__}); see the server log."
        return Checked(WatchedSource.Outcome.FAILED, message, internal_error=True)
    outcome = WatchedSource.Outcome.CHANGED if found.changed else WatchedSource.Outcome.UNCHANGED
    return Checked(outcome, found.message, found.attention, found.attention_url or "", found.check_again_at)


def record(source, checked, *, started, by):
    """Write the run's outcome on the source and in its history, and release it."""
    outcome, message = checked.outcome, checked.message
    now = timezone.now()
    WatchRun.objects.create(source=source, started_at=started, finished_at=now, outcome=outcome, message=message, run_by=by)
    failed = outcome == WatchedSource.Outcome.FAILED
    changes = {
        "last_checked_at": now,
        "last_outcome": outcome,
        "last_message": message,
        "next_due_at": checked.check_again_at or source.due_after(outcome, now),
        "failures_in_a_row": source.failures_in_a_row + 1 if failed else 0,
        "claimed_until": None,
        "claimed_by": "",
    }
    if not failed:
        changes["last_succeeded_at"] = now
    if outcome == WatchedSource.Outcome.CHANGED:
        changes["last_changed_at"] = now
    if checked.attention is not None:
        changes["attention"], changes["attention_url"] = checked.attention[:300], checked.attention_url[:500]
    WatchedSource.objects.filter(pk=source.pk).update(**changes)


def run_due(*, time_limit=RUN_TIME_LIMIT, now=None, names=None):
    """Check every source that is due, one after another, until `time_limit`
    seconds have passed; yields a Result per enabled source."""
    started_run = time.monotonic()
    run_deadline = started_run + time_limit
    by = runner_name()
    now = now or timezone.now()
    sources = WatchedSource.objects.filter(enabled=True).order_by("next_due_at", "pk")
    if names:
        sources = sources.filter(name__in=names)
    for source in sources:
        if source.next_due_at > now:
            yield Result(source, "not due", f"next check {timezone.localtime(source.next_due_at):%Y-%m-%d %H:%M}")
            continue
        remaining = run_deadline - time.monotonic()
        if remaining < 1:
            yield Result(source, "skipped", "the run's time limit was reached; it is left for the next run")
            continue
        limit = min(SOURCE_TIME_LIMIT, remaining)
        claimed_at = timezone.now()
        if not claim(source, now=claimed_at, until=claimed_at + datetime.timedelta(seconds=limit + 60), by=by):
            yield Result(source, "skipped", "another run is checking it")
            continue
        source.refresh_from_db()
        checked = check(source, time.monotonic() + limit)
        record(source, checked, started=claimed_at, by=by)
        yield Result(source, checked.outcome, checked.message, internal_error=checked.internal_error)
