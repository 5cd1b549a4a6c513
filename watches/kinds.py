"""What each kind of watched source does when it is checked.

The scheduler knows the kinds by name only. The app that understands a kind
registers, from its AppConfig.ready(), the function that checks it and who
must hear when it goes wrong: prices checks price files for price editors,
the review engine checks trials and labels for medical reviewers. So this
app imports none of them, and they all share one schedule, one lock and one
record of runs."""

from dataclasses import dataclass
from typing import Callable


class CheckFailed(Exception):
    """A source could not be checked; the message says why, for editors. Runs
    record it on the source and go on to the next one."""


@dataclass(frozen=True)
class Outcome:
    """What one check found. `changed` is True when the site learned something
    new (figures applied, a page flagged, a file waiting). `attention` is a
    task for an editor, shown on their dashboard until it is done, with the
    admin address where they do it. `check_again_at` overrides the schedule
    once, for a source that said when it will have something (a file
    published before the date it takes effect)."""

    changed: bool
    message: str
    attention: str = ""
    attention_url: str = ""
    check_again_at: object = None


@dataclass(frozen=True)
class Checker:
    check: Callable  # check(source, deadline) -> Outcome; deadline is a time.monotonic() value
    concerns: Callable  # concerns(user) -> bool: whose dashboard shows this kind's trouble


_checkers = {}


def checks(kind, *, concerns):
    """Register `function(source, deadline)` as the check for `kind` (a
    WatchedSource.Kind value). `concerns(user)` picks the editors whose
    dashboard shows a source of this kind that fails or falls behind."""

    def register(function):
        _checkers[kind] = Checker(function, concerns)
        return function

    return register


def checker_for(kind):
    return _checkers.get(kind)


def concerns(kind, user):
    """Whether `user` is one of the editors who must hear about a source of
    `kind`; a kind nobody registered concerns administrators only."""
    checker = _checkers.get(kind)
    if checker is None:
        return user.is_superuser
    return user.is_superuser or checker.concerns(user)
