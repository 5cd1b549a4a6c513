"""Two app servers sharing one cache: a page published through one is served
new by the other at once.

Two gunicorn processes (one worker each, on their own ports) run the site
production-like against one SQLite database, sharing Redis (REDIS_URL) or,
without Redis, the file cache of one machine (how `make serve` runs several
workers). A reviewer logs in through the real login form of the first and
publishes a page with the admin's bulk action; the second serves the new
page on its very next request, though it had the old one in the cache.

Redis is expected at 127.0.0.1:6379. Under CI a missing Redis fails the
test; elsewhere it is skipped, saying why."""

import http.cookiejar
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.browser_support import running_in_ci
from tests.serving import Gunicorn, get, manage, prepare, site_env

pytestmark = pytest.mark.server

REDIS_ADDRESS = "redis://127.0.0.1:6379"
REDIS_DB = 7
PASSWORD = "a-long-process-test-password"

SETUP = f"""
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from therapies.models import Category, Therapy

get_user_model().objects.create_superuser("boss", "boss@example.org", {PASSWORD!r})
group = Category.objects.create(
    kind="dmt", name="Process group", slug="process-group", summary="Tablets.",
    status="published", published_at=timezone.now() - datetime.timedelta(days=1),
)
Therapy.objects.create(
    generic_name="processimab", slug="processimab", category=group, route="oral",
    summary="A medicine waiting for review.", status="in_review",
)
"""


def redis_or_skip():
    """A client for the test's Redis database, or skip (fail under CI)."""
    import redis

    client = redis.Redis.from_url(f"{REDIS_ADDRESS}/{REDIS_DB}", socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        reason = f"Redis is not reachable at {REDIS_ADDRESS} ({error})"
        if running_in_ci():
            pytest.fail(f"{reason}: CI must run the shared-cache test.", pytrace=False)
        pytest.skip(reason)
    return client


@pytest.fixture(scope="module")
def prepared_site(tmp_path_factory, prepared_sites):
    """A migrated database (a copy of the run's, tests/prepared_sites.py) with
    a superuser and a therapy in review, and the static files collected: made
    once, copied for each test."""
    workdir = tmp_path_factory.mktemp("processes")
    env = site_env(workdir, database_url=prepared_sites.sqlite("migrated", workdir / "template.sqlite3"))
    prepare(env, demo=False, migrate=False, prepared=prepared_sites)
    manage(env, "shell", "-c", SETUP)
    return workdir


@pytest.fixture(params=["redis", "files"])
def shared_cache(request, tmp_path):
    """The environment that makes both processes share one cache, and the
    clean-up of whatever they stored."""
    prefix = f"test-processes-{secrets.token_hex(6)}"
    if request.param == "redis":
        client = redis_or_skip()
        yield {"REDIS_URL": f"{REDIS_ADDRESS}/{REDIS_DB}", "MSINFO_CACHE_KEY_PREFIX": prefix}
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
    else:
        yield {"REDIS_URL": "", "MSINFO_CACHE_DIR": tmp_path / "cache", "MSINFO_CACHE_KEY_PREFIX": prefix}


@pytest.fixture
def two_servers(prepared_site, shared_cache, tmp_path):
    database = tmp_path / "site.sqlite3"
    database.write_bytes((prepared_site / "template.sqlite3").read_bytes())
    env = site_env(prepared_site, database_url=f"sqlite:///{database}")
    env.update({name: str(value) for name, value in shared_cache.items()})
    env.update(MSINFO_TWO_FACTOR_REQUIRED_FOR="", MSINFO_PAGE_CACHE_SECONDS="600")
    first = Gunicorn(env, tmp_path, workers=1, name="first")
    second = Gunicorn(env, tmp_path, workers=1, name="second")
    with first, second:
        yield first, second


def fetch(server, path):
    """An anonymous GET, with the Host a proxy in front of both servers would send."""
    status, headers, body = get(server.port, path, headers={"Host": "127.0.0.1"})
    return status, headers.get("x-page-cache"), body.decode()


class Browser:
    """A visitor with cookies, on one server: urllib and a cookie jar."""

    def __init__(self, server):
        self.base = f"http://127.0.0.1:{server.port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirects)

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx and 4xx come here without redirects followed
            return error.code, error.read().decode()

    def csrf_token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def log_in(self, username, password):
        status, html = self.request("/admin/login/?next=/admin/")
        assert status == 200, html
        status, html = self.request(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_token(html), "next": "/admin/"},
        )
        assert status == 302, f"the login was refused ({status}):\n{html[:2000]}"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_page_published_through_one_server_is_served_new_by_the_other_at_once(two_servers):
    first, second = two_servers

    # The old pages, stored by one server and served from the cache by both.
    assert fetch(first, "/therapies/")[:2] == (200, "miss")
    status, cached, listing = fetch(second, "/therapies/")
    assert (status, cached) == (200, "hit") and "processimab" not in listing
    assert fetch(second, "/therapies/processimab/")[:2] == (404, "miss")
    assert fetch(first, "/therapies/processimab/")[:2] == (404, "hit")
    assert fetch(second, "/therapies/processimab/")[:2] == (404, "hit")

    # A reviewer publishes through the first server's admin.
    reviewer = Browser(first)
    reviewer.log_in("boss", PASSWORD)
    status, changelist = reviewer.request("/admin/therapies/therapy/")
    assert status == 200 and "processimab" in changelist
    therapy_id = re.search(r'name="_selected_action" value="(\d+)"', changelist).group(1)
    status, _ = reviewer.request(
        "/admin/therapies/therapy/",
        {"action": "approve_selected", "_selected_action": [therapy_id], "csrfmiddlewaretoken": reviewer.csrf_token(changelist)},
    )
    assert status == 302
    # The reviewer's own requests never touch the cache.
    assert "processimab" in reviewer.request("/therapies/processimab/")[1]

    # The second server serves the new version at once.
    status, cached, page = fetch(second, "/therapies/processimab/")
    assert (status, cached) == (200, "miss") and "A medicine waiting for review." in page
    status, cached, listing = fetch(second, "/therapies/")
    assert (status, cached) == (200, "miss") and "processimab" in listing
    assert fetch(first, "/therapies/processimab/")[:2] == (200, "hit")
