"""CMS's weekly NADAC file (National Average Drug Acquisition Cost) as estimates.

The file has a row per NDC and effective date, tens of thousands of rows, most
for drugs this site does not cover. It is streamed; only rows whose NDC an
editor mapped to a therapy (NdcMapping) are kept. For each mapped therapy one
annual estimate comes out:

    annual cost of an NDC = NADAC per unit × the mapping's units a year
    low, high             = the lowest and highest annual cost across the
                            therapy's mapped NDCs found in the file
    as_of                 = the newest Effective Date among the rows used
    currency USD, source "NADAC (CMS)", a note listing the NDCs and sums used.

When an NDC appears with several effective dates, its newest row is used.
Rows for unmapped NDCs are counted and skipped without being checked (they
are other drugs). A mapped row with a bad price or date is a problem with its
line number, and the whole file is refused.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from prices.models import NdcMapping, normalise_ndc
from prices.pricing.csv_format import SEMICOLONS, csv_records, first_record, header_key, header_positions, uses_semicolons
from prices.pricing.rows import WHOLE_FILE, Problem, UnitFigure, yearly_range_row

SOURCE_NAME = "NADAC (CMS)"
SOURCE_URL = "https://data.medicaid.gov/"
CENT = Decimal("0.01")
_PRICE = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")
_US_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")

# Column names as CMS writes them (matched ignoring case and surrounding spaces).
NDC, PRICE, EFFECTIVE, UNIT = "NDC", "NADAC Per Unit", "Effective Date", "Pricing Unit"
NADAC_COLUMNS = (
    "NDC Description",
    NDC,
    PRICE,
    EFFECTIVE,
    UNIT,
    "Pharmacy Type Indicator",
    "OTC",
    "Explanation Code",
    "Classification for Rate Setting",
    "Corresponding Generic Drug NADAC Per Unit",
    "Corresponding Generic Drug Effective Date",
    "As of Date",
)
NADAC_REQUIRED = (NDC, PRICE, EFFECTIVE)


def parse_nadac_date(text):
    """MM/DD/YYYY as in CMS's file (YYYY-MM-DD, as its API gives, also accepted)."""
    text = text.strip()
    try:
        if match := _US_DATE.fullmatch(text):
            month, day, year = map(int, match.groups())
            return datetime.date(year, month, day)
        if match := _ISO_DATE.fullmatch(text):
            return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None
    return None


def load_mappings():
    """NDC -> (therapy slug, units a year), one query."""
    return {
        ndc: (slug, units)
        for ndc, slug, units in NdcMapping.objects.values_list("ndc", "therapy__slug", "units_per_year")
    }


class NadacParser:
    format = "nadac"

    def __init__(self, stream, mappings=None, today=None):
        self.stream = stream
        self.mappings = load_mappings() if mappings is None else mappings
        self.today = today or timezone.localdate()
        self.notes = []

    def __iter__(self):
        records = csv_records(self.stream)
        header = first_record(records)
        if isinstance(header, Problem):
            yield header
            return
        header_line, cells = header
        known = {name.lower(): name for name in NADAC_COLUMNS}
        positions, problems = header_positions([header_key(cell) for cell in cells], known, NADAC_REQUIRED, f"line {header_line}")
        # CMS adds columns now and then: unknown ones are fine, missing needed ones are not.
        problems = [problem for problem in problems if problem.message == "missing column." or "twice" in problem.message]
        if problems:
            yield from [Problem(f"line {header_line}", None, SEMICOLONS)] if uses_semicolons(cells, known) else problems
            return

        rows_read = unmapped = superseded = 0
        newest = {}  # ndc -> (effective date, price per unit, line, pricing unit)
        for item in records:
            if isinstance(item, Problem):
                yield item
                return
            line, cells = item
            rows_read += 1
            ndc = normalise_ndc(cells[positions[NDC]]) if positions[NDC] < len(cells) else None
            if ndc not in self.mappings:
                unmapped += 1
                continue
            row = yield from self._mapped_row(line, cells, positions)
            if row is None:
                continue
            previous = newest.get(ndc)
            if previous is None or row[0] > previous[0]:
                superseded += previous is not None
                newest[ndc] = row
            elif row[0] < previous[0]:
                superseded += 1
            elif row[1] != previous[1]:
                yield Problem(
                    f"line {line}", PRICE,
                    f"NDC {ndc} has two prices for effective date {row[0]:%m/%d/%Y} "
                    f"({previous[1]} on line {previous[2]} and {row[1]}); which one holds is unclear.",
                )
            else:
                superseded += 1  # the same price repeated

        if rows_read == 0:
            yield Problem(WHOLE_FILE, None, "the file has a header but no rows.")
            return
        self.notes.append(
            f"{rows_read} NADAC rows read: {rows_read - unmapped} for mapped NDCs "
            f"({len(newest)} NDCs used, {superseded} older or repeated rows passed over), {unmapped} unmapped rows skipped."
        )
        yield from self._estimates(newest)

    def _mapped_row(self, line, cells, positions):
        def cell(name):
            index = positions.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        where = f"line {line}"
        price_text, date_text = cell(PRICE), cell(EFFECTIVE)
        price = None
        if not _PRICE.fullmatch(price_text):
            yield Problem(where, PRICE, f"'{price_text}' is not a price per unit (a plain number such as 0.24523).")
        else:
            try:
                price = Decimal(price_text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
                price = None
            if price is not None and price <= 0:
                yield Problem(where, PRICE, "the price per unit must be more than zero.")
                price = None
        effective = parse_nadac_date(date_text)
        if effective is None:
            yield Problem(where, EFFECTIVE, f"'{date_text}' is not a date (MM/DD/YYYY).")
        elif effective > self.today:
            yield Problem(where, EFFECTIVE, f"{effective:%m/%d/%Y} is in the future.")
            effective = None
        if price is None or effective is None:
            return None
        return effective, price, line, cell(UNIT)

    def _estimates(self, newest):
        by_therapy = {}
        for ndc, (effective, price, line, unit) in newest.items():
            slug, units = self.mappings[ndc]
            annual = (price * units).quantize(CENT, rounding=ROUND_HALF_UP)
            working = (
                f"NDC {ndc[:5]}-{ndc[5:9]}-{ndc[9:]}: ${price} per {unit or 'unit'} × {units.normalize():f} "
                f"= ${annual:,.2f} a year (effective {effective:%Y-%m-%d})"
            )
            by_therapy.setdefault(slug, []).append((effective, UnitFigure(line, annual, working)))
        for slug, used in sorted(by_therapy.items()):
            yield yearly_range_row(
                [figure for _, figure in used],
                slug=slug,
                note="Annual cost from NADAC per unit × units a year. ",
                price_kind="us-nadac",
                as_of=max(effective for effective, _ in used).isoformat(),
                source=SOURCE_NAME,
                source_url=SOURCE_URL,
            )
