"""The anonymous page cache: who gets stored pages, which responses are
stored, what a hit costs, and what happens when the cache itself fails.

What empties the cache (every change readers can see) is in
test_page_cache_changes.py; several processes sharing one cache are in
test_page_cache_processes.py."""

import datetime
import logging
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from core import cache as page_cache
from core.cache import STATUS_HEADER, VERSION_KEY, AnonymousPageCacheMiddleware
from tests.conftest import a_quiet_moment, clock_at
from tests.page_helpers import page
from core import markup, page_keys

pytestmark = pytest.mark.django_db

# Headers added above the page cache (security headers, the CSP) are made
# afresh for every response; everything else must be exactly as stored.
FRESH_EACH_TIME = {STATUS_HEADER}


def cacheable_headers(response):
    return {name: value for name, value in response.items() if name not in FRESH_EACH_TIME}


@pytest.fixture
def therapy(make_therapy):
    return make_therapy(generic_name="cachimab", slug="cachimab", body="The **first** body.")


def test_the_second_anonymous_request_is_a_hit_identical_to_the_first_and_runs_no_sql(
    client, therapy, django_assert_num_queries
):
    first = client.get("/therapies/cachimab/")
    assert first[STATUS_HEADER] == "miss"

    with django_assert_num_queries(0):
        second = client.get("/therapies/cachimab/")

    assert second[STATUS_HEADER] == "hit"
    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert cacheable_headers(second) == cacheable_headers(first)
    assert "cachimab" in page(second).text


def test_every_public_page_is_stored(client, make_therapy, make_article, make_site_page):
    therapy = make_therapy(slug="listed")
    make_article(slug="an-article")
    make_site_page()
    urls = [
        "/", "/therapies/", "/therapies/?route=injection", therapy.get_absolute_url(),
        f"{therapy.get_absolute_url()}prices/", therapy.category.get_absolute_url(), "/emerging/", "/care/",
        "/articles/", "/articles/an-article/",
    ]
    for url in urls:
        assert client.get(url)[STATUS_HEADER] == "miss", url
    for url in urls:
        assert client.get(url)[STATUS_HEADER] == "hit", url


def test_a_head_request_is_answered_from_the_stored_page(client, therapy):
    client.get("/therapies/cachimab/")
    response = client.head("/therapies/cachimab/")
    assert response[STATUS_HEADER] == "hit" and response.status_code == 200


def test_not_found_and_permanent_redirects_are_stored_too(client, therapy, django_assert_num_queries):
    assert client.get("/therapies/no-such-thing/").status_code == 404
    with django_assert_num_queries(0):
        again = client.get("/therapies/no-such-thing/")
    assert again.status_code == 404 and again[STATUS_HEADER] == "hit"

    assert client.get("/therapies").status_code == 301  # the address without its slash
    assert client.get("/therapies")[STATUS_HEADER] == "hit"


def test_the_query_string_and_the_host_are_part_of_the_address(client, make_therapy):
    make_therapy(generic_name="injectimab", route="injection")
    make_therapy(generic_name="tabletimab", route="oral")
    client.get("/therapies/")

    filtered = client.get("/therapies/?route=oral")
    assert filtered[STATUS_HEADER] == "miss"
    assert "tabletimab" in page(filtered).text and "injectimab" not in page(filtered).text
    assert client.get("/therapies/", HTTP_HOST="localhost")[STATUS_HEADER] == "miss"
    assert client.get("/therapies/")[STATUS_HEADER] == "hit"


# --- Who never gets a stored page ---------------------------------------------------------------


def test_staff_never_get_a_stored_page_and_their_pages_are_never_stored(client, editor_web, therapy):
    client.get("/therapies/cachimab/")  # stored for anonymous readers

    for _ in range(2):
        response = editor_web.get("/therapies/cachimab/")
        assert response.status_code == 200 and response[STATUS_HEADER] == "bypass"

    cache.clear()
    editor_web.get("/therapies/cachimab/")
    assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "miss"


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_messages_cookie_goes_straight_through(client, therapy, settings, cookie):
    client.get("/therapies/cachimab/")
    name = settings.SESSION_COOKIE_NAME if cookie == "sessionid" else "messages"
    client.cookies[name] = "anything"

    response = client.get("/therapies/cachimab/")

    assert response.status_code == 200 and response[STATUS_HEADER] == "bypass"


def test_a_visitor_with_only_a_csrf_cookie_still_gets_stored_pages(client, therapy, settings):
    client.get("/therapies/cachimab/")
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "hit"


@pytest.mark.parametrize("path", ["/admin/login/", "/healthz", "/preview/therapies/therapy/1/"])
def test_the_admin_the_preview_and_the_health_check_are_never_cached(client, path):
    client.get(path)
    # /healthz is answered above the page cache, so it may not pass through it at all.
    assert client.get(path).get(STATUS_HEADER) in ("bypass", None)


def test_a_post_goes_straight_through(client, therapy):
    client.get("/therapies/cachimab/")
    assert client.post("/therapies/cachimab/")[STATUS_HEADER] == "bypass"


def test_zero_seconds_turns_the_page_cache_off(client, therapy, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/therapies/cachimab/")
    assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "bypass"
    settings.PAGE_CACHE_SECONDS = 600
    assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "miss"


def test_a_page_is_kept_no_longer_than_the_setting_says(client, therapy, settings):
    settings.PAGE_CACHE_SECONDS = 60
    start = a_quiet_moment()
    with clock_at(start):
        client.get("/therapies/cachimab/")
    with clock_at(start + datetime.timedelta(seconds=59)):
        assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "hit"
    with clock_at(start + datetime.timedelta(seconds=61)):
        assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "miss"


def test_no_page_outlasts_the_day_it_was_made_on(client, therapy):
    """Pages say things that depend on the date (a review overdue, a price out of date)."""
    before_midnight = timezone.make_aware(datetime.datetime(2026, 3, 4, 23, 59, 30))
    with clock_at(before_midnight):
        client.get("/therapies/cachimab/")
        assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "hit"
    with clock_at(before_midnight + datetime.timedelta(seconds=31)):
        assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "miss"


# --- Which responses are stored (the middleware on its own) -----------------------------------


def through_middleware(make_response, *, method="get", path="/somewhere/", cookies=None):
    """Two requests through the page cache with `make_response` as the site
    below it; returns the second response's X-Page-Cache."""
    calls = []

    def site(request):
        calls.append(request)
        return make_response(request)

    middleware = AnonymousPageCacheMiddleware(site)
    factory = RequestFactory()
    for cookie_name, value in (cookies or {}).items():
        factory.cookies[cookie_name] = value
    responses = [middleware(getattr(factory, method)(path)) for _ in range(2)]
    return responses[1][STATUS_HEADER], len(calls)


def plain(request):
    return HttpResponse("<p>A page.</p>")


def with_cookie(request):
    response = plain(request)
    response.set_cookie("csrftoken", "abc")
    return response


def with_message_cookie(request):
    response = plain(request)
    response.set_cookie("messages", "Saved.")
    return response


def session_read(request):
    """What SessionMiddleware does when the page read the (empty) session."""
    response = plain(request)
    response["Vary"] = "Cookie"
    return response


def header(name, value):
    def make(request):
        response = plain(request)
        response[name] = value
        return response

    return make


def status(code):
    return lambda request: HttpResponse("<p>Status.</p>", status=code)


def with_csp_nonce(request):
    request._csp_nonce = "abc123"  # what django-csp sets once a template asks for request.csp_nonce
    return plain(request)


def test_an_ordinary_page_is_stored():
    assert through_middleware(plain) == ("hit", 1)


def test_a_page_that_read_the_empty_session_of_a_visitor_without_cookies_is_stored():
    """Every public page reads it (the staff-session middleware asks who the
    visitor is), and every visitor without a session cookie has the same one."""
    assert through_middleware(session_read) == ("hit", 1)


@pytest.mark.parametrize(
    "make_response",
    [
        with_cookie,
        with_message_cookie,
        header("Cache-Control", "private"),
        header("Cache-Control", "no-store"),
        header("Cache-Control", "max-age=0, no-cache"),
        header("Vary", "Accept-Language"),
        status(500),
        status(503),
        status(302),
        status(403),
        with_csp_nonce,
    ],
    ids=[
        "sets-a-cookie", "sets-a-message", "private", "no-store", "no-cache", "vary-other",
        "500", "503", "302", "403", "csp-nonce",
    ],
)
def test_responses_that_belong_to_one_visitor_or_must_not_be_kept_are_never_stored(make_response):
    assert through_middleware(make_response) == ("miss", 2)


def test_a_head_request_stores_nothing():
    assert through_middleware(plain, method="head") == ("miss", 2)


# --- A cache that fails -----------------------------------------------------------------------


class BrokenCache(LocMemCache):
    """A cache whose server is unreachable: every operation raises."""

    calls = 0

    def _fail(self, *args, **kwargs):
        type(self).calls += 1
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = set = add = get_many = set_many = delete = incr = has_key = _fail


BROKEN = {"default": {"BACKEND": f"{__name__}.BrokenCache", "LOCATION": "broken"}}


def test_a_failing_cache_serves_pages_uncached_and_logs_it(client, therapy, caplog):
    BrokenCache.calls = 0
    with override_settings(CACHES=BROKEN), caplog.at_level(logging.ERROR, logger="core.cache"):
        responses = [client.get("/therapies/cachimab/") for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert all(response[STATUS_HEADER] == "bypass" for response in responses)
    assert "The first body." in page(responses[0]).text
    assert "The cache failed" in caplog.text
    # After one failure the process leaves the cache alone for a few seconds,
    # so a hung cache does not cost a timeout on every request.
    assert BrokenCache.calls == 1


def test_a_failing_cache_is_tried_again_after_a_pause(client, therapy):
    with override_settings(CACHES=BROKEN):
        assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "bypass"
    # The cache is back, but this process waits out its pause first.
    assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "bypass"
    with mock.patch("core.cache.time.monotonic", return_value=page_cache.health.retry_at + 1):
        assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "miss"
        assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "hit"


def test_an_unreachable_redis_gives_the_page_not_an_error(client, therapy):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/therapies/cachimab/")
    assert response.status_code == 200 and response[STATUS_HEADER] == "bypass"
    assert "cachimab" in page(response).text


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_the_cache_fails_empties_it_once_the_cache_is_back(make_therapy):
    make_therapy(generic_name="retrymab", slug="retrymab", summary="Old summary.")
    client = Client()
    client.get("/therapies/retrymab/")
    assert client.get("/therapies/retrymab/")[STATUS_HEADER] == "hit"

    with mock.patch.object(cache, "set", side_effect=ConnectionError("down")):
        from therapies.models import Therapy

        Therapy.objects.filter(slug="retrymab").update(summary="New summary.")
        page_cache.content_changed()
    assert page_cache.health.bump_owed

    with mock.patch("core.cache.time.monotonic", return_value=page_cache.health.retry_at + 1):
        response = client.get("/therapies/retrymab/")
    assert response[STATUS_HEADER] == "miss" and "New summary." in page(response).text
    assert not page_cache.health.bump_owed


# --- The content version: on commit, once per transaction ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_version_changes_when_the_transaction_commits_and_once_per_transaction(make_therapy, make_category):
    category = make_category()
    Client().get("/")  # starts a content version
    before = cache.get(VERSION_KEY)
    assert before

    with mock.patch.object(page_cache, "_new_token", wraps=page_cache._new_token) as new_token:
        with transaction.atomic():
            make_therapy(category=category)
            make_therapy(category=category)
            category.summary = "Changed."
            category.save()
            assert cache.get(VERSION_KEY) == before  # not yet committed: readers still see the old rows
        assert cache.get(VERSION_KEY) != before
        assert new_token.call_count == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_the_version_alone(make_category):
    category = make_category()
    Client().get("/")
    before = cache.get(VERSION_KEY)

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            category.summary = "Never committed."
            category.save()
            raise RuntimeError
    assert cache.get(VERSION_KEY) == before

    # A change in a savepoint that is rolled back, then one that is kept.
    with transaction.atomic():
        try:
            with transaction.atomic():
                category.summary = "Rolled back."
                category.save()
                raise RuntimeError
        except RuntimeError:
            pass
        category.summary = "Kept."
        category.save()
    assert cache.get(VERSION_KEY) != before


# --- Logins, sessions and lockouts never empty the cache --------------------------------------


def test_staff_logging_in_failing_to_log_in_and_enrolling_a_device_leave_the_cache_alone(
    client, therapy, django_user_model
):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.get("/therapies/cachimab/")
    before = cache.get(VERSION_KEY)

    staff = django_user_model.objects.create_user("sam", password="a-long-test-password", is_staff=True)
    visitor = Client()
    visitor.post("/admin/login/", {"username": "sam", "password": "wrong password"})  # a lockout attempt is recorded
    visitor.post("/admin/login/", {"username": "sam", "password": "a-long-test-password"})  # a session, last_login
    assert visitor.get("/admin/").status_code == 200
    TOTPDevice.objects.create(user=staff, name="phone")
    StaticDevice.objects.create(user=staff, name="recovery codes")

    assert cache.get(VERSION_KEY) == before
    assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "hit"


def test_the_login_attempt_really_was_recorded(client, django_user_model):
    """The test above would prove nothing if a failed login left no row."""
    from axes.models import AccessAttempt, AccessFailureLog

    django_user_model.objects.create_user("sam", password="a-long-test-password", is_staff=True)
    client.post("/admin/login/", {"username": "sam", "password": "wrong password"})
    assert AccessAttempt.objects.exists() or AccessFailureLog.objects.exists()


# --- Rendered Markdown -----------------------------------------------------------------------


def test_an_edited_body_shows_the_new_text(client, make_therapy):
    therapy = make_therapy(generic_name="markimab", slug="markimab", body="The **old** body.")
    assert "The old body." in page(client.get("/therapies/markimab/")).text

    therapy.body = "The **new** body."
    therapy.save()

    text = page(client.get("/therapies/markimab/")).text
    assert "The new body." in text and "old body" not in text


def test_rendered_markdown_is_shared_between_processes_and_keyed_by_the_text():
    markup._rendered.cache_clear()
    with mock.patch.object(markup, "_sanitised_html", wraps=markup._sanitised_html) as render:
        assert str(markup.render_markdown("Some **bold** text.")) == "<p>Some <strong>bold</strong> text.</p>"
        markup._rendered.cache_clear()  # as a second worker process would start
        assert str(markup.render_markdown("Some **bold** text.")) == "<p>Some <strong>bold</strong> text.</p>"
        assert render.call_count == 1  # the second came from the shared cache

        assert str(markup.render_markdown("Other *text*.")) == "<p>Other <em>text</em>.</p>"
        assert render.call_count == 2


def test_a_change_to_the_renderer_never_serves_html_rendered_the_old_way(monkeypatch):
    markup._rendered.cache_clear()
    markup.render_markdown("A <script>x</script> text.")
    monkeypatch.setattr(markup, "RENDERER_FINGERPRINT", "a-new-renderer")
    markup._rendered.cache_clear()
    with mock.patch.object(markup, "_sanitised_html", return_value="<p>rendered again</p>"):
        assert str(markup.render_markdown("A <script>x</script> text.")) == "<p>rendered again</p>"


def test_markdown_is_rendered_when_the_cache_fails():
    markup._rendered.cache_clear()
    with override_settings(CACHES=BROKEN):
        assert str(markup.render_markdown("Still **works**.")) == "<p>Still <strong>works</strong>.</p>"


# --- Releases and settings ---------------------------------------------------------------------


def test_a_change_to_a_setting_a_page_shows_is_not_hidden_by_the_cache(client, therapy, settings):
    client.get("/therapies/cachimab/")
    assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "hit"
    settings.REVIEW_INTERVAL_MONTHS = 6
    assert client.get("/therapies/cachimab/")[STATUS_HEADER] == "miss"


def test_a_new_release_does_not_serve_the_pages_of_the_last_one(settings, tmp_path):
    """The code fingerprint covers the project's templates and code, so an
    edited template (after a restart) means fresh pages."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<p>Before.</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}]
    before = page_keys.code_fingerprint.__wrapped__()
    assert page_keys.code_fingerprint.__wrapped__() == before  # the same release: the same pages

    (templates / "page.html").write_text("<p>After.</p>")

    assert page_keys.code_fingerprint.__wrapped__() != before
