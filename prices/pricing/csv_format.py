"""The import file as CSV: UTF-8 with or without a byte-order mark, LF or CRLF
line ends, a header row naming the documented columns in any order."""

import csv

from prices.pricing.cells import cell_problems
from prices.pricing.rows import COLUMNS, REQUIRED_COLUMNS, WHOLE_FILE, Problem, RawRow
from prices.pricing.sources import MAX_LINE_BYTES

BOM = b"\xef\xbb\xbf"

NOT_UTF8 = (
    "the file is not UTF-8 text. In a spreadsheet, save it as 'CSV UTF-8' "
    "(an Excel workbook or a file in another encoding cannot be read)."
)


class StopFile(Exception):
    """The rest of the file cannot be read; carries the problem that says why."""

    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem


def _text_lines(stream, position):
    """Decoded physical lines, line ends kept (the csv module needs them to
    read quoted cells that span lines). Decoding line by line puts a non-UTF-8
    byte on its exact line."""
    first = True
    while True:
        raw = stream.readline(MAX_LINE_BYTES)
        if not raw:
            return
        if first:
            first = False
            if raw.startswith(BOM):
                raw = raw[len(BOM):]
        if len(raw) >= MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise StopFile(Problem(f"line {position()}", None, "this line is longer than 1 MB; this is not a price file."))
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise StopFile(Problem(f"line {position()}", None, NOT_UTF8)) from None


def csv_records(stream):
    """(line number, cells) for each non-blank record, or a final Problem if the
    rest cannot be read. Line numbers count records as a spreadsheet numbers its
    rows (a cell with a line break inside stays one row), the header being 1.
    Blank rows, including rows of empty cells, are counted and skipped."""
    number = 0

    def position():
        return number + 1

    reader = csv.reader(_text_lines(stream, position), strict=True)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except StopFile as stop:
            yield stop.problem
            return
        except csv.Error as error:
            yield Problem(f"line {position()}", None, f"not valid CSV ({error}); the rest of the file was not read.")
            return
        number += 1
        if any(cell.strip() for cell in cells):
            yield number, cells


def first_record(records):
    """The header record (line number, cells), or the Problem that stops the
    file from having one."""
    header = next(records, None)
    if header is None:
        return Problem(WHOLE_FILE, None, "the file is empty.")
    return header


def header_positions(cells, known, required, where="line 1"):
    """Map column names to positions; problems for unknown, repeated or missing
    columns. Names are compared without surrounding spaces, ignoring case."""
    positions, problems = {}, []
    for index, cell in enumerate(cells):
        name = cell.strip()
        key = name.lower()
        if key not in known:
            problems.append(Problem(where, name or f"#{index + 1}", "extra column: not one of the documented columns."))
        elif known[key] in positions:
            problems.append(Problem(where, name, "this column appears twice in the header."))
        else:
            positions[known[key]] = index
    for name in required:
        if name not in positions:
            problems.append(Problem(where, name, "missing column."))
    return positions, problems


def header_key(name):
    """A header cell as compared with column names: CMS writes 'NADAC_Per_Unit'
    in some downloads and 'NADAC Per Unit' in others."""
    return " ".join(name.replace("_", " ").split()).lower()


SEMICOLONS = "this file uses ';' between columns: export it as CSV with commas (in a spreadsheet, 'CSV UTF-8')."
NOT_A_PRICE_FILE = (
    "the first line names none of the documented columns (kind, slug, low, high, currency, as_of, source): "
    "this is not a price file. Check that the file or address is the right one."
)
LOOKS_LIKE_NADAC = (
    "this looks like a NADAC file: choose the NADAC format (--format nadac, or "
    "'NADAC weekly file from CMS' on the upload page)."
)


def uses_semicolons(cells, known):
    """Whether a header that does not match on commas does on semicolons."""
    if not any(";" in cell for cell in cells):
        return False
    parts = [header_key(part) for part in ";".join(cells).split(";")]
    return sum(part in known for part in parts) >= 2


def looks_like_nadac(cells):
    keys = {header_key(cell) for cell in cells}
    return "ndc" in keys and ({"nadac per unit", "effective date"} & keys) != set()


def header_diagnosis(cells, where):
    """One problem that explains a whole wrong header (semicolons, a NADAC
    file, something that is not a price file at all), or None. It replaces the
    per-column list, and never repeats the header, which may be anything."""
    known = {name.lower() for name in COLUMNS}
    if uses_semicolons(cells, known):
        return Problem(where, None, SEMICOLONS)
    if looks_like_nadac(cells):
        return Problem(where, None, LOOKS_LIKE_NADAC)
    if not any(header_key(cell) in known for cell in cells):
        return Problem(where, None, NOT_A_PRICE_FILE)
    return None


class CsvParser:
    format = "csv"

    def __init__(self, stream):
        self.stream = stream
        self.notes = []

    def __iter__(self):
        records = csv_records(self.stream)
        header = first_record(records)
        if isinstance(header, Problem):
            yield header
            return
        header_line, cells = header
        positions, problems = header_positions(cells, {name: name for name in COLUMNS}, REQUIRED_COLUMNS, f"line {header_line}")
        if problems:
            diagnosis = header_diagnosis(cells, f"line {header_line}")
            yield from [diagnosis] if diagnosis else problems
            return
        width = len(cells)
        # Worked out once for the file, not for each of its rows.
        needed = max(positions.values()) + 1
        layout = [(name, positions.get(name)) for name in COLUMNS]
        for item in records:
            if isinstance(item, Problem):
                yield item
                return
            line, cells = item
            where = f"line {line}"
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                yield Problem(where, None, f"extra values: the row has {len(cells)} cells, the header has {width} columns.")
                continue
            if len(cells) < needed:
                for name, index in positions.items():
                    if index >= len(cells):
                        yield Problem(where, name, "missing column: the row ends before it.")
                continue
            values = {name: cells[index].strip() if index is not None else "" for name, index in layout}
            bad_cells = cell_problems(where, values)
            if bad_cells:
                yield from bad_cells
                continue
            yield RawRow(where, values)
