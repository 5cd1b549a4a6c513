"""CMS's quarterly ASP pricing file (Medicare Part B payment limits) as estimates.

The file is a CSV, often inside a ZIP with other files (pricing.zipped picks
the CSV and guards against ZIP bombs). A few title and note lines come before
the header row, which is found by its column names (HCPCS Code, HCPCS Code
Dosage, Payment Limit) within the first HEADER_SEARCH_LINES lines. CMS writes
these files in Windows-1252 as often as in UTF-8: both are read.

Only rows whose HCPCS code an editor mapped (HcpcsMapping) are used; the
others, thousands of other drugs, are counted and skipped unchecked. For each
mapped therapy and product one estimate comes out:

    a year's figure = payment limit per billing unit × the mapping's units a
                      year (low and high: the lowest and highest across the
                      product's mapped codes in the file)
    kind            us-medicare-b (US Medicare Part B payment limit), USD
    as_of           the first day of the file's quarter
    source          "CMS ASP pricing file, Q3 2026 (J2350)"

The quarter is read from the title lines and the file's name (and, in a ZIP,
the CSV's name). In the title lines an "Effective July 1, 2026 ..." phrase
decides; without one, any month and year ("July 2026") or quarter ("Q3 2026")
counts. Every mention, wherever it is, must fall in one and the same quarter,
else the file is refused, as it is when nothing names a quarter, or when the
quarter has not started yet.

A mapped row whose billing unit differs from its mapping's, or whose payment
limit is not a number above zero, is a problem: the whole file is refused. A
mapped code missing from the file, or listed without a payment limit, is a
warning in the report's notes: its product gets no figure from this file.
"""

import csv
import datetime
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.utils import timezone

from prices.models import HcpcsMapping, normalise_dosage, normalise_hcpcs
from prices.pricing.csv_format import header_key
from prices.pricing.rows import WHOLE_FILE, Problem, UnitFigure, yearly_range_row
from prices.pricing.zipped import MAX_ZIP_BYTES, ZipRefused, csv_from_zip, is_zip, megabytes

SOURCE_URL = "https://www.cms.gov/medicare/payment/part-b-drugs/asp-pricing-files"
PRICE_KIND = "us-medicare-b"
HEADER_SEARCH_LINES = 50
CENT = Decimal("0.01")
_LIMIT = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")

# Column names as CMS writes them (compared as pricing.csv_format.header_key does).
CODE, DESCRIPTION, DOSAGE, LIMIT = "HCPCS Code", "Short Description", "HCPCS Code Dosage", "Payment Limit"
COLUMN_NAMES = {
    "hcpcs code": CODE,
    "short description": DESCRIPTION,
    "short descriptor": DESCRIPTION,
    "hcpcs code dosage": DOSAGE,
    "payment limit": LIMIT,
}
REQUIRED = (CODE, DOSAGE, LIMIT)
NO_HEADER = (
    f"no header row naming the columns {CODE}, {DOSAGE} and {LIMIT} in the first {HEADER_SEARCH_LINES} lines: "
    "this is not a CMS ASP pricing file. Check that the file or address is the right one."
)

_MONTH = (
    r"(?<![a-z])(january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|"
    r"september|sept|sep|october|oct|november|nov|december|dec)(?![a-z])"
)
_MONTH_YEAR = re.compile(_MONTH + r"\.?[\s_,\-]*(?:[0-9]{1,2}(?:st|nd|rd|th)?[\s_,\-]+)?((?:19|20)[0-9]{2})(?![0-9])", re.I)
_EFFECTIVE = re.compile(r"effective[\s:]+" + _MONTH_YEAR.pattern, re.I)
_QUARTER = re.compile(
    r"(?<![a-z0-9])q([1-4])[\s_\-]*((?:19|20)[0-9]{2})(?![0-9])|(?<![0-9])((?:19|20)[0-9]{2})[\s_\-]*q([1-4])(?![a-z0-9])",
    re.I,
)
_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}


def quarters_in(text, *, title=False):
    """The quarters (year, 1–4) a text names. In title lines an 'Effective
    <month> <day>, <year>' phrase, when there is one, is all that counts."""
    if title and (effective := _EFFECTIVE.findall(text)):
        return {(int(year), (_MONTHS[month.lower()] - 1) // 3 + 1) for month, year in effective}
    found = {(int(year), (_MONTHS[month.lower()] - 1) // 3 + 1) for month, year in _MONTH_YEAR.findall(text)}
    for quarter, year, year_first, quarter_last in _QUARTER.findall(text):
        found.add((int(year or year_first), int(quarter or quarter_last)))
    return found


def quarter_label(quarter):
    year, number = quarter
    return f"Q{number} {year}"


def quarter_start(quarter):
    year, number = quarter
    return datetime.date(year, 3 * (number - 1) + 1, 1)


def base_name(name):
    """The last part of a path or an address, as a person would read it."""
    path = unquote(urlsplit(name).path) if "://" in name else name
    return PurePosixPath(path.replace("\\", "/")).name


def decode(data):
    """Text from UTF-8 (with or without a byte-order mark) or, failing that,
    Windows-1252, in which CMS writes many of its files."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1")


def header_columns(cells):
    """{column: position} of the known columns in a record."""
    positions = {}
    for index, cell in enumerate(cells):
        name = COLUMN_NAMES.get(header_key(cell))
        if name is not None:
            positions.setdefault(name, index)
    return positions


def is_header(cells):
    positions = header_columns(cells)
    return CODE in positions and LIMIT in positions


def looks_like_asp(head):
    """Whether a file's first bytes hold an ASP pricing file's header row."""
    lines = decode(head).splitlines()[:HEADER_SEARCH_LINES]
    try:
        return any(is_header(cells) for cells in csv.reader(lines))
    except csv.Error:
        return False


def load_mappings():
    """HCPCS code -> (therapy slug, product, billing unit, units a year), one query."""
    return {
        code: (slug, product, normalise_dosage(unit), units)
        for code, slug, product, unit, units in HcpcsMapping.objects.values_list(
            "hcpcs", "therapy__slug", "product", "billing_unit", "units_per_year"
        )
    }


def printable(text, limit=60):
    text = "".join(char for char in text if char.isprintable()).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AspParser:
    format = "asp"

    def __init__(self, stream, mappings=None, today=None, name=None):
        self.stream = stream
        self.mappings = load_mappings() if mappings is None else mappings
        self.today = today or timezone.localdate()
        self.name = base_name(name if name is not None else getattr(stream, "name", "") or "")
        self.notes = []
        # The quarter's first day, when the file is for a quarter not yet begun (CMS publishes early).
        self.takes_effect = None

    def __iter__(self):
        data = self.stream.read(MAX_ZIP_BYTES + 1)
        if len(data) > MAX_ZIP_BYTES:
            yield Problem(WHOLE_FILE, None, f"the file is larger than {megabytes(MAX_ZIP_BYTES)}: an ASP pricing file is a few MB.")
            return
        if not data.strip():
            yield Problem(WHOLE_FILE, None, "the file is empty.")
            return
        names = [("file name", self.name)]
        if is_zip(data):
            try:
                member, data = csv_from_zip(data, looks_like_asp, "CMS ASP pricing file")
            except ZipRefused as refused:
                yield Problem(WHOLE_FILE, None, str(refused))
                return
            names.append(("CSV name in the ZIP", base_name(member)))
            self.notes.append(f"Read {printable(member, 120)} from the ZIP.")
        yield from self._rows(decode(data), names)

    def _rows(self, text, names):
        records = self._records(text)
        title = []
        for line, cells in records:
            if isinstance(cells, Problem):
                yield cells
                return
            if is_header(cells):
                break
            if line >= HEADER_SEARCH_LINES:
                yield Problem(WHOLE_FILE, None, NO_HEADER)
                return
            title.append(" ".join(cells))
        else:
            yield Problem(WHOLE_FILE, None, NO_HEADER)
            return
        header_line, positions = line, header_columns(cells)
        missing = [name for name in REQUIRED if name not in positions]
        if missing:
            yield from (Problem(f"line {header_line}", name, "missing column.") for name in missing)
            return
        quarter = yield from self._quarter(title, names)
        if quarter is None:
            return

        if not self.mappings:
            yield Problem(
                WHOLE_FILE, None,
                "no HCPCS codes are mapped to therapies yet, so nothing in this file can be used: map them first "
                "(admin: Prices › HCPCS mappings).",
            )
            return
        rows_read, unmapped, found, listed = 0, 0, {}, set()
        for line, cells in records:
            if isinstance(cells, Problem):
                yield cells
                return
            rows_read += 1
            code = normalise_hcpcs(self._cell(cells, positions, CODE))
            if code not in self.mappings:
                unmapped += 1
                continue
            listed.add(code)
            row = yield from self._mapped_row(line, code, cells, positions)
            if row is None:
                continue
            previous = found.get(code)
            if previous is None:
                found[code] = row
            elif previous[1:3] != row[1:3]:
                yield Problem(
                    f"line {line}", LIMIT,
                    f"{code} is listed twice with different figures (also on line {previous[0]}); which one holds is unclear.",
                )
        self.notes.append(
            f"{rows_read} ASP rows read for {quarter_label(quarter)} (as of {quarter_start(quarter):%Y-%m-%d}): "
            f"{len(found)} for mapped HCPCS codes, {unmapped} other codes skipped."
        )
        for code in sorted(set(self.mappings) - listed):
            slug, product = self.mappings[code][:2]
            self.notes.append(
                f"Warning: {code} ({product or slug}) is mapped but not in this file: it gets no figure from it. "
                "Check the code in the mapping against CMS's file."
            )
        if not rows_read:
            yield Problem(WHOLE_FILE, None, "the file has a header row but no rows.")
            return
        if not listed:
            yield Problem(WHOLE_FILE, None, f"none of the {len(self.mappings)} mapped HCPCS codes is in this file.")
            return
        yield from self._estimates(found, quarter)

    @staticmethod
    def _records(text):
        """(line number, cells) of each non-blank record, counting records as
        a spreadsheet numbers its rows; (line, Problem) if the rest cannot be read."""
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield number + 1, Problem(f"line {number + 1}", None, f"not valid CSV ({error}); the rest of the file was not read.")
                return
            number += 1
            if any(cell.strip() for cell in cells):
                yield number, cells

    @staticmethod
    def _cell(cells, positions, name):
        index = positions.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def _quarter(self, title, names):
        """The file's quarter, or None after yielding the problem that says why not."""
        places = [("title lines", quarters_in(" ".join(title), title=True))]
        places += [(where, quarters_in(name)) for where, name in names if name]
        every = set().union(*(found for _, found in places))
        if len(every) == 1:
            (quarter,) = every
            if quarter_start(quarter) > self.today:
                self.takes_effect = quarter_start(quarter)
                yield Problem(
                    WHOLE_FILE, None,
                    f"this file's payment limits take effect on {quarter_start(quarter):%Y-%m-%d} ({quarter_label(quarter)}), "
                    "after today: import it from that day on.",
                )
                return None
            return quarter
        if not every:
            yield Problem(
                WHOLE_FILE, None,
                "cannot tell which quarter this file is for: neither its title lines nor its file name give a month "
                "and year (such as 'Effective July 1, 2026' or 'July 2026 ASP Pricing File') or a quarter ('Q3 2026'). "
                "Rename the file to say its quarter, e.g. july-2026-asp-pricing-file.csv, and check it again.",
            )
            return None
        said = "; ".join(
            f"{where}: {', '.join(quarter_label(q) for q in sorted(found))}" for where, found in places if found
        )
        yield Problem(
            WHOLE_FILE, None,
            f"the file names more than one quarter ({said}), so the date its figures hold from is unclear: "
            "check that it is the file you meant, or rename it so that its name and its title agree.",
        )
        return None

    def _mapped_row(self, line, code, cells, positions):
        """(line, payment limit, billing unit, description), or None after its problems or warning."""
        where = f"line {line}"
        slug, product, unit, units = self.mappings[code]
        dosage = normalise_dosage(self._cell(cells, positions, DOSAGE))
        text = self._cell(cells, positions, LIMIT)
        if dosage != unit:
            yield Problem(
                where, DOSAGE,
                f"{code} is billed per '{printable(dosage, 40)}' in this file, but its HCPCS mapping counts units of "
                f"'{unit}': correct the mapping's billing unit and units a year first.",
            )
            return None
        if not text:
            self.notes.append(f"Warning: {code} ({product or slug}) is listed on line {line} without a payment limit: "
                              "it gets no figure from this file.")
            return None
        if not _LIMIT.fullmatch(text):
            yield Problem(where, LIMIT, f"'{printable(text, 40)}' is not a payment limit (a plain number such as 60.970).")
            return None
        limit = Decimal(text)
        if limit <= 0:
            yield Problem(where, LIMIT, f"{code}'s payment limit must be more than zero.")
            return None
        return line, limit, dosage, printable(self._cell(cells, positions, DESCRIPTION))

    def _estimates(self, found, quarter):
        label = quarter_label(quarter)
        by_product = {}
        for code, (line, limit, dosage, description) in found.items():
            slug, product, _, units = self.mappings[code]
            annual = (limit * units).quantize(CENT, rounding=ROUND_HALF_UP)
            working = (
                f"{code}{f' ({description})' if description else ''}: ${limit} per {dosage} × "
                f"{units.normalize():,f} = ${annual:,.2f} a year"
            )
            by_product.setdefault((slug, product), []).append((code, UnitFigure(line, annual, working)))
        for (slug, product), used in sorted(by_product.items()):
            codes = ", ".join(code for code, _ in sorted(used, key=lambda entry: entry[1].line))
            yield yearly_range_row(
                [figure for _, figure in used],
                slug=slug,
                note="Medicare Part B payment limit per billing unit × billing units a year. ",
                price_kind=PRICE_KIND,
                as_of=quarter_start(quarter).isoformat(),
                source=f"CMS ASP pricing file, {label} ({codes})",
                source_url=SOURCE_URL,
                product=product,
            )
