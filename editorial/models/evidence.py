"""The evidence watch's records: each trial registry number and medicine
label that a page cites, with what the registry or DailyMed said about it
last time, and the pages waiting for a medical reviewer because it changed.

Readers see neither (`readers_never_see`): a check that only notes the time
must not empty the page cache. The one thing readers see, the date a page's
trials were last checked, tells the cache itself (editorial.evidence.checking)."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from editorial.models.references import IDENTIFIERS

_KIND_OF_FIELD = {kind.field: kind for kind in IDENTIFIERS}


class WatchedIdentifier(models.Model):
    """One trial (NCT number) or medicine label (DailyMed set ID) cited by at
    least one reference, kept in step with the references
    (editorial.evidence.watched). `snapshot` is what was last seen, None until
    the first successful check records it as the baseline."""

    readers_never_see = True

    class Kind(models.TextChoices):
        TRIAL = "nct_id", "Trial registry record"
        LABEL = "dailymed_setid", "Medicine label"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=36)
    snapshot = models.JSONField(null=True, blank=True)
    # The last successful check. A failed lookup writes nothing here (the
    # run's result reports it), so a check run starts with those checked
    # longest ago or never.
    checked_at = models.DateTimeField("last checked", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="watched_identifier_unique"),
            models.CheckConstraint(condition=Q(kind__in=["nct_id", "dailymed_setid"]), name="watched_identifier_kind"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """"ClinicalTrials.gov NCT04586010", "DailyMed label b216af61-…"."""
        return f"{_KIND_OF_FIELD[self.kind].label} {self.value}"

    @property
    def link(self):
        """The registry record or the label on DailyMed, for the reviewer."""
        return _KIND_OF_FIELD[self.kind].link(self.value)


class EvidenceFlag(models.Model):
    """A page that cites an identifier whose record changed, waiting for a
    medical reviewer to check it against the change. One flag per page and
    identifier: a further change is added to its `changes`, each
    {"field", "old", "new", "noticed"} (values as text, the date ISO)."""

    readers_never_see = True

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    page = GenericForeignKey("content_type", "object_id")
    identifier = models.ForeignKey(WatchedIdentifier, on_delete=models.CASCADE, related_name="flags")
    changes = models.JSONField(default=list)
    raised_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "identifier"], name="evidence_flag_one_per_page_and_identifier"
            ),
        ]

    def __str__(self):
        return f"{self.identifier.label}: {self.describe()}"

    def describe(self):
        """What changed, as one line: "overall status A → B; has results no → yes"."""
        return "; ".join(f"{change['field']} {change['old']} → {change['new']}" for change in self.changes)
