"""The key a stored page is kept under (core.cache): the page's whole
address, and fingerprints of the release and of the settings a page shows,
so a new release or setting never serves pages made by the old one."""

import functools
import hashlib
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed

PAGE_KEY = "page:{}"

# Settings that change what a page says. A page made under other values
# (before a restart with new settings) is not served.
PAGE_SETTINGS = (
    "PRICE_STALENESS_MONTHS", "REVIEW_INTERVAL_MONTHS", "EMERGING_REVIEW_INTERVAL_MONTHS", "TIME_ZONE",
    "LANGUAGE_CODE", "STATIC_URL", "DEBUG", "SITE_URL", "MSINFO_DATA_LICENCE_NAME", "MSINFO_DATA_LICENCE_URL",
)


@functools.cache
def code_fingerprint():
    """A hash of what makes the HTML besides the content: the project's own
    code and templates, the pinned requirements and the static files'
    manifest (pages name the static files by content hash). Pages stored by
    a previous release are not served by the next one, and app servers
    running the same release share their pages. Read once per process."""
    from django.apps import apps

    base = Path(settings.BASE_DIR)
    roots = {Path(config.path) for config in apps.get_app_configs() if Path(config.path).is_relative_to(base)}
    roots |= {Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])}
    roots |= {Path(path) for path in import_module(settings.ROOT_URLCONF.split(".")[0]).__path__}
    files = sorted(path for root in roots for path in root.rglob("*") if path.suffix in (".py", ".html"))
    files.append(base / "requirements.txt")
    if settings.STATIC_ROOT:
        files.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path.name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def page_fingerprint():
    values = repr([getattr(settings, name, None) for name in PAGE_SETTINGS])
    return hashlib.sha256(f"{code_fingerprint()}|{values}".encode()).hexdigest()[:16]


def _settings_changed(setting, **kwargs):
    # Tests change settings while the process runs; a server restarts for it.
    if setting in PAGE_SETTINGS:
        page_fingerprint.cache_clear()


def page_key(request):
    """The page's address, whole (scheme, host, path, query string), and the
    release and settings it is made with, hashed so any length makes a short
    key. Raises DisallowedHost for a host the site does not serve."""
    address = f"{page_fingerprint()}|{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY.format(hashlib.sha256(address.encode()).hexdigest())


def connect_settings_signal():
    """Called once the app registry is ready (CoreConfig.ready)."""
    setting_changed.connect(_settings_changed, dispatch_uid="page_cache_settings")
