"""The sources the site watches, and the record of every time it looked.

A source is fetched on its schedule by `manage.py run_watches` (running.py).
Its state after the last check (when, the outcome, the message, failures in a
row, when it is next due) lives on the source; each run also adds a
WatchRun row, so the history of a source's checks is never overwritten.
Editors' changes to a source (its address, schedule, whether it applies
files on its own) are kept by django-simple-history."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

# A failed check is tried again this soon (or at its usual time, if sooner):
# three failures in a row show on the dashboard within a day, even for a
# quarterly file.
RETRY_AFTER_FAILURE = datetime.timedelta(hours=6)
FAILURES_SHOWN_AFTER = 3
# The fields run_watches writes on a source after each check; never the admin form.
CHECK_STATE_FIELDS = (
    "next_due_at",
    "last_checked_at",
    "last_succeeded_at",
    "last_changed_at",
    "last_outcome",
    "last_message",
    "failures_in_a_row",
    "attention",
    "attention_url",
    "claimed_until",
    "claimed_by",
)


class WatchedSource(models.Model):
    class Kind(models.TextChoices):
        NADAC = "nadac", "NADAC weekly pharmacy cost file (CMS)"
        ASP = "asp", "Medicare Part B ASP pricing file (CMS)"
        PRICE_FILE = "price_file", "Price file in the site's own CSV or JSON format"
        TRIAL_REGISTRY = "trial_registry", "Trial registry (ClinicalTrials.gov): trials cited by pages"
        MEDICINE_LABELS = "medicine_labels", "Medicine labels (DailyMed): labels cited by pages"

    # Kinds fetched from the source's own address; the others look up the
    # identifiers that pages cite, at the registry's address (settings).
    FILE_KINDS = (Kind.NADAC, Kind.ASP, Kind.PRICE_FILE)

    class Every(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        QUARTERLY = "quarterly", "Quarterly"

    INTERVALS = {
        Every.DAILY: datetime.timedelta(days=1),
        Every.WEEKLY: datetime.timedelta(days=7),
        Every.QUARTERLY: datetime.timedelta(days=91),
    }

    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", "Unchanged"
        CHANGED = "changed", "Changed"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=120, unique=True, help_text="What editors call it, e.g. 'NADAC weekly file'.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = models.URLField(
        "address",
        max_length=500,
        blank=True,
        help_text="Where the file is fetched from. Trial registry and label sources need none: they look up "
        "the trial numbers and label set IDs in pages' references.",
    )
    every = models.CharField("checked", max_length=10, choices=Every.choices, default=Every.WEEKLY)
    enabled = models.BooleanField(default=True, help_text="Untick to stop checking it, keeping its record.")
    apply_automatically = models.BooleanField(
        "apply a clean file on its own",
        default=False,
        help_text="For price files: apply a fetched file at once when no row is flagged. Otherwise every new "
        "file waits for a price editor to confirm it.",
    )
    note = models.TextField(blank=True, help_text="For editors: what the source is, who publishes it, what to do when it fails.")
    created_at = models.DateTimeField(default=timezone.now)

    # The state after the last check, written by the runner, never by the form.
    next_due_at = models.DateTimeField("next due", default=timezone.now, db_index=True)
    last_checked_at = models.DateTimeField("last checked", null=True, blank=True)
    last_succeeded_at = models.DateTimeField("last checked without failing", null=True, blank=True)
    last_changed_at = models.DateTimeField("last changed", null=True, blank=True)
    last_outcome = models.CharField("outcome", max_length=10, choices=Outcome.choices, blank=True)
    last_message = models.TextField("message", blank=True)
    failures_in_a_row = models.PositiveIntegerField(default=0)
    attention = models.CharField(
        "waiting for an editor", max_length=300, blank=True, help_text="e.g. 'Fetched 14 Nov: 3 rows need your confirmation'."
    )
    attention_url = models.CharField(max_length=500, blank=True)
    # A run holds the source until it finishes (or this time passes, if it died).
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)

    # What the runner writes after each check is kept by WatchRun, not as editors' history.
    history = HistoricalRecords(excluded_fields=list(CHECK_STATE_FIELDS))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["nadac", "asp", "price_file", "trial_registry", "medicine_labels"]),
                name="watched_source_kind_known",
            ),
            models.CheckConstraint(condition=Q(every__in=["daily", "weekly", "quarterly"]), name="watched_source_every_known"),
            models.CheckConstraint(
                condition=Q(last_outcome__in=["", "unchanged", "changed", "failed"]), name="watched_source_outcome_known"
            ),
            # A file source that is checked must say where from.
            models.CheckConstraint(
                condition=~Q(enabled=True, kind__in=["nadac", "asp", "price_file"], url=""),
                name="watched_source_file_has_address",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def interval(self):
        return self.INTERVALS[self.every]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.enabled and self.kind in self.FILE_KINDS and not self.url:
            raise ValidationError({"url": "A price file source needs the address its file is fetched from."})
        if self.url and not self.url.lower().startswith(("https://", "http://")):
            raise ValidationError({"url": "Only http and https addresses are fetched."})

    @property
    def is_overdue(self):
        """Not checked without failing for more than twice its interval: the
        schedule is not running, or the source keeps failing."""
        since = self.last_succeeded_at or self.created_at
        return self.enabled and timezone.now() - since > 2 * self.interval

    @property
    def is_failing(self):
        return self.enabled and self.failures_in_a_row >= FAILURES_SHOWN_AFTER

    def due_after(self, outcome, now):
        if outcome == self.Outcome.FAILED:
            return now + min(self.interval, RETRY_AFTER_FAILURE)
        return now + self.interval


class WatchRun(models.Model):
    """One check of one source: kept for good, never edited."""

    source = models.ForeignKey(WatchedSource, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=WatchedSource.Outcome.choices)
    message = models.TextField(blank=True)
    run_by = models.CharField(max_length=120, help_text="The host and process that ran the check.")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "-started_at"], name="watch_run_source_when")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["unchanged", "changed", "failed"]), name="watch_run_outcome_known"
            ),
            models.CheckConstraint(condition=Q(finished_at__gte=models.F("started_at")), name="watch_run_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.source} at {self.started_at:%Y-%m-%d %H:%M}: {self.get_outcome_display()}"
