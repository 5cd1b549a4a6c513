"""The site's settings as the test suite needs them: a throwaway secret key, no
HTTPS redirect (the test client speaks plain HTTP) and static files served
from the finders so no collectstatic step is needed."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-not-a-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from msinfo.settings import *  # noqa: E402,F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Each pytest-xdist worker (gw0, gw1, ...; "main" without xdist) has its own
# cache and price upload folder; its own test database comes from pytest-django.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
# An in-memory cache, emptied before each test (conftest.py), whatever
# REDIS_URL says: tests never touch a shared cache by accident. The Redis and
# file caches are tested on their own (tests/core/test_page_cache_processes.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"msinfo-tests-{_worker}",
        "KEY_PREFIX": f"msinfo-tests-{_worker}",
    }
}
# Price uploads waiting between preview and apply (tests that care use a tmp_path of their own).
PRICE_IMPORT_STAGING_DIR = BASE_DIR / "var" / f"test-price-uploads-{_worker}"  # noqa: F405
# Uploaded images and their renditions (tests that check a bucket point STORAGES elsewhere).
MEDIA_ROOT = BASE_DIR / "var" / f"test-media-{_worker}"  # noqa: F405
