"""Checking the watched identifiers, for the scheduler.

    check_trial_registry(deadline) -> CheckResult
    check_medicine_labels(deadline) -> CheckResult

`deadline` is a time.monotonic() value. Identifiers are looked up in turn,
those checked longest ago (or never) first, until the deadline: the rest are
left for the next run, and a lookup is never given more time than is left
(one cut short by the deadline is left for next time, not counted as failed).

The first successful check of an identifier records what it found as the
baseline and flags nothing. After that, a difference in a watched field
flags every reviewed page citing the identifier (one flag per page and
identifier; a further change is added to the flag). A failed lookup (the
source unreachable or slow, an error or HTML page, broken JSON, a document
not shaped as expected) is a failure for that identifier, reported in the
result, and writes nothing for it: its last reading and date stay as they
were. Nothing raises."""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import cache
from core.fetching import FetchError, fetch_json
from editorial.evidence import sources
from editorial.evidence.watched import sync_watched
from editorial.models import EvidenceFlag, Reference, WatchedIdentifier, reviewed_models

# A lookup is not started with less time than this left before the deadline.
MIN_SECONDS_FOR_A_LOOKUP = 1.0
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # a study record is tens of kilobytes

Kind = WatchedIdentifier.Kind


@dataclass(frozen=True)
class CheckResult:
    """What one run did. `changed`: some identifier changed (pages were
    flagged). `summary`: one line for the run's record. `failures`: one
    message per identifier that could not be checked. `all_failed`: there
    was something to look up and every lookup failed (a failed run).
    `checked`: identifiers checked successfully; `left`: not reached before
    the deadline."""

    changed: bool
    summary: str
    failures: list = field(default_factory=list)
    all_failed: bool = False
    checked: int = 0
    left: int = 0


@dataclass(frozen=True)
class _Source:
    kind: str
    one: str  # "trial", "label"
    many: str
    url: object  # identifier -> address
    read: object  # (document, identifier) -> snapshot, or raises sources.Unexpected
    compare: object  # (old snapshot, new snapshot) -> [(field, old, new)]


TRIALS = _Source(Kind.TRIAL, "trial", "trials", sources.trial_url, sources.read_trial, sources.trial_changes)
LABELS = _Source(Kind.LABEL, "label", "labels", sources.label_url, sources.read_label, sources.label_changes)


def check_trial_registry(deadline):
    """Look up the cited trials on ClinicalTrials.gov until `deadline` (time.monotonic())."""
    return _check(TRIALS, deadline)


def check_medicine_labels(deadline):
    """Look up the cited medicine labels on DailyMed until `deadline` (time.monotonic())."""
    return _check(LABELS, deadline)


def _check(source, deadline):
    sync_watched()
    queue = list(
        WatchedIdentifier.objects.filter(kind=source.kind).order_by(F("checked_at").asc(nulls_first=True), "value")
    )
    checked, baselines, changed, failures, left = 0, 0, [], [], 0
    public_dates_moved = False
    limit = float(getattr(settings, "EVIDENCE_FETCH_TIMEOUT", 20))
    for index, watched in enumerate(queue):
        remaining = deadline - time.monotonic()
        if remaining < MIN_SECONDS_FOR_A_LOOKUP:
            left = len(queue) - index
            break
        timeout = min(limit, remaining)
        try:
            snapshot = source.read(
                fetch_json(source.url(watched.value), timeout=timeout, max_bytes=MAX_DOCUMENT_BYTES), watched.value
            )
        except FetchError as error:
            if timeout < limit and time.monotonic() >= deadline:
                left = len(queue) - index  # cut short by the run's deadline: next time
                break
            failures.append(f"{watched.value}: {_one_line(error)}")
            continue
        except sources.Unexpected as error:
            failures.append(f"{watched.value}: {source.url(watched.value)} answered, but {_one_line(error)}.")
            continue
        checked += 1
        before = watched.checked_at
        differences = _keep(watched, snapshot, source)
        if before is None:
            baselines += 1
        if differences:
            described = ", ".join(f"{name} {old} → {new}" for name, old, new in differences)
            changed.append(f"{watched.value}: {described}")
        if source.kind == Kind.TRIAL and (before is None or timezone.localdate(before) != timezone.localdate()):
            public_dates_moved = True
    if public_dates_moved:
        # Pages say "Checked against the trial registry on <date>": a stored
        # page must not keep the old date (WatchedIdentifier is not watched
        # by the page cache, so a run that moves no date empties nothing).
        cache.content_changed()
    return _result(source, len(queue), checked, baselines, changed, failures, left)


def _keep(watched, snapshot, source):
    """Keep the new reading; flag the pages if it differs from the last."""
    now = timezone.now()
    with transaction.atomic():
        differences = source.compare(watched.snapshot, snapshot) if watched.snapshot is not None else []
        watched.snapshot, watched.checked_at = snapshot, now
        watched.save(update_fields=["snapshot", "checked_at"])
        if differences:
            flag_citing_pages(watched, differences, now)
    return differences


def flag_citing_pages(watched, differences, now):
    """Flag every reviewed page that cites `watched`, or add the change to its flag."""
    entries = [
        {"field": name, "old": old, "new": new, "noticed": timezone.localdate(now).isoformat()}
        for name, old, new in differences
    ]
    reviewed = {ct.pk for ct in ContentType.objects.get_for_models(*reviewed_models()).values()}
    pages = set(
        Reference.objects.filter(**{watched.kind: watched.value}).values_list("content_type_id", "object_id")
    )
    for content_type_id, object_id in sorted(pages):
        if content_type_id not in reviewed:
            continue
        flag, created = EvidenceFlag.objects.select_for_update().get_or_create(
            content_type_id=content_type_id,
            object_id=object_id,
            identifier=watched,
            defaults={"changes": entries, "raised_at": now, "updated_at": now},
        )
        if not created:
            flag.changes = [*flag.changes, *entries]
            flag.updated_at = now
            flag.save(update_fields=["changes", "updated_at"])


def _one_line(error):
    return " ".join(str(error).split()).rstrip(".")


def _count(number, source):
    return f"{number} {source.one if number == 1 else source.many}"


def _result(source, total, checked, baselines, changed, failures, left):
    if total == 0:
        return CheckResult(changed=False, summary=f"No {source.many} are cited, so none were checked.")
    all_failed = bool(failures) and checked == 0
    if all_failed:
        summary = f"Every {source.one} lookup failed ({len(failures)}): {failures[0]}" + (
            f"; and {len(failures) - 1} more" if len(failures) > 1 else ""
        )
    else:
        parts = [f"{_count(checked, source)} checked"]
        if changed:
            parts.append(f"{len(changed)} changed ({'; '.join(changed)})")
        if baselines:
            parts.append(f"{baselines} checked for the first time (recorded, nothing to compare)")
        if failures:
            parts.append(f"{len(failures)} failed")
        if left:
            parts.append(f"{left} left for the next run")
        summary = ", ".join(parts)
    return CheckResult(
        changed=bool(changed), summary=summary, failures=failures, all_failed=all_failed, checked=checked, left=left
    )
