"""Where an import's bytes come from, and reading them while hashing them.

Every source ends up as a local file: a path given to the command, a URL
fetched into a temporary file, or an admin upload staged under a private
directory. Each pass over it computes the SHA-256 of exactly the bytes parsed,
so the record of an import names the file it really read."""

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

FORMATS = ("csv", "json", "nadac", "asp")
MAX_LINE_BYTES = 1024 * 1024  # no line of a price file comes near this


@dataclass(frozen=True)
class Source:
    path: Path
    name: str  # what the record and messages call it: file name, path or URL
    kind: str  # PriceImport.SourceKind value

    def open(self):
        return HashingReader(open(self.path, "rb"), name=self.name)


class HashingReader:
    """A binary file read once, front to back, updating a SHA-256 as it goes.
    `sha256()` reads whatever the parser left unread, then returns the digest.
    `name` is the source's name (an ASP pricing file's may carry its quarter)."""

    def __init__(self, raw, name=""):
        self._raw = raw
        self.name = name
        self._hash = hashlib.sha256()

    def read(self, size=-1):
        data = self._raw.read(size)
        self._hash.update(data)
        return data

    def readline(self, limit=MAX_LINE_BYTES):
        line = self._raw.readline(limit)
        self._hash.update(line)
        return line

    def sha256(self):
        while chunk := self._raw.read(1024 * 1024):
            self._hash.update(chunk)
        return self._hash.hexdigest()

    def close(self):
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def infer_format(name):
    """The format a file name's or URL path's extension says, else None:
    'csv' or 'json' (the site's own), 'asp' for a .zip (the only format that
    comes zipped: CMS's ASP pricing file). A NADAC file, or an ASP file
    unzipped, is a .csv too, so it needs its format said."""
    path = urlsplit(name).path if "://" in name else name
    suffix = PurePosixPath(path).suffix.lower()
    return {".csv": "csv", ".json": "json", ".zip": "asp"}.get(suffix)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
