"""Keeping an uploaded file between its preview and its apply.

The upload is written under a private directory (mode 0700, one folder per
user, so two people uploading the same file never touch each other's copy),
named by its SHA-256, with a small JSON sidecar giving its name and format.
Applying names only the hash; the file is read back, its hash checked again,
and validated again from scratch. Files older than a day are swept away.

A file fetched on schedule (prices/scheduled.py) that a price editor must
confirm waits in the shared folder "fetched" instead: any price editor may
apply it, and it stays until it is applied or a newer file replaces it.

The directory is settings.PRICE_IMPORT_STAGING_DIR (MSINFO_PRICE_UPLOAD_DIR in
the environment; default var/price-uploads in the project folder). It must be
shared by all web workers, and belongs to this install alone."""

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAX_AGE_SECONDS = 24 * 60 * 60
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StagedFile:
    sha256: str
    path: Path
    name: str
    format: str


def _private_dir(directory):
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A folder in a shared temp dir could have been made by another account
    # beforehand; uploads only go where nobody else can read or swap them.
    info = directory.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise ImproperlyConfigured(
            f"The price upload folder {directory} must belong to this process's user and be private "
            "(mode 0700). Fix it, or set MSINFO_PRICE_UPLOAD_DIR to another folder."
        )
    return directory


def staging_dir():
    configured = getattr(settings, "PRICE_IMPORT_STAGING_DIR", None)
    if not configured:
        raise ImproperlyConfigured("Set PRICE_IMPORT_STAGING_DIR (MSINFO_PRICE_UPLOAD_DIR) to a folder for price uploads.")
    return _private_dir(Path(configured))


def user_dir(user):
    return _private_dir(staging_dir() / str(int(user.pk)))


def stage(uploaded, *, name, fmt, user):
    """Save an UploadedFile; returns its StagedFile."""
    _sweep(staging_dir())
    directory = user_dir(user)
    digest = hashlib.sha256()
    fd, temporary = tempfile.mkstemp(dir=directory, prefix="upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in uploaded.chunks():
                digest.update(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        path = directory / sha256
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    meta = {"name": name, "format": fmt, "user_id": user.pk, "staged_at": time.time()}
    (directory / f"{sha256}.json").write_text(json.dumps(meta))
    return StagedFile(sha256, path, name, fmt)


def load(sha256, *, user):
    """The staged file with this hash, uploaded by this user; None when there
    is none (never uploaded, swept away, uploaded by someone else, or its bytes
    no longer match the hash)."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        return None
    directory = user_dir(user)
    path, meta_path = directory / sha256, directory / f"{sha256}.json"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user.pk or not path.is_file():
        return None
    if _digest(path) != sha256:
        return None
    return StagedFile(sha256, path, meta["name"], meta["format"])


def discard(sha256, *, user):
    if not _SHA256.fullmatch(sha256 or ""):
        return
    directory = user_dir(user)
    for path in (directory / sha256, directory / f"{sha256}.json"):
        path.unlink(missing_ok=True)


FETCHED = "fetched"


def fetched_dir():
    return _private_dir(staging_dir() / FETCHED)


def stage_fetched(path, *, sha256, name, fmt, source_id):
    """Keep a fetched file (moved from `path`) for a price editor to confirm."""
    directory = fetched_dir()
    for old in directory.glob("*.json"):  # the source's earlier file waiting, if any: this one replaces it
        try:
            if json.loads(old.read_text()).get("source_id") == source_id:
                discard_fetched(old.stem)
        except (OSError, ValueError):
            pass
    os.replace(path, directory / sha256)
    meta = {"name": name, "format": fmt, "source_id": source_id, "staged_at": time.time()}
    (directory / f"{sha256}.json").write_text(json.dumps(meta))
    return StagedFile(sha256, directory / sha256, name, fmt)


def load_fetched(sha256):
    """(StagedFile, source_id) of the fetched file with this hash, or None."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        return None
    directory = fetched_dir()
    path = directory / sha256
    try:
        meta = json.loads((directory / f"{sha256}.json").read_text())
    except (OSError, ValueError):
        return None
    if not path.is_file() or _digest(path) != sha256:
        return None
    return StagedFile(sha256, path, meta["name"], meta["format"]), meta.get("source_id")


def discard_fetched(sha256):
    if not _SHA256.fullmatch(sha256 or ""):
        return
    directory = fetched_dir()
    for path in (directory / sha256, directory / f"{sha256}.json"):
        path.unlink(missing_ok=True)


def _digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _sweep(directory):
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in directory.glob("*/*"):
        if path.parent.name == FETCHED:  # waits for a price editor, however long
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass
