"""A run of the price importer that wrote estimates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PriceImport(models.Model):
    """One run of the price importer that wrote estimates: which file, who, when,
    and how many rows were new. Every estimate it created points back to it.

    A run that writes nothing (a dry run, a refused file, a file whose rows are
    all already recorded) leaves no PriceImport."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        NADAC = "nadac", "NADAC (CMS) weekly file"
        ASP = "asp", "ASP pricing file (CMS, Medicare Part B)"

    class SourceKind(models.TextChoices):
        UPLOAD = "upload", "Uploaded in the admin"
        COMMAND = "command", "File given to the import_prices command"
        URL = "url", "Fetched from an address by the import_prices command"
        WATCHED = "watched", "Fetched on schedule by run_watches"

    COMMAND_LABEL = "by the command"
    WATCHED_LABEL = "on schedule (run_watches)"
    # How the review-decision log names withdrawing everything an import wrote.
    decision_labels = {"withdrew": "Withdrew a price"}

    file_name = models.CharField(max_length=500, help_text="File name, path or address as given.")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices)
    rows_total = models.PositiveIntegerField("rows")
    rows_new = models.PositiveIntegerField("new estimates")
    rows_unchanged = models.PositiveIntegerField("already recorded")
    summary = models.TextField(blank=True, help_text="What the importer noted, e.g. rows skipped in a NADAC or ASP file.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="price_imports",
        editable=False,
    )
    created_by_label = models.CharField(
        "imported by",
        max_length=150,
        help_text=f"The editor's name as colleagues know it (their profile's display name), '{COMMAND_LABEL}' for the import_prices command, or '{WATCHED_LABEL}'.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="price_import_sha256_hex"),
            models.CheckConstraint(condition=Q(format__in=["csv", "json", "nadac", "asp"]), name="price_import_format_valid"),
            models.CheckConstraint(
                condition=Q(source_kind__in=["upload", "command", "url", "watched"]), name="price_import_source_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(rows_total=models.F("rows_new") + models.F("rows_unchanged")),
                name="price_import_rows_add_up",
            ),
            models.CheckConstraint(condition=Q(rows_new__gt=0), name="price_import_wrote_something"),
        ]

    def __str__(self):
        return f"Price import #{self.pk}: {self.file_name} ({self.created_at:%d %b %Y %H:%M})"


