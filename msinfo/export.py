"""The portable export's file: written whole or not at all, and able to hold
any text the site stores.

Two things Django's `dumpdata` does not do, and the export needs:

- `write_atomically`: the file is written under a temporary name in the same
  folder, flushed to disk and only then renamed onto its name. dumpdata
  writes straight to the name, so a failed run (a full disk, a database
  error, Ctrl-C) leaves a truncated file there, in place of the last good one.
- `Serializer`: Django's XML, except that a character XML 1.0 cannot hold is
  written as U+FFFD REPLACEMENT CHARACTER and the value is reported, where
  Django's serializer stops the whole export at the first such row. NUL and
  the other control characters (but tab, newline and carriage return), lone
  surrogates, U+FFFE and U+FFFF have no place in an XML 1.0 document, yet a
  reader's problem report can hold any of them. Carriage returns are kept:
  they are written as `&#13;`, because an XML parser reads a plain "\\r\\n" as
  "\\n", and text from a browser's text box has "\\r\\n" line ends.

The output is plain Django XML: `loaddata` reads it with Django's own XML
deserializer (it takes the format from the file's name, `.xml`)."""

import os
import re
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers import xml_serializer
from django.utils.xmlutils import SimplerXMLGenerator

# The name the export registers this serializer under (only for its own run).
FORMAT = "msinfo-xml"

REPLACEMENT_CHARACTER = "\ufffd"
# Everything outside XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets).
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text):
    """`text` with U+FFFD in place of each character XML 1.0 cannot hold."""
    return NOT_IN_XML.sub(REPLACEMENT_CHARACTER, text)


@contextmanager
def write_atomically(path):
    """Yields a temporary path in `path`'s folder to write the file to. When
    the block ends without an error, that file is flushed to disk and renamed
    onto `path` (the rename is then flushed too); when it raises, the
    temporary file is removed and `path` is left as it was. The file is
    readable by its owner only (mkstemp's mode 0600)."""
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(descriptor)
    try:
        yield Path(temporary)
        _flush_to_disk(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # The rename is in the folder's entry: without this, a crash just after
    # could still come back with the earlier file, or none.
    _flush_to_disk(path.parent)


def _flush_to_disk(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class ChangedValue:
    """A value written with U+FFFD in place of characters XML cannot hold."""

    model: str
    pk: str
    field: str


_changed_values = ContextVar("msinfo_export_changed_values")


@contextmanager
def recording_changed_values():
    """Yields the list every Serializer started inside the block adds its
    ChangedValues to. dumpdata makes the serializer itself, so this is how
    the export command learns what was changed, to report it."""
    changed = []
    token = _changed_values.set(changed)
    try:
        yield changed
    finally:
        _changed_values.reset(token)


class _XMLSafeGenerator(SimplerXMLGenerator):
    """Writes characters XML cannot hold as U+FFFD, counting the texts that
    had any, and carriage returns as character references."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.texts_changed = 0

    def _safe(self, text):
        safe, count = NOT_IN_XML.subn(REPLACEMENT_CHARACTER, text)
        if count:
            self.texts_changed += 1
        return safe

    def characters(self, content):
        first, *after_each_return = self._safe(content).split("\r")
        super().characters(first)
        for text in after_each_return:
            # XMLGenerator writes what ignorableWhitespace is given as it is
            # (Django's own indent() uses it): here, the escaped return.
            self.ignorableWhitespace("&#13;")
            super().characters(text)

    def startElement(self, name, attrs):
        super().startElement(name, {key: self._safe(value) for key, value in attrs.items()})


class Serializer(xml_serializer.Serializer):
    """Django's XML serializer, with U+FFFD for what XML cannot hold; each
    value it changes is added to `changed_values` (the list of the enclosing
    `recording_changed_values()`, or one of its own outside any)."""

    def start_serialization(self):
        self.changed_values = _changed_values.get([])
        self.xml = _XMLSafeGenerator(self.stream, self.options.get("encoding", settings.DEFAULT_CHARSET))
        self.xml.startDocument()
        self.xml.startElement("django-objects", {"version": "1.0"})

    @contextmanager
    def _noting_changes(self, obj, field_name):
        before = self.xml.texts_changed
        yield
        if self.xml.texts_changed != before:
            self.changed_values.append(ChangedValue(obj._meta.label_lower, xml_safe(str(obj.pk)), field_name))

    def start_object(self, obj):
        with self._noting_changes(obj, obj._meta.pk.name):
            super().start_object(obj)

    def handle_field(self, obj, field):
        with self._noting_changes(obj, field.name):
            super().handle_field(obj, field)

    def handle_fk_field(self, obj, field):
        with self._noting_changes(obj, field.name):
            super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        with self._noting_changes(obj, field.name):
            super().handle_m2m_field(obj, field)


# What it writes is Django's XML, so Django's reader reads it.
Deserializer = xml_serializer.Deserializer
