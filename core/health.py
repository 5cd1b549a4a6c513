"""GET /healthz: is this app server able to serve pages?

For a load balancer's or monitor's probe: 200 with
{"status": "ok", "database": "ok", "cache": "ok" | "not configured"} when the
database answers a query and the shared cache (Redis, when REDIS_URL is set)
answers a set and get; 503 with "failed" against the part that did not. The
reasons go to the log, not to whoever asked.

core.middleware.HealthCheckMiddleware answers the probe above the session,
authentication and page-cache middleware, so a probe never touches a session,
gets no cookie and is never served from (or stored in) the page cache; the URL
is also in msinfo/urls.py so it exists whatever the middleware. It is exempt
from the HTTPS redirect (SECURE_REDIRECT_EXEMPT), but the Host header the probe
sends must be in DJANGO_ALLOWED_HOSTS like any other.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger("core.health")

# Caches on this machine (memory, or files under var/cache when REDIS_URL is
# not set): no server to reach, so "not configured". A cache server (Redis) is
# checked.
LOCAL_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@require_safe
def healthz(request):
    report = {"database": check_database(), "cache": check_cache()}
    healthy = all(state in ("ok", "not configured") for state in report.values())
    response = JsonResponse({"status": "ok" if healthy else "failed", **report}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def check_database():
    # SQLite: reading the schema needs the file readable and not locked out,
    # which SELECT 1 alone would not show on a connection that is already open.
    query = "SELECT count(*) FROM sqlite_master" if connection.vendor == "sqlite" else "SELECT 1"
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            cursor.fetchone()
    except Exception as error:
        logger.warning("Health check: the database did not answer: %s", error)
        return "failed"
    return "ok"


def check_cache():
    shared = [alias for alias, config in settings.CACHES.items() if config["BACKEND"] not in LOCAL_CACHE_BACKENDS]
    if not shared:
        return "not configured"
    for alias in shared:
        # A fresh value each time, so an old one left behind cannot pass for an answer.
        key, value = f"msinfo-healthz-{secrets.token_hex(8)}", secrets.token_hex(8)
        try:
            cache = caches[alias]
            cache.set(key, value, timeout=30)
            answered = cache.get(key)
            cache.delete(key)
        except Exception as error:
            logger.warning("Health check: the %r cache did not answer: %s", alias, error)
            return "failed"
        if answered != value:
            logger.warning("Health check: the %r cache did not return what was just stored in it", alias)
            return "failed"
    return "ok"
