"""The shapes that flow through the import: raw rows, problems, the report."""

from collections import Counter
from dataclasses import dataclass, field

# The documented columns, in order. The first seven are required. `kind` is
# what the row prices (category or therapy); `price_kind` what kind of figure
# it is (a PriceKind slug such as us-list; empty: its currency's main kind).
COLUMNS = ("kind", "slug", "low", "high", "currency", "as_of", "source", "source_url", "note", "product", "price_kind")
REQUIRED_COLUMNS = COLUMNS[:7]
OPTIONAL_COLUMNS = COLUMNS[7:]

# A file's whole-file problems (empty, not UTF-8...) are reported "where" this says.
WHOLE_FILE = "file"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the file. `where` is 'line 7' (CSV, as a spreadsheet
    numbers rows: the header is line 1), 'item 3' (JSON, the index in the list,
    counting from 0) or 'file'."""

    where: str
    column: str | None
    message: str

    def __str__(self):
        column = f", column '{self.column}'" if self.column else ""
        return f"{self.where}{column}: {self.message}"


@dataclass(slots=True)
class RawRow:
    """One row as a parser found it: every documented column as stripped text
    ('' when empty or absent), not yet checked."""

    where: str
    values: dict


@dataclass(frozen=True, slots=True)
class UnitFigure:
    """A year's figure worked out from one mapped code's price per unit (a
    NADAC file's NDC, an ASP file's HCPCS code), with the line it came from
    and the working, for the estimate's note."""

    line: int
    annual: object  # Decimal, to the cent
    working: str


def yearly_range_row(figures, *, slug, note, **values):
    """The RawRow of one medicine (or product) priced by several codes: the
    lowest and highest of their yearly figures, each code's working in the
    note after `note`. `values` gives the row's other columns."""
    figures = sorted(figures, key=lambda figure: figure.line)
    amounts = [figure.annual for figure in figures]
    lines = ", ".join(str(figure.line) for figure in figures)
    return RawRow(
        ("lines " if len(figures) > 1 else "line ") + lines,
        {
            "kind": "therapy",
            "slug": slug,
            "low": str(min(amounts)),
            "high": str(max(amounts)),
            "currency": "USD",
            **values,
            "note": note + "; ".join(figure.working for figure in figures) + ".",
        },
    )


@dataclass(frozen=True, slots=True)
class Conflict:
    """A row for a subject, product, currency and date that already has an
    estimate with different amounts. Estimates are history and are never
    overwritten. `subject` names the product too, when the row names one."""

    where: str
    subject: str
    currency: str
    as_of: object
    existing_id: int
    existing_low: object
    existing_high: object
    low: object
    high: object

    def __str__(self):
        return (
            f"{self.where}: conflict: {self.subject} already has a {self.currency} estimate as of "
            f"{self.as_of:%Y-%m-%d} of {self.existing_low:,.2f}–{self.existing_high:,.2f} "
            f"(estimate #{self.existing_id}); the file says {self.low:,.2f}–{self.high:,.2f}. "
            "Recorded estimates are never overwritten: correct the file, or give the new price its own as-of date."
        )


@dataclass
class Report:
    """What a file would do (preview) or did (apply)."""

    file_name: str
    format: str
    sha256: str = ""
    rows_total: int = 0
    rows_new: int = 0
    rows_unchanged: int = 0
    problems: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    # (kind, slug) -> Counter(new=..., unchanged=..., conflicting=...)
    subjects: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    applied: bool = False
    price_import: object = None
    # The rows next to the current figures, with flags (pricing.review.PriceReview).
    review: object = None
    # True when apply() wrote nothing because flagged rows were not confirmed.
    held_for_confirmation: bool = False
    # For a file whose figures apply only from a later date (an ASP file published before its quarter).
    takes_effect: object = None

    @property
    def ok(self):
        return not self.problems and not self.conflicts

    @property
    def rows_flagged(self):
        return self.review.rows_flagged if self.review is not None else 0

    @property
    def needs_confirmation(self):
        """A valid file with new rows that are flagged (large change, implausible amount)."""
        return self.can_apply and self.rows_flagged > 0

    @property
    def can_apply(self):
        return self.ok and self.rows_new > 0

    @property
    def rows_conflicting(self):
        return len(self.conflicts)

    def count(self, kind, slug, outcome):
        counts = self.subjects.get((kind, slug))
        if counts is None:  # not setdefault: that would build a Counter for every row
            counts = self.subjects[kind, slug] = Counter()
        counts[outcome] += 1

    def subject_lines(self):
        """(kind, slug, new, unchanged, conflicting), sorted by kind then slug."""
        for (kind, slug), counts in sorted(self.subjects.items()):
            yield kind, slug, counts["new"], counts["unchanged"], counts["conflicting"]

    def summary(self):
        text = (
            f"{self.rows_total} estimate rows: {self.rows_new} new, {self.rows_unchanged} already recorded, "
            f"{self.rows_conflicting} conflicting"
        )
        if self.problems:
            text += f"; {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        return text + "."
