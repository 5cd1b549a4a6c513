"""Cost estimates: a year's figure of one kind for a medicine (or, as dated
history, a range published for a whole group), as of a date, with its source."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as date_format

from simple_history.models import HistoricalRecords

from editorial.models import add_months
from prices.currencies import is_known_currency
from prices.models.kinds import PriceKind
from therapies.models import Category, Therapy

CENT = Decimal("0.01")


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


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class CostEstimate(models.Model):
    """An annual cost range for one category or one therapy, as of a date, of
    one kind (US list price, Medicare payment limit...), in that kind's
    country's currency. A figure worked out from a price per unit keeps the
    unit price and the units a year, so readers see the arithmetic.

    A group's current range is never typed: pages derive it from its
    medicines' figures. A category's estimates are the ranges published
    before (the seed article's), shown as dated history.

    Estimates are never overwritten or deleted: a new price is a new row, so
    the history stays, and the active row with the newest as-of date is the
    current one. A wrong figure is withdrawn (with who, when and why) or
    replaced by a correction that points to it; either way it leaves every
    public page and stays in the admin's history."""

    State = EstimateState
    Precision = DatePrecision

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
    kind = models.ForeignKey(
        PriceKind,
        on_delete=models.PROTECT,
        related_name="estimates",
        help_text="What the figure is (and so its country). Figures of different kinds are never put together.",
    )
    currency = models.CharField(
        max_length=3, default="USD", help_text="ISO 4217 code, e.g. USD, GBP: the currency of the kind's country."
    )
    as_of = models.DateField("as of", help_text="The date the figures were true.")
    as_of_precision = models.CharField(
        "as-of date known to the",
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="When the source gives only a month or a year, pages show only that (the date is its first day).",
    )
    unit_price = models.DecimalField(
        "price per unit", max_digits=14, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="When the source prices a unit (per mg, per vial): the year's figure is this times the units a year.",
    )
    unit = models.CharField(max_length=40, blank=True, help_text="The unit priced, singular: 'mg', '300 mg vial'.")
    units_per_year = models.DecimalField(
        "units a year", max_digits=12, decimal_places=4, null=True, blank=True,
        help_text="From the product's dosing, copied when the figure is recorded.",
    )
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
    # A figure typed in the admin that the review flagged (large change,
    # implausible amount) is saved only once its editor confirms it; what they
    # confirmed, in the words they were shown, is kept with who confirmed it.
    flags_confirmed = models.TextField(
        "warnings confirmed", blank=True, editable=False,
        help_text="The checks' warnings the editor confirmed when recording this figure.",
    )
    flags_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

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
            models.CheckConstraint(
                condition=(Q(unit_price__isnull=True) & Q(units_per_year__isnull=True) & Q(unit=""))
                | (Q(unit_price__isnull=False) & Q(units_per_year__gt=0) & ~Q(unit="")),
                name="cost_estimate_unit_price_whole",
            ),
            models.CheckConstraint(
                condition=Q(as_of_precision__in=["day", "month", "year"]), name="cost_estimate_precision_valid"
            ),
            # One estimate in use per subject, product, kind, currency and
            # date; a withdrawn or replaced one leaves room for its successor.
            models.UniqueConstraint(
                fields=["category", "product", "kind", "currency", "as_of"],
                condition=Q(category__isnull=False, state="active"),
                name="cost_estimate_unique_category_currency_date",
                violation_error_message="This group already has an estimate of this kind for this product and date.",
            ),
            models.UniqueConstraint(
                fields=["therapy", "product", "kind", "currency", "as_of"],
                condition=Q(therapy__isnull=False, state="active"),
                name="cost_estimate_unique_therapy_currency_date",
                violation_error_message="This medicine already has an estimate of this kind for this product and date.",
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
            # A medicine's products (brand, generic) of each kind and each
            # one's newest estimate, found without reading its whole history.
            models.Index(
                fields=["therapy", "kind", "product", "-as_of", "-recorded_at", "-id"],
                name="cost_estimate_therapy_kind",
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

    def clean_fields(self, exclude=None):
        self.fill_in_kind()
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        self.fill_in_kind()
        if self.unit_price is not None or self.units_per_year is not None or self.unit:
            if self.unit_price is None or not self.units_per_year or not self.unit:
                errors["unit_price"] = "A price per unit needs its unit and the units a year (from the product's dosing)."
            else:
                self.low = self.high = self.year_from_units()
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
        if self.kind_id and self.currency and "currency" not in errors and self.currency != self.kind.currency:
            errors["currency"] = f"{self.kind} figures are in {self.kind.currency}, not {self.currency}."
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # The uniqueness rules depend on the state and the product, which are
        # set on the row even where a form does not show them.
        super().validate_constraints(exclude=set(exclude or ()) - {"state", "product"})

    def save(self, *args, **kwargs):
        self.fill_in_kind()
        super().save(*args, **kwargs)

    def fill_in_kind(self):
        """An estimate given without a kind is its currency's main kind (USD: US
        list price), as every figure was before kinds were recorded."""
        if self.kind_id is None and self.currency:
            kind = main_kind_for_currency(self.currency)
            if kind is not None:
                self.kind = kind

    @property
    def as_of_text(self):
        """The as-of date as precisely as the source gives it: 1 July 2026,
        February 2025, or 2019 (the date is then that month's or year's first day)."""
        shape = {DatePrecision.YEAR: "Y", DatePrecision.MONTH: "F Y"}.get(self.as_of_precision, "j F Y")
        return date_format(self.as_of, shape)

    def year_from_units(self):
        return (self.unit_price * self.units_per_year).quantize(CENT, rounding=ROUND_HALF_UP)

    def is_stale(self, today=None):
        return self.as_of < staleness_cutoff(today)


def main_kind_for_currency(currency):
    """The first kind of the first country using `currency`, or None."""
    return (
        PriceKind.objects.select_related("country").filter(country__currency=currency.strip().upper())
        .order_by("country__position", "position", "id").first()
    )


def staleness_cutoff(today=None):
    """The earliest as-of date that still counts as current."""
    return add_months(today or timezone.localdate(), -settings.PRICE_STALENESS_MONTHS)


def current_estimate(estimates):
    """The current estimate from already-fetched estimates, or None.

    Takes a list so callers can prefetch the history once and derive both the
    current price and the history from it without another query."""
    return max(estimates, key=lambda e: (e.as_of, e.recorded_at, e.id), default=None)


