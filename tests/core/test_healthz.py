"""GET /healthz, the load balancer's probe (core/health.py).

200 when the database answers (and the cache server, when there is one), 503
naming the part that failed; no session, no cookie, never a stored copy; exempt
from the HTTPS redirect but not from ALLOWED_HOSTS."""

import socket
import uuid

import pytest
from django.conf import settings
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, override_settings

from tests.core.test_database_failures import database_fails

HEALTHY = {"status": "ok", "database": "ok", "cache": "not configured"}


class CacheServer(LocMemCache):
    """Stands in for a cache server that answers (Redis needs a server)."""


class ForgetfulCacheServer(DummyCache):
    """A cache server that accepts a value and then does not have it."""


def cache_settings(backend, **extra):
    return {"default": {"BACKEND": backend, **extra}}


def probe(**headers):
    return Client(raise_request_exception=False).get("/healthz", **headers)


def test_healthy_site_answers_200_with_what_it_checked(db):
    response = probe()

    assert response.status_code == 200
    assert response.json() == HEALTHY
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_a_probe_with_a_staff_session_touches_no_session_and_gets_no_cookie(db, editor_user, django_assert_num_queries):
    client = Client()
    client.force_login(editor_user)

    with django_assert_num_queries(1):  # the health check's own query; no session or user lookup
        response = client.get("/healthz")

    assert response.status_code == 200
    assert not response.cookies


def test_the_database_failing_gives_503_naming_it(db, caplog):
    with database_fails("connection refused"):
        response = probe()

    assert response.status_code == 503
    assert response.json() == {"status": "failed", "database": "failed", "cache": "not configured"}
    assert response["Cache-Control"] == "no-store"
    assert "connection refused" not in response.content.decode()  # reasons go to the log
    assert any("database did not answer: connection refused" in record.getMessage() for record in caplog.records)


def test_a_probe_never_gets_a_stored_answer(db):
    assert probe().status_code == 200

    with database_fails():
        assert probe().status_code == 503

    assert probe().status_code == 200


def unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_redis_cache_that_does_not_answer_gives_503_naming_it(db, caplog):
    unreachable = cache_settings(
        "django.core.cache.backends.redis.RedisCache",
        LOCATION=f"redis://127.0.0.1:{unused_port()}/0",
        OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    )

    with override_settings(REDIS_URL=unreachable["default"]["LOCATION"], CACHES=unreachable):
        response = probe()

    assert response.status_code == 503
    assert response.json() == {"status": "failed", "database": "ok", "cache": "failed"}
    assert any("'default' cache did not answer" in record.getMessage() for record in caplog.records)


def test_a_cache_server_that_answers_is_reported_ok(db):
    with override_settings(CACHES=cache_settings(f"{__name__}.CacheServer")):
        response = probe()

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_a_cache_server_that_loses_what_it_was_given_is_reported_failed(db):
    with override_settings(CACHES=cache_settings(f"{__name__}.ForgetfulCacheServer")):
        response = probe()

    assert response.status_code == 503
    assert response.json()["cache"] == "failed"


def redis_is_running():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379 (the fake server above covers the logic)")
def test_a_real_redis_is_checked_with_a_set_and_get(db):
    redis = cache_settings(
        "django.core.cache.backends.redis.RedisCache",
        LOCATION="redis://127.0.0.1:6379/0",
        KEY_PREFIX=f"msinfo-healthz-test-{uuid.uuid4().hex}",
    )

    with override_settings(REDIS_URL=redis["default"]["LOCATION"], CACHES=redis):
        response = probe()

    assert response.status_code == 200
    assert response.json()["cache"] == "ok"


def test_head_answers_with_the_same_status_and_no_body(db):
    response = Client().head("/healthz")

    assert response.status_code == 200
    assert response.content == b""
    assert response["Cache-Control"] == "no-store"


def test_other_methods_are_refused(db):
    assert Client().post("/healthz").status_code == 405


@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_plain_http_probe_is_answered_while_pages_redirect_to_https(db):
    assert probe().status_code == 200
    assert Client().get("/").status_code == 301


def test_the_probes_host_must_be_an_allowed_host(db):
    assert "10.0.0.7" not in settings.ALLOWED_HOSTS

    assert probe(HTTP_HOST="10.0.0.7").status_code == 400
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "10.0.0.7"]):
        assert probe(HTTP_HOST="10.0.0.7").status_code == 200
