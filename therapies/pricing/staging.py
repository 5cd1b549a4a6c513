"""Keeping an uploaded file between its preview and its apply.

The upload is written under a private directory (mode 0700) named by its
SHA-256, with a small JSON sidecar saying who uploaded it, its name and format.
Applying names only the hash; the file is read back, its hash checked again,
and validated again from scratch. Files older than a day are swept away.

Set PRICE_IMPORT_STAGING_DIR in settings to choose the directory (it must be
shared by all web workers; the default is a folder in the system temp dir)."""

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 60 * 60
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StagedFile:
    sha256: str
    path: Path
    name: str
    format: str


def staging_dir():
    directory = Path(
        getattr(settings, "PRICE_IMPORT_STAGING_DIR", None) or Path(tempfile.gettempdir()) / "msinfo-price-uploads"
    )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def stage(uploaded, *, name, fmt, user):
    """Save an UploadedFile; returns its StagedFile."""
    directory = staging_dir()
    _sweep(directory)
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
    directory = staging_dir()
    path, meta_path = directory / sha256, directory / f"{sha256}.json"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user.pk or not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    if digest.hexdigest() != sha256:
        return None
    return StagedFile(sha256, path, meta["name"], meta["format"])


def discard(sha256):
    if not _SHA256.fullmatch(sha256 or ""):
        return
    directory = staging_dir()
    for path in (directory / sha256, directory / f"{sha256}.json"):
        path.unlink(missing_ok=True)


def _sweep(directory):
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass
