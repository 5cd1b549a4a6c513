"""What any cell of a price file may contain, whatever its format.

Checked before a row is validated, so a cell that would break the page or the
database (PostgreSQL refuses NUL in text, no database stores a lone UTF-16
surrogate) or is far longer than its field is a problem with its line and
column, never an error at apply time. Messages say where the bad character is
but never repeat the cell, which may be anything."""

import re

from prices.models import CostEstimate
from prices.pricing.rows import Problem

NOTE_MAX = 2000  # a note is a sentence or two for readers, not a document
CELL_MAX = 200  # kind, slug, amounts, currency, date: all far shorter
MAX_LENGTHS = {
    "source": CostEstimate._meta.get_field("source_name").max_length,
    "source_url": CostEstimate._meta.get_field("source_url").max_length,
    "note": NOTE_MAX,
    "product": CostEstimate._meta.get_field("product").max_length,
}
SHORTEST_MAX = min(CELL_MAX, *MAX_LENGTHS.values())
# Unicode's control characters (category Cc) but the tab and line breaks,
# which are ordinary in a note, and lone UTF-16 surrogates (category Cs). One
# regular expression, as every cell of a file of a hundred thousand rows is
# checked.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def bad_character(text):
    """(position counting from 1, description) of the first character a cell
    may not contain, or None."""
    found = _BAD_CHARACTER.search(text)
    if found is None:
        return None
    position, char = found.start() + 1, found.group()
    if char == "\x00":
        return position, "a NUL byte (character 0)"
    if "\ud800" <= char <= "\udfff":
        return position, f"an unpaired surrogate (U+{ord(char):04X}), which is not text"
    return position, f"a control character (U+{ord(char):04X})"


def cell_problems(where, values, *, lengths=True):
    """Problems for the cells of one row (a dict column -> text): characters
    no cell may hold and, if `lengths`, cells longer than their column allows.
    The parsers check both on what people wrote; the validator checks the
    characters again for every format (a NADAC note is built from its cells)."""
    # Nearly every row is clean: one search over the whole row settles that,
    # and a row no longer than the shortest limit has no cell over its own.
    whole_row = "".join(values.values())
    if _BAD_CHARACTER.search(whole_row) is None and not (
        lengths
        and len(whole_row) > SHORTEST_MAX
        and any(len(text) > MAX_LENGTHS.get(column, CELL_MAX) for column, text in values.items())
    ):
        return []
    problems = []
    for column, text in values.items():
        if not text:
            continue
        found = bad_character(text)
        if found:
            position, what = found
            problems.append(Problem(where, column, f"contains {what} at character {position}: remove it."))
            continue
        limit = MAX_LENGTHS.get(column, CELL_MAX)
        if lengths and len(text) > limit:
            problems.append(Problem(where, column, f"is {len(text):,} characters long; the limit is {limit:,}."))
    return problems
