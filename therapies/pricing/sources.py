"""Where an import's bytes come from, and reading them while hashing them.

Every source ends up as a local file: a path given to the command, a URL
fetched into a temporary file, or an admin upload staged under a private
directory. Each pass over it computes the SHA-256 of exactly the bytes parsed,
so the record of an import names the file it really read."""

import hashlib
import http.client
import os
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

FORMATS = ("csv", "json", "nadac")
URL_SCHEMES = ("http", "https")
FETCH_TIMEOUT = 30  # seconds, for the whole download
FETCH_MAX_BYTES = 50 * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024  # no line of a price file comes near this


class FetchError(Exception):
    """A URL could not be fetched; the message says why, for the person running the import."""


@dataclass(frozen=True)
class Source:
    path: Path
    name: str  # what the record and messages call it: file name, path or URL
    kind: str  # PriceImport.SourceKind value

    def open(self):
        return HashingReader(open(self.path, "rb"))


class HashingReader:
    """A binary file read once, front to back, updating a SHA-256 as it goes.
    `sha256()` reads whatever the parser left unread, then returns the digest."""

    def __init__(self, raw):
        self._raw = raw
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
    """'csv' or 'json' from a file name's or URL path's extension, else None.
    A NADAC file is a .csv too, so it always needs an explicit format."""
    path = urlsplit(name).path if "://" in name else name
    suffix = PurePosixPath(path).suffix.lower()
    return {".csv": "csv", ".json": "json"}.get(suffix)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# --- Fetching a URL -------------------------------------------------------------------------


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http and https (urllib would also follow ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in URL_SCHEMES:
            raise FetchError(f"The address redirected to {newurl!r}; only http and https addresses are fetched.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(url, *, timeout=FETCH_TIMEOUT, max_bytes=FETCH_MAX_BYTES, directory=None):
    """Download `url` into a new temporary file and return its path; the caller
    deletes it. Refuses other schemes than http and https, answers other than
    200, bodies over `max_bytes` and downloads taking longer than `timeout`."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in URL_SCHEMES:
        raise FetchError(f"Only http and https addresses can be fetched, not {scheme or 'a bare path'}: {url}")
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "msinfo-import-prices/1"})
    deadline = time.monotonic() + timeout
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        raise FetchError(f"{url} answered {error.code} {error.reason}; expected 200 OK.") from None
    except urllib.error.URLError as error:
        raise FetchError(f"Could not fetch {url}: {error.reason}") from None
    except (TimeoutError, OSError, http.client.HTTPException) as error:
        raise FetchError(f"Could not fetch {url}: {error}") from None
    with response:
        if response.status != 200:
            raise FetchError(f"{url} answered {response.status} {response.reason}; expected 200 OK.")
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{url} is {_megabytes(int(declared))}; the limit is {_megabytes(max_bytes)}.")
        fd, name = tempfile.mkstemp(prefix="price-import-", suffix=PurePosixPath(urlsplit(url).path).suffix, dir=directory)
        received = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while True:
                    if time.monotonic() > deadline:
                        raise FetchError(f"Fetching {url} took longer than {timeout} seconds.")
                    try:
                        chunk = response.read(64 * 1024)
                    except (TimeoutError, OSError, http.client.HTTPException) as error:
                        raise FetchError(f"Could not fetch {url}: {error}") from None
                    if not chunk:
                        break
                    received += len(chunk)
                    if received > max_bytes:
                        raise FetchError(f"{url} is larger than the limit of {_megabytes(max_bytes)}.")
                    out.write(chunk)
        except BaseException:
            os.unlink(name)
            raise
    return Path(name)


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"
