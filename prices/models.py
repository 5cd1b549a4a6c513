"""Prices: cost estimates of the catalogue's groups and medicines, the price
imports that wrote them, and the NDC codes a NADAC price file is matched by.

A price is of something in the catalogue (therapies), so this app depends on
it; the catalogue never imports prices (its pages get theirs through
therapies.extensions, filled in by prices.apps)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from simple_history.models import HistoricalRecords

from editorial.models import add_months
from prices.currencies import is_known_currency
from therapies.models import Category, Therapy


class EstimateState(models.TextChoices):
    ACTIVE = "active", "In use"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Replaced by a correction"


class CostEstimateQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-as_of", "-recorded_at", "-id")

    def active(self):
        """Estimates readers may see: neither withdrawn nor replaced by a correction."""
        return self.filter(state=EstimateState.ACTIVE)


class CostEstimate(models.Model):
    """An annual cost range for one category or one therapy, as of a date.

    Estimates are never overwritten or deleted: a new price is a new row, so
    the history stays, and the active row with the newest as-of date is the
    current one. A wrong figure is withdrawn (with who, when and why) or
    replaced by a correction that points to it; either way it leaves every
    public page and stays in the admin's history."""

    State = EstimateState

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="cost_estimates"
    )
    therapy = models.ForeignKey(
        Therapy, on_delete=models.PROTECT, null=True, blank=True, related_name="cost_estimates"
    )
    low = models.DecimalField(
        "lowest annual cost", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    high = models.DecimalField(
        "highest annual cost", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code, e.g. USD, EUR, GBP.")
    as_of = models.DateField("as of", help_text="The date the figures were true.")
    product = models.CharField(
        "product priced",
        max_length=120,
        blank=True,
        help_text="Which product the figures are for, e.g. 'brand (Gilenya)' or 'generic fingolimod'. "
        "Leave empty when they are for the medicine or group as a whole.",
    )
    source_name = models.CharField("source", max_length=200)
    source_url = models.URLField("source address", blank=True, max_length=500)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_cost_estimates",
        editable=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    price_import = models.ForeignKey(
        "PriceImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="estimates",
        editable=False,
        help_text="The price file this estimate came from; empty when it was typed in.",
    )
    state = models.CharField(max_length=12, choices=EstimateState.choices, default=EstimateState.ACTIVE, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    withdrawal_reason = models.TextField(blank=True, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        editable=False,
        help_text="The estimate this one corrects.",
    )
    correction_reason = models.TextField(blank=True, editable=False)

    objects = CostEstimateQuerySet.as_manager()
    # How the review-decision log names what was done to an estimate.
    decision_labels = {"withdrew": "Withdrew a price", "corrected": "Corrected a price"}
    # Estimates recorded in the admin are kept with who and when; estimates
    # written by a price import point to their PriceImport record instead.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-as_of", "-recorded_at", "-id"]
        get_latest_by = ["as_of", "recorded_at", "id"]
        # Not "change": a recorded estimate is never edited, only taken out of
        # use (withdrawn) or replaced by a correction, both kept in the history.
        permissions = [("correct_costestimate", "Can withdraw or correct cost estimates")]
        constraints = [
            models.CheckConstraint(condition=Q(low__gte=0), name="cost_estimate_low_non_negative"),
            models.CheckConstraint(condition=Q(high__gte=0), name="cost_estimate_high_non_negative"),
            models.CheckConstraint(condition=Q(low__lte=models.F("high")), name="cost_estimate_low_not_above_high"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="cost_estimate_currency_iso_code"),
            models.CheckConstraint(
                condition=(Q(category__isnull=False) & Q(therapy__isnull=True))
                | (Q(category__isnull=True) & Q(therapy__isnull=False)),
                name="cost_estimate_exactly_one_subject",
            ),
            # One estimate in use per subject, product, currency and date; a
            # withdrawn or replaced one leaves room for its successor.
            models.UniqueConstraint(
                fields=["category", "product", "currency", "as_of"],
                condition=Q(category__isnull=False, state="active"),
                name="cost_estimate_unique_category_currency_date",
                violation_error_message="This category already has an estimate in this currency for this date.",
            ),
            models.UniqueConstraint(
                fields=["therapy", "product", "currency", "as_of"],
                condition=Q(therapy__isnull=False, state="active"),
                name="cost_estimate_unique_therapy_currency_date",
                violation_error_message="This therapy already has an estimate in this currency for this date.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["active", "withdrawn", "superseded"]), name="cost_estimate_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="withdrawn") | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="cost_estimate_withdrawal_has_time_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(correction_reason=""),
                name="cost_estimate_correction_has_reason",
            ),
        ]
        # A subject's estimates in the order "current" is defined by, so the
        # current one, the most recent ones and a month's latest are each an
        # index seek, however long the history.
        indexes = [
            models.Index(fields=["category", "-as_of", "-recorded_at", "-id"], name="cost_estimate_category_newest"),
            models.Index(fields=["therapy", "-as_of", "-recorded_at", "-id"], name="cost_estimate_therapy_newest"),
            # A medicine's products (brand, generic) and each one's newest
            # estimate, found without reading its whole history.
            models.Index(
                fields=["therapy", "product", "-as_of", "-recorded_at", "-id"], name="cost_estimate_therapy_product"
            ),
            # The newest estimates recorded and withdrawn, across subjects, in
            # the price feed's order (prices/feeds.py price_events), so the
            # feed reads its 50 entries from the top of an index instead of
            # sorting every estimate.
            models.Index(fields=["-recorded_at", "-id"], name="estimate_recorded_newest"),
            models.Index(fields=["-withdrawn_at", "-id"], name="estimate_withdrawn_newest"),
        ]

    def __str__(self):
        return f"{self.subject}: {self.currency} {self.low:,.0f}–{self.high:,.0f} (as of {self.as_of:%d %b %Y})"

    @property
    def subject(self):
        return self.therapy if self.therapy_id else self.category

    def clean(self):
        errors = {}
        if self.currency:
            self.currency = self.currency.strip().upper()
            if not is_known_currency(self.currency):
                errors["currency"] = f"'{self.currency}' is not an ISO 4217 currency code."
        if self.low is not None and self.high is not None and self.low > self.high:
            errors["high"] = "The highest cost cannot be below the lowest cost."
        if self.as_of and self.as_of > timezone.localdate():
            errors["as_of"] = "The as-of date cannot be in the future."
        # URLField also accepts ftp:// and ftps://; readers follow these links
        # in a browser, and the importer takes http(s) only. (Checked here,
        # not as a field validator, which would need a migration.)
        scheme, sep, _rest = (self.source_url or "").partition("://")
        if sep and scheme.lower() not in ("http", "https"):
            errors["source_url"] = "Give a web address starting with http:// or https://."
        if bool(self.category_id) == bool(self.therapy_id):
            errors["__all__"] = "An estimate belongs to exactly one category or one therapy."
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # The uniqueness rules depend on the state and the product, which are
        # set on the row even where a form does not show them.
        super().validate_constraints(exclude=set(exclude or ()) - {"state", "product"})

    def is_stale(self, today=None):
        return self.as_of < staleness_cutoff(today)


def staleness_cutoff(today=None):
    """The earliest as-of date that still counts as current."""
    return add_months(today or timezone.localdate(), -settings.PRICE_STALENESS_MONTHS)


def current_estimate(estimates):
    """The current estimate from already-fetched estimates, or None.

    Takes a list so callers can prefetch the history once and derive both the
    current price and the history from it without another query."""
    return max(estimates, key=lambda e: (e.as_of, e.recorded_at, e.id), default=None)


# --- Price imports -----------------------------------------------------------------------


class PriceImport(models.Model):
    """One run of the price importer that wrote estimates: which file, who, when,
    and how many rows were new. Every estimate it created points back to it.

    A run that writes nothing (a dry run, a refused file, a file whose rows are
    all already recorded) leaves no PriceImport."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        NADAC = "nadac", "NADAC (CMS) weekly file"

    class SourceKind(models.TextChoices):
        UPLOAD = "upload", "Uploaded in the admin"
        COMMAND = "command", "File given to the import_prices command"
        URL = "url", "Fetched from an address by the import_prices command"

    COMMAND_LABEL = "by the command"
    # How the review-decision log names withdrawing everything an import wrote.
    decision_labels = {"withdrew": "Withdrew a price"}

    file_name = models.CharField(max_length=500, help_text="File name, path or address as given.")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices)
    rows_total = models.PositiveIntegerField("rows")
    rows_new = models.PositiveIntegerField("new estimates")
    rows_unchanged = models.PositiveIntegerField("already recorded")
    summary = models.TextField(blank=True, help_text="What the importer noted, e.g. rows skipped in a NADAC file.")
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
        help_text=f"The editor's user name, or '{COMMAND_LABEL}' for the import_prices command.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="price_import_sha256_hex"),
            models.CheckConstraint(condition=Q(format__in=["csv", "json", "nadac"]), name="price_import_format_valid"),
            models.CheckConstraint(
                condition=Q(source_kind__in=["upload", "command", "url"]), name="price_import_source_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(rows_total=models.F("rows_new") + models.F("rows_unchanged")),
                name="price_import_rows_add_up",
            ),
            models.CheckConstraint(condition=Q(rows_new__gt=0), name="price_import_wrote_something"),
        ]

    def __str__(self):
        return f"Price import #{self.pk}: {self.file_name} ({self.created_at:%d %b %Y %H:%M})"


_DIGITS = re.compile(r"[0-9]+")


def normalise_ndc(value):
    """An NDC as the 11 digits NADAC uses, or None if it cannot be one.

    Accepts the 11-digit form ('00002143380'), the same with leading zeros lost
    by a spreadsheet ('2143380'), and the hyphenated 5-4-2, 4-4-2, 5-3-2 and
    5-4-1 forms printed on packs ('0002-1433-80' becomes '00002143380')."""
    text = str(value).strip()
    if "-" in text:
        parts = text.split("-")
        widths = (5, 4, 2)
        if len(parts) != 3 or not all(_DIGITS.fullmatch(part) and len(part) <= width for part, width in zip(parts, widths)):
            return None
        return "".join(part.zfill(width) for part, width in zip(parts, widths))
    if not _DIGITS.fullmatch(text) or len(text) > 11:
        return None
    return text.zfill(11)


class NdcMapping(models.Model):
    """Ties one National Drug Code to a therapy, with how many of its pricing
    units (tablets, mL, each...) a year of treatment takes, so a NADAC price per
    unit becomes an annual cost."""

    therapy = models.ForeignKey(Therapy, on_delete=models.PROTECT, related_name="ndc_mappings")
    ndc = models.CharField(
        "NDC",
        max_length=11,
        unique=True,
        help_text="11 digits as in the NADAC file, e.g. 00002143380 (0002-1433-80 is accepted and converted).",
    )
    units_per_year = models.DecimalField(
        "units a year",
        max_digits=12,
        decimal_places=4,
        help_text="Pricing units (as in NADAC's 'Pricing Unit' column) for one year of treatment, e.g. 365 tablets.",
    )
    note = models.TextField(blank=True, help_text="e.g. the pack, strength and dosing the units are based on.")

    class Meta:
        verbose_name = "NDC mapping"
        ordering = ["therapy__generic_name", "ndc"]
        constraints = [
            models.CheckConstraint(condition=Q(ndc__regex=r"^[0-9]{11}$"), name="ndc_mapping_ndc_11_digits"),
            models.CheckConstraint(condition=Q(units_per_year__gt=0), name="ndc_mapping_units_positive"),
        ]

    def __str__(self):
        return f"{self.ndc_display} → {self.therapy}"

    @property
    def ndc_display(self):
        return f"{self.ndc[:5]}-{self.ndc[5:9]}-{self.ndc[9:]}" if len(self.ndc) == 11 else self.ndc

    def clean(self):
        if self.ndc:
            normalised = normalise_ndc(self.ndc)
            if normalised is None:
                raise ValidationError({"ndc": "An NDC is 11 digits (or 10 digits in a hyphenated 4-4-2, 5-3-2 or 5-4-1 form)."})
            self.ndc = normalised
        if self.units_per_year is not None and self.units_per_year <= 0:
            raise ValidationError({"units_per_year": "Units a year must be more than zero."})
