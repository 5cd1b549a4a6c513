"""Reviewing a price file's figures before they go live.

Every checked row is compared with the current estimate in use for the same
subject, product and currency (the active one with the newest as-of date), and
flagged when

    large change         its low or its high differs from the current low or
                         high by more than PRICE_CHANGE_THRESHOLD_PERCENT (up
                         or down; low and high are compared separately, so a
                         typo in either one shows)
    implausible amount   its low is below PRICE_PLAUSIBLE_MIN or its high is
                         above PRICE_PLAUSIBLE_MAX (a year, in the row's own
                         currency)

Only rows the import would write (new rows) are flagged: a row already recorded
changes nothing, and a conflicting row stops the file anyway.

A file can have hundreds of thousands of rows, so PriceReview keeps every count
but only a bounded listing: flagged rows first (up to FLAGGED_LISTED), then the
first OTHERS_LISTED other rows. Current estimates are fetched once per subject and
currency, a chunk of rows at a time, never once per row."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from prices.models import CostEstimate
from prices.pricing.validation import subjects_of

LARGE_CHANGE = "large change"
IMPLAUSIBLE = "implausible amount"
OTHERS_LISTED = 200
FLAGGED_LISTED = 1000
_HUNDRED = Decimal(100)
_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Current:
    """The estimate in use that a row is compared with."""

    id: int
    low: Decimal
    high: Decimal
    as_of: object


@dataclass(frozen=True, slots=True)
class RowReview:
    """One row of the file next to the current figure, with its flags.
    `low_change` and `high_change` are percentages (None without a current
    estimate; None too when the current amount is 0 and the new one is not,
    which is an unbounded change and counts as large)."""

    where: str
    kind: str
    slug: str
    product: str
    currency: str
    low: Decimal
    high: Decimal
    as_of: object
    outcome: str  # "new", "unchanged" or "conflicting"
    current: Current | None
    low_change: Decimal | None
    high_change: Decimal | None
    flags: tuple

    @property
    def amounts(self):
        return f"{self.low:,.2f}–{self.high:,.2f}"

    @property
    def current_amounts(self):
        return f"{self.current.low:,.2f}–{self.current.high:,.2f}" if self.current else ""

    @property
    def low_change_text(self):
        return percent(self.low_change, self.current.low) if self.current else "—"

    @property
    def high_change_text(self):
        return percent(self.high_change, self.current.high) if self.current else "—"

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[self.outcome]

    @property
    def subject_label(self):
        product = f" ({self.product})" if self.product else ""
        return f"{self.kind} '{self.slug}'{product}"

    def __str__(self):
        current = (
            f"now {self.currency} {self.current_amounts} (as of {self.current.as_of:%Y-%m-%d}); "
            f"change: low {self.low_change_text}, high {self.high_change_text}"
            if self.current
            else "no current estimate"
        )
        flags = f" [{', '.join(self.flags)}]" if self.flags else ""
        return (
            f"{self.where}: {self.subject_label} {self.currency} {self.amounts} "
            f"as of {self.as_of:%Y-%m-%d} ({self.outcome_label}); {current}{flags}"
        )


OUTCOME_LABELS = {"new": "new", "unchanged": "already recorded", "conflicting": "conflicting"}


def percent(change, current_amount=None):
    """'+900.0%', '−90.0%', '0.0%', or 'from 0' when the current amount is 0."""
    if change is None:
        return "from 0" if current_amount == 0 else "—"
    if change > 0:
        return f"+{change}%"
    if change < 0:
        return f"−{-change}%"
    return f"{change}%"


class Rules:
    """The thresholds, read from the settings once per review."""

    def __init__(self, threshold=None, plausible_min=None, plausible_max=None):
        self.threshold = Decimal(str(settings.PRICE_CHANGE_THRESHOLD_PERCENT if threshold is None else threshold))
        self.plausible_min = Decimal(str(settings.PRICE_PLAUSIBLE_MIN if plausible_min is None else plausible_min))
        self.plausible_max = Decimal(str(settings.PRICE_PLAUSIBLE_MAX if plausible_max is None else plausible_max))

    def is_large(self, change, new_amount, current_amount):
        if change is None:  # from 0 to something
            return new_amount != current_amount
        return abs(change) > self.threshold

    def is_implausible(self, low, high):
        return low < self.plausible_min or high > self.plausible_max


def change_percent(new, current):
    if current == 0:
        return Decimal(0) if new == 0 else None
    return ((new - current) * _HUNDRED / current).quantize(_TENTH)


def current_estimates(rows):
    """The estimate in use for each subject, product and currency of `rows`
    (newest by as-of date, then recorded time, then id), in one query:
    (kind, subject_id, product, price kind id, currency) -> Current."""
    subjects = subjects_of(rows)
    if subjects is None:
        return {}
    newest = (
        CostEstimate.objects.active()
        .filter(subjects, currency__in={row.currency for row in rows})
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("therapy_id"), F("category_id"), F("product"), F("kind_id"), F("currency")],
                order_by=[F("as_of").desc(), F("recorded_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values_list("therapy_id", "category_id", "product", "kind_id", "currency", "id", "low", "high", "as_of")
        .order_by()
    )
    return {
        ("therapy" if therapy_id else "category", therapy_id or category_id, product, kind_id, currency): Current(
            pk, low, high, as_of
        )
        for therapy_id, category_id, product, kind_id, currency, pk, low, high, as_of in newest
    }


def row_key(row):
    return (row.kind, row.subject_id, getattr(row, "product", ""), getattr(row, "price_kind_id", None), row.currency)


def review_rows(rows, outcomes, current, rules):
    """Per-row comparisons and flags for checked rows (EstimateRows).
    `outcomes` gives each row's "new"/"unchanged"/"conflicting" in the same
    order; `current` is what current_estimates() returned for them."""
    reviewed = []
    for row, outcome in zip(rows, outcomes):
        now = current.get(row_key(row))
        low_change = high_change = None
        flags = []
        if now is not None:
            low_change, high_change = change_percent(row.low, now.low), change_percent(row.high, now.high)
        if outcome == "new":
            if now is not None and (
                rules.is_large(low_change, row.low, now.low) or rules.is_large(high_change, row.high, now.high)
            ):
                flags.append(LARGE_CHANGE)
            if rules.is_implausible(row.low, row.high):
                flags.append(IMPLAUSIBLE)
        reviewed.append(
            RowReview(
                row.where, row.kind, row.slug, getattr(row, "product", ""), row.currency, row.low, row.high,
                row.as_of, outcome, now, low_change, high_change, tuple(flags),
            )
        )
    return reviewed


class PriceReview:
    """The review of a whole file, built a chunk of rows at a time."""

    def __init__(self, rules=None, others_listed=OTHERS_LISTED, flagged_listed=FLAGGED_LISTED):
        self.rules = rules or Rules()
        self.others_listed = others_listed
        self.flagged_listed = flagged_listed
        self.rows_reviewed = 0
        self.rows_flagged = 0
        self.flag_counts = {LARGE_CHANGE: 0, IMPLAUSIBLE: 0}
        self.flagged = []
        self.others = []
        self._current = {}
        self._fetched = set()  # (kind, subject_id, currency) already looked up

    def add(self, rows, outcomes):
        missing = [row for row in rows if (row.kind, row.subject_id, row.currency) not in self._fetched]
        if missing:
            self._current.update(current_estimates(missing))
            self._fetched.update((row.kind, row.subject_id, row.currency) for row in missing)
        for reviewed in review_rows(rows, outcomes, self._current, self.rules):
            self.rows_reviewed += 1
            if reviewed.flags:
                self.rows_flagged += 1
                for flag in reviewed.flags:
                    self.flag_counts[flag] += 1
                if len(self.flagged) < self.flagged_listed:
                    self.flagged.append(reviewed)
            elif len(self.others) < self.others_listed:
                self.others.append(reviewed)

    @property
    def listing(self):
        """Flagged rows first, then the other rows kept."""
        return self.flagged + self.others

    @property
    def rows_not_listed(self):
        return self.rows_reviewed - len(self.flagged) - len(self.others)

    @property
    def flagged_not_listed(self):
        return self.rows_flagged - len(self.flagged)

    def flag_summary(self):
        """'3 rows flagged (2 large changes, 1 implausible amount)'."""
        parts = [f"{count} {flag}{'s' if count != 1 else ''}" for flag, count in self.flag_counts.items() if count]
        rows = f"{self.rows_flagged} row{'s' if self.rows_flagged != 1 else ''} flagged"
        return f"{rows} ({', '.join(parts)})" if parts else rows
