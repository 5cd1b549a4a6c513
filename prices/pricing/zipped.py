"""A price file delivered as a ZIP: the one CSV inside that a parser wants.

CMS publishes its quarterly ASP pricing file as a ZIP holding the CSV and
other files (a workbook, notes, crosswalks). Nothing is extracted to disk, so
member names cannot reach a path; the rest is a guard against ZIP bombs, as the
archive's own account of itself is not trusted:

    the ZIP itself      at most MAX_ZIP_BYTES, read into memory with a cap
    members             at most MAX_MEMBERS, counted from the archive's end
                        record before the directory is parsed
    sizes               what the members say they hold, together, at most
                        MAX_TOTAL_BYTES; the CSV used at most MAX_CSV_BYTES
    reading             a candidate's first PEEK_BYTES only; the CSV used in
                        chunks, stopping past MAX_CSV_BYTES whatever its
                        header claimed
    nesting             an archive inside is refused, never opened
"""

import io
import struct
import zipfile
import zlib
from pathlib import PurePosixPath

MB = 1024 * 1024
MAX_ZIP_BYTES = 50 * MB  # as much as the command fetches from an address
MAX_MEMBERS = 50
MAX_TOTAL_BYTES = 200 * MB
MAX_CSV_BYTES = 20 * MB  # an ASP pricing file's CSV is about 1 MB
PEEK_BYTES = 64 * 1024
CHUNK_BYTES = 256 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
ARCHIVE_SUFFIXES = frozenset({".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst", ".cab", ".jar"})
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_ZIP64_MARK = 0xFFFF


class ZipRefused(Exception):
    """The ZIP cannot be used; the message says why, for the report."""


def is_zip(data):
    return data[:4] in ZIP_MAGIC


def shown(name, limit=80):
    """A member's name as a message may show it: printable, not too long."""
    text = "".join(char if char.isprintable() else "?" for char in name)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def megabytes(size):
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size:,} bytes"


def declared_member_count(data):
    """The number of members the archive's end record declares, read before
    zipfile parses the central directory (which it would parse whole)."""
    start = data.rfind(_END_RECORD, max(0, len(data) - _END_RECORD_SIZE - 0xFFFF))
    if start < 0 or len(data) - start < _END_RECORD_SIZE:
        raise ZipRefused("the file starts like a ZIP but has no ZIP directory at its end: it is damaged or cut short.")
    (entries,) = struct.unpack_from("<H", data, start + 10)
    return entries


def csv_from_zip(data, wanted, what):
    """(member name, bytes) of the one CSV member whose first bytes `wanted`
    accepts; `what` names such a file in messages ("ASP pricing file").
    Raises ZipRefused."""
    count = declared_member_count(data)
    if count == _ZIP64_MARK or count > MAX_MEMBERS:
        raise ZipRefused(f"the ZIP holds more than {MAX_MEMBERS} files: it is not a {what} ZIP, and is not opened.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _pick(archive, wanted, what)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as error:
        raise ZipRefused(
            f"the ZIP is damaged or packed in a way this importer cannot read ({type(error).__name__}). "
            "Unzip it and import the CSV inside."
        ) from None


def _pick(archive, wanted, what):
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise ZipRefused(f"the ZIP holds more than {MAX_MEMBERS} files: it is not a {what} ZIP, and is not opened.")
    nested = [info.filename for info in members if PurePosixPath(info.filename).suffix.lower() in ARCHIVE_SUFFIXES]
    if nested:
        raise ZipRefused(
            f"the ZIP holds another archive ({shown(nested[0])}): archives inside archives are not opened. "
            "Unzip it and import the CSV itself."
        )
    declared = sum(info.file_size for info in members)
    if declared > MAX_TOTAL_BYTES:
        raise ZipRefused(
            f"the ZIP says it unpacks to {megabytes(declared)}, over the {megabytes(MAX_TOTAL_BYTES)} limit: "
            "it is not opened."
        )
    csvs = [info for info in members if PurePosixPath(info.filename).suffix.lower() == ".csv"]
    if not csvs:
        names = ", ".join(shown(info.filename, 60) for info in members[:5]) or "nothing"
        workbook = " (it looks like an Excel workbook: save its sheet as CSV)" if "[Content_Types].xml" in {
            info.filename for info in members
        } else ""
        raise ZipRefused(f"the ZIP holds no CSV file{workbook}; it holds: {names}.")
    matching = [info for info in csvs if wanted(_read(archive, info, PEEK_BYTES, whole=False))]
    if not matching:
        names = ", ".join(shown(info.filename, 60) for info in csvs[:5])
        raise ZipRefused(f"none of the CSV files in the ZIP ({names}) is a {what}.")
    if len(matching) > 1:
        names = ", ".join(shown(info.filename, 60) for info in matching[:5])
        raise ZipRefused(f"the ZIP holds more than one {what} ({names}): unzip it and import the one you mean.")
    (chosen,) = matching
    return chosen.filename, _read(archive, chosen, MAX_CSV_BYTES, whole=True)


def _read(archive, info, limit, *, whole):
    """Up to `limit` bytes of a member. With `whole`, the member must end
    within the limit: a larger one (whatever it declares) is refused as soon
    as the limit is passed, the rest never decompressed."""
    if info.flag_bits & 0x1:
        raise ZipRefused(f"{shown(info.filename)} in the ZIP is encrypted: it cannot be read.")
    if whole and info.file_size > limit:
        raise ZipRefused(
            f"{shown(info.filename)} in the ZIP would unpack to {megabytes(info.file_size)}, over the "
            f"{megabytes(limit)} limit for a CSV: it is not read."
        )
    chunks, total = [], 0
    with archive.open(info) as member:
        while total <= limit:
            chunk = member.read(min(CHUNK_BYTES, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    if whole and total > limit:
        raise ZipRefused(
            f"{shown(info.filename)} in the ZIP unpacks to more than {megabytes(limit)}, the limit for a CSV: "
            "reading stopped there."
        )
    return b"".join(chunks)[:limit]
