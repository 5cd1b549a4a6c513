"""Reviewing a price file's figures before they go live.

Every checked row is compared with the current estimate in use for the same
subject, product, kind of figure and currency (the active one with the newest
as-of date); a row for a medicine as a whole (no product), when the medicine
has no whole-medicine figure of that kind, is compared with its products'
current figures of that kind taken together (lowest low to highest high), so
a fingolimod row at 7,000 is set against Gilenya's 105,390, not against
nothing. A row is flagged when

    large change         its low or its high differs from the current low or
                         high by more than PRICE_CHANGE_THRESHOLD_PERCENT (up
                         or down; low and high are compared separately, so a
                         typo in either one shows)
    implausible amount   its low is below PRICE_PLAUSIBLE_MIN or its high is
                         above PRICE_PLAUSIBLE_MAX (a year, in the row's own
                         currency)

Only rows the import would write (new rows) are flagged: a row already recorded
changes nothing, and a conflicting row stops the file anyway.

A figure typed in the admin (a new estimate or a correction) goes through the
same rules: review_estimate() below, used by prices/admin/checks.py.

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
    """The estimate in use that a row is compared with. For a whole-medicine
    row compared with the medicine's products, `products` names them (and
    `id` and `as_of` are the newest of their estimates)."""

    id: int
    low: Decimal
    high: Decimal
    as_of: object
    products: tuple = ()

    @property
    def products_text(self):
        return f"products: {', '.join(self.products)}" if self.products else ""


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
    def current_note(self):
        """'as of 2024-06-01', with the products compared when there are some."""
        if not self.current:
            return ""
        products = f"; {self.current.products_text}" if self.current.products else ""
        return f"as of {self.current.as_of:%Y-%m-%d}{products}"

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
            f"now {self.currency} {self.current_amounts} ({self.current_note}); "
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


def current_estimates(rows, exclude_ids=()):
    """The estimate in use for each subject, product and currency of `rows`
    (newest by as-of date, then recorded time, then id), in one query:
    (kind, subject_id, product, price kind id, currency) -> Current.
    `exclude_ids`: estimates not to compare with (the one a correction replaces)."""
    subjects = subjects_of(rows)
    if subjects is None:
        return {}
    newest = (
        CostEstimate.objects.active()
        .filter(subjects, currency__in={row.currency for row in rows})
        .exclude(pk__in=exclude_ids)
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
    current = {
        ("therapy" if therapy_id else "category", therapy_id or category_id, product, kind_id, currency): Current(
            pk, low, high, as_of
        )
        for therapy_id, category_id, product, kind_id, currency, pk, low, high, as_of in newest
    }
    return with_whole_medicine_figures(current)


def with_whole_medicine_figures(current):
    """`current`, plus, for each subject, kind and currency with product
    figures but no whole-medicine one, a whole-medicine entry spanning its
    products' current figures (lowest low to highest high, one kind only).
    Without it a whole-medicine row had nothing to be compared with, and a
    fingolimod row at 7,000 went through beside Gilenya's 105,390 unflagged."""
    by_subject = {}
    for (kind, subject_id, product, kind_id, currency), now in current.items():
        if product:
            by_subject.setdefault((kind, subject_id, "", kind_id, currency), []).append((product, now))
    for key, products in by_subject.items():
        if key in current:
            continue
        newest = max((now for _product, now in products), key=lambda now: (now.as_of, now.id))
        current[key] = Current(
            newest.id,
            min(now.low for _product, now in products),
            max(now.high for _product, now in products),
            newest.as_of,
            tuple(sorted(product for product, _now in products)),
        )
    return current


def row_key(row):
    return (row.kind, row.subject_id, getattr(row, "product", ""), getattr(row, "price_kind_id", None), row.currency)


def review_rows(rows, outcomes, current, rules):
    """Per-row comparisons and flags for checked rows (EstimateRows).
    `outcomes` gives each row's "new"/"unchanged"/"conflicting" in the same
    order; `current` is what current_estimates() returned for them."""
    reviewed = []
    for row, outcome in zip(rows, outcomes):
        now = current.get(row_key(row))
        reviewed.append(row_review(row, outcome, now, *compare(row, outcome, now, rules)))
    return reviewed


def compare(row, outcome, now, rules):
    """(low change, high change, flags) of a checked row against `now`, the
    Current it is compared with (or None)."""
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
    return low_change, high_change, tuple(flags)


def row_review(row, outcome, now, low_change, high_change, flags):
    return RowReview(
        row.where, row.kind, row.slug, getattr(row, "product", ""), row.currency, row.low, row.high,
        row.as_of, outcome, now, low_change, high_change, flags,
    )


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
        # A RowReview is made only for a row the listing keeps: most rows of
        # a long file are only counted.
        for row, outcome in zip(rows, outcomes):
            now = self._current.get(row_key(row))
            low_change, high_change, flags = compare(row, outcome, now, self.rules)
            self.rows_reviewed += 1
            if flags:
                self.rows_flagged += 1
                for flag in flags:
                    self.flag_counts[flag] += 1
                if len(self.flagged) < self.flagged_listed:
                    self.flagged.append(row_review(row, outcome, now, low_change, high_change, flags))
            elif len(self.others) < self.others_listed:
                self.others.append(row_review(row, outcome, now, low_change, high_change, flags))

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
