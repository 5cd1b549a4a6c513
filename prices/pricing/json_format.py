"""The import file as JSON: a list of objects with the documented keys.

The list is read one object at a time, so a large file never sits in memory
as a whole. Amounts may be JSON numbers or strings; they are kept as the exact
decimal text written (never through a float)."""

import codecs
import json
from decimal import Decimal

from prices.pricing.cells import cell_problems
from prices.pricing.csv_format import NOT_UTF8
from prices.pricing.rows import COLUMNS, REQUIRED_COLUMNS, WHOLE_FILE, Problem, RawRow

CHUNK = 64 * 1024
_WHITESPACE = " \t\n\r"


class _Text:
    """Incrementally decoded text with a read position; tracks line numbers of
    text already dropped from the buffer, for error messages."""

    def __init__(self, stream):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.dropped_lines = 0

    def more(self):
        if self.eof:
            return False
        data = self.stream.read(CHUNK)
        self.eof = not data
        text = self.decoder.decode(data, final=self.eof)  # UnicodeDecodeError propagates
        if self.pos > CHUNK:
            self.dropped_lines += self.buffer.count("\n", 0, self.pos)
            self.buffer, self.pos = self.buffer[self.pos:], 0
        self.buffer += text
        return bool(text) or not self.eof

    def skip_whitespace(self):
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer) or not self.more():
                return

    def peek(self):
        self.skip_whitespace()
        return self.buffer[self.pos] if self.pos < len(self.buffer) else ""

    def line(self, pos=None):
        return self.dropped_lines + self.buffer.count("\n", 0, self.pos if pos is None else pos) + 1

    def column(self, pos=None):
        pos = self.pos if pos is None else pos
        return pos - self.buffer.rfind("\n", 0, pos)

    def where(self, pos=None):
        return f"line {self.line(pos)}, character {self.column(pos)}"


class DuplicateKey(ValueError):
    pass


def _object_without_repeats(pairs):
    """An object from its (key, value) pairs, refusing a key given twice: JSON
    would keep the last silently, and the editor would not know which figure
    was imported."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


def _json_items(text):
    """(index, value) for each element of the top-level list; raises ValueError
    with a readable message where the JSON is broken."""
    # Whole numbers as Decimal too: int() refuses over 4,300 digits with a
    # message about Python; a Decimal reaches the amount check, which explains.
    decoder = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal, object_pairs_hook=_object_without_repeats)
    if text.peek() != "[":
        raise ValueError(f"the file must be a JSON list ([...]) of objects (line {text.line()}).")
    text.pos += 1
    index = 0
    while True:
        if text.peek() == "]" and index == 0:
            text.pos += 1
            break
        while True:
            try:
                value, end = decoder.raw_decode(text.buffer, text.pos)
                break
            except RecursionError:
                # Lists in lists in lists...: the decoder gives up before the
                # stack does. A price file's items are flat objects.
                raise ValueError(
                    f"item {index} is nested too deeply ({text.where()}): each item must be a flat object of columns."
                ) from None
            except DuplicateKey as repeated:
                raise ValueError(
                    f"item {index} gives the column “{_printable_key(repeated.args[0])}” twice ({text.where()}): "
                    "give each column once."
                ) from None
            except json.JSONDecodeError as error:
                # Perhaps the object is only cut by the buffer's end: read on.
                if not text.more():
                    raise ValueError(f"not valid JSON at item {index}: {error.msg} ({text.where(error.pos)}).") from None
        text.pos = end
        yield index, value
        index += 1
        separator = text.peek()
        text.pos += 1
        if separator == "]":
            break
        if separator != ",":
            raise ValueError(f"not valid JSON after item {index - 1}: expected ',' or ']' (line {text.line()}).")
    if text.peek():
        raise ValueError(f"not valid JSON: text after the end of the list (line {text.line()}).")


def _printable_key(key, limit=60):
    shown = "".join(character if character.isprintable() else "?" for character in key[:limit])
    return shown + ("…" if len(key) > limit else "")


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: True is an int in Python
        return None
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None


class JsonParser:
    format = "json"

    def __init__(self, stream):
        self.stream = stream
        self.notes = []

    def __iter__(self):
        text = _Text(self.stream)
        try:
            if text.peek() == "":
                yield Problem(WHOLE_FILE, None, "the file is empty.")
                return
            for index, item in _json_items(text):
                yield from self._row(index, item)
        except UnicodeDecodeError:
            yield Problem(WHOLE_FILE, None, NOT_UTF8)
        except ValueError as error:
            yield Problem(WHOLE_FILE, None, str(error))

    def _row(self, index, item):
        where = f"item {index}"
        if not isinstance(item, dict):
            yield Problem(where, None, "each item in the list must be an object ({...}).")
            return
        if index == 0 and item and not any(key in COLUMNS for key in item):
            raise ValueError(
                "the first item has none of the documented keys (kind, slug, low, high, currency, as_of, source): "
                "this is not a price file. Check that the file or address is the right one."
            )
        problems = [Problem(where, _shown(key), "extra column: not one of the documented keys.") for key in item if key not in COLUMNS]
        problems += [Problem(where, key, "missing column.") for key in REQUIRED_COLUMNS if key not in item]
        values = {}
        for key in COLUMNS:
            text = _as_text(item.get(key))
            if text is None:
                problems.append(Problem(where, key, "must be text or a number."))
            values[key] = text or ""
        problems += cell_problems(where, values)
        if problems:
            yield from problems
        else:
            yield RawRow(where, values)


def _shown(key):
    """A key as a message may quote it: short, and only printable characters."""
    key = "".join(char for char in key if char.isprintable())
    return key if len(key) <= 40 else key[:40] + "…"
