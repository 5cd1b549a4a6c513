"""Shared fixtures: small factories that make valid, published content so each
test states only what matters to it."""

import datetime
import itertools
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from django.apps import apps as django_apps

from articles.models import Article
from pages.models import SitePage
from accounts.roles import ensure_roles
from therapies.models import Category, Therapy
from prices.models import CostEstimate

_sequence = itertools.count(1)

# Fixtures that give a test the suite's test database (pytest-django's).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


# --- Which tests the PostgreSQL pass runs (.ci/run, docs/testing.md) -----------------------
#
# `database_specific`: a test whose outcome can differ by database, so CI runs
# it on PostgreSQL as well as on SQLite. Given automatically (below) to a test
# that
#   - commits real transactions (transactional_db, reset sequences, a
#     django_db(transaction=True) mark): on_commit work, locking, isolation;
#   - runs migrations (the `migration` marker): schema changes are SQL per database;
#   - counts SQL queries (django_assert_num_queries, django_assert_max_num_queries,
#     CaptureQueriesContext): savepoints and query plans differ per backend;
# and to every test of the files below, whose subject is how the database behaves.
# Everything else (pages, forms, permissions, rendering, text) runs on SQLite
# only: the ORM makes the same rows either way.
REAL_TRANSACTION_FIXTURES = {"transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
QUERY_COUNT_FIXTURES = {"django_assert_num_queries", "django_assert_max_num_queries"}
QUERY_COUNT_NAMES = {"CaptureQueriesContext"}
DATABASE_SPECIFIC_FILES = {
    # Connections, timeouts, a database that is busy, down or hangs; per-database health query.
    "tests/core/test_database_failures.py",
    "tests/core/test_database_hang.py",
    "tests/core/test_healthz.py",
    # Locking (select_for_update) and atomic saves in the review workflow.
    "tests/editorial/test_concurrent_edits.py",
    "tests/editorial/test_edit_conflicts.py",
    "tests/editorial/test_workflow.py",
    "tests/editorial/test_scheduling.py",
    # A second factor's codes are used once, under a row lock.
    "tests/accounts/test_two_factor.py",
    # Constraints the database itself enforces, and what it refuses to store (NUL bytes).
    "tests/site/test_constraints.py",
    "tests/site/test_hostile_input.py",
    # The suite's own raw-SQL copying of rows and sequences (tests/database_state.py)
    # and the demo loader that production runs on PostgreSQL.
    "tests/site/test_database_state.py",
    "tests/site/test_demo_content.py",
    # Price imports (bulk writes, a per-database path in prices/pricing/applying.py),
    # corrections under row locks, the newest figure picked by SQL, streamed and aggregated data.
    "tests/prices/test_import_prices.py",
    "tests/prices/test_import_hardening.py",
    "tests/prices/test_price_import_admin.py",
    "tests/prices/test_price_corrections.py",
    "tests/prices/test_price_history.py",
    "tests/prices/test_price_scale.py",
    "tests/prices/test_open_data.py",
    "tests/prices/test_open_data_kinds.py",
    # Site search: SQLite FTS5 and PostgreSQL full-text search are two backends
    # (search/backends.py); the search log's counting upserts; case-insensitive lookups.
    "tests/search/test_search.py",
    "tests/search/test_search_index.py",
    "tests/search/test_search_log.py",
    "tests/search/test_synonyms.py",
    "tests/search/test_findability.py",
}
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _real_transaction(item, fixtures):
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    return bool(fixtures & REAL_TRANSACTION_FIXTURES) or bool(marker and any(validate_django_db(marker)[:2]))


def _names_used(code):
    """The names a function's code refers to, its nested functions' included."""
    names = {*code.co_names, *code.co_varnames}
    for constant in code.co_consts:
        if hasattr(constant, "co_names"):
            names |= _names_used(constant)
    return names


def _counts_queries(item, fixtures):
    """By a fixture, or CaptureQueriesContext in the test or in a function of
    its module that it calls (a helper that counts)."""
    if fixtures & QUERY_COUNT_FIXTURES:
        return True
    code = getattr(getattr(item, "function", None), "__code__", None)
    if code is None:
        return False
    names = _names_used(code)
    module = vars(item.module) if getattr(item, "module", None) else {}
    for name in list(names):
        helper = getattr(module.get(name), "__code__", None)
        if helper is not None:
            names |= _names_used(helper)
    return bool(QUERY_COUNT_NAMES & names)


def database_specific(item):
    """Why `item` is database_specific (a short reason), or None."""
    fixtures = set(getattr(item, "fixturenames", ()))
    if item.path.relative_to(PROJECT_ROOT).as_posix() in DATABASE_SPECIFIC_FILES:
        return "file"
    if item.get_closest_marker("migration"):
        return "migration"
    if _real_transaction(item, fixtures):
        return "transaction"
    if _counts_queries(item, fixtures):
        return "query count"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Markers a test gets from what it uses, before -m selects (pyproject.toml):
    `server` for a test of pytest-django's live_server, `database` for a test
    of the test database (a fixture above, directly or through other fixtures,
    or a django_db mark), `database_specific` by the rule above. The suite's
    PostgreSQL pass (.ci/run) selects on them."""
    # A file named in the rule that is gone would drop its tests from the
    # PostgreSQL pass without a word: fail instead.
    missing = sorted(path for path in DATABASE_SPECIFIC_FILES if not (PROJECT_ROOT / path).is_file())
    if missing:
        raise pytest.UsageError(f"tests/conftest.py DATABASE_SPECIFIC_FILES names files that do not exist: {missing}")
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "live_server" in fixtures:
            item.add_marker(pytest.mark.server)
        if fixtures & DATABASE_FIXTURES or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)
        if database_specific(item):
            item.add_marker(pytest.mark.database_specific)


# Tests that take many seconds each: child processes, a browser, migrations.
LONG_RUNNING = ("slow", "browser", "server", "accessibility", "migration")


class _LongFilesFirst:
    """pytest-xdist (--dist worksteal: Makefile, .ci/run) gives each worker a
    share of the collected tests in their order, and a worker whose share is
    done takes tests from the end of another's. The files with long tests go
    first, so that the many short ones are what is left to share at the end:
    a one-minute test begun last keeps one worker busy while the other has
    nothing left to do. Each file's tests stay together, so a file's
    fixtures are mostly made once. After pytest-django's ordering (hence trylast), which groups the
    tests by how they use the database; the order of the files themselves
    does not matter to them (pytest_runtest_teardown below)."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        long_files = {item.path for item in items if any(item.get_closest_marker(name) for name in LONG_RUNNING)}
        first_seen = {}
        for item in items:
            first_seen.setdefault(item.path, len(first_seen))
        # Each file's tests together, in the order they were in.
        items.sort(key=lambda item: (item.path not in long_files, first_seen[item.path]))


def pytest_configure(config):
    config.pluginmanager.register(_LongFilesFirst(), "msinfo-long-files-first")


# Published and live since a fixed moment in the past.
LIVE = {"status": "published", "published_at": datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.timezone.utc)}


def _published_flag(fields):
    """Lets a test say is_published=False for content readers must not see."""
    fields = dict(fields)
    if "is_published" in fields:
        fields.update(LIVE if fields.pop("is_published") else {"status": "draft", "published_at": None})
    return fields


@pytest.fixture
def make_category(db):
    def make(**fields):
        n = next(_sequence)
        values = {
            "kind": Category.Kind.DISEASE_MODIFYING,
            "name": f"Category {n}",
            "slug": f"category-{n}",
            "display_order": n,
            "summary": f"Summary of category {n}.",
            "body": f"Body of category {n}.",
            "administration": "Self-injection, once a week",
            **LIVE,
            "last_reviewed": datetime.date(2026, 1, 10),
        }
        values.update(_published_flag(fields))
        return Category.objects.create(**values)

    return make


@pytest.fixture
def make_therapy(db, make_category):
    def make(**fields):
        n = next(_sequence)
        values = {
            "generic_name": f"therapymab {n}",
            "slug": f"therapymab-{n}",
            "brand_names": f"Brand{n}",
            "route": Therapy.Route.INJECTION,
            "frequency": "Once a week",
            "mechanism": "Calms the immune system.",
            "summary": f"Summary of therapy {n}.",
            "body": f"Body of therapy {n}.",
            **LIVE,
            "last_reviewed": datetime.date(2026, 1, 10),
        }
        values.update(_published_flag(fields))
        if "category" not in values:
            values["category"] = make_category()
        return Therapy.objects.create(**values)

    return make


@pytest.fixture
def make_estimate(db):
    def make(subject, **fields):
        values = {
            "low": Decimal("60000"),
            "high": Decimal("80000"),
            "currency": "USD",
            "as_of": timezone.localdate() - datetime.timedelta(days=30),
            "source_name": "Test price survey",
            "source_url": "https://example.org/prices",
        }
        values.update(fields)
        key = "therapy" if isinstance(subject, Therapy) else "category"
        return CostEstimate.objects.create(**{key: subject}, **values)

    return make


@pytest.fixture
def make_article(db):
    def make(**fields):
        n = next(_sequence)
        values = {
            "title": f"Article {n}",
            "slug": f"article-{n}",
            "standfirst": f"Standfirst of article {n}.",
            "body": f"Body of article {n}.",
            "byline": "A. Writer",
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - datetime.timedelta(days=n),
            "last_reviewed": datetime.date(2026, 1, 10),
        }
        values.update(fields)
        return Article.objects.create(**values)

    return make


@pytest.fixture
def make_site_page(db):
    """A live site text (the home page's "What is MS?" unless `key` says otherwise)."""

    def make(**fields):
        values = {
            "key": SitePage.Key.HOME_INTRODUCTION,
            "title": "What is MS?",
            "body": "MS is an autoimmune disease: the immune system damages **myelin**.",
            **LIVE,
            "last_reviewed": datetime.date(2026, 1, 10),
        }
        values.update(_published_flag(fields))
        return SitePage.objects.create(**values)

    return make


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# --- People in the three editorial roles (groups made by a data migration) ---------------


@pytest.fixture
def person(db, django_user_model):
    # A browser test (live server) flushes every table afterwards, groups included.
    ensure_roles(django_apps)

    def make(username, group=None, **fields):
        user = django_user_model.objects.create_user(username, password="a-long-test-password", is_staff=True, **fields)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return django_user_model.objects.get(pk=user.pk)  # fresh permission cache

    return make


@pytest.fixture
def editor_user(person):
    return person("edna", "Editors", first_name="Edna", last_name="Editor")


@pytest.fixture
def second_editor(person):
    return person("ed2", "Editors", first_name="Eddie", last_name="Second")


@pytest.fixture
def reviewer(person):
    return person("rita", "Medical reviewers", first_name="Rita", last_name="Reviewer")


@pytest.fixture
def price_editor(person):
    return person("pat", "Price editors", first_name="Pat", last_name="Prices")


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def editor_web(editor_user):
    return logged_in(editor_user)


@pytest.fixture
def reviewer_web(reviewer):
    return logged_in(reviewer)


@pytest.fixture
def price_web(price_editor):
    return logged_in(price_editor)


# --- Two-factor authentication ----------------------------------------------------------

# Django's own, before the fixture below extends it.
_password_only_force_login = Client.force_login


@pytest.fixture(autouse=True)
def force_login_includes_second_factor(monkeypatch):
    """tests/settings.py keeps the production rule: superusers and medical
    reviewers must sign in with a second factor. force_login stands for a
    finished sign-in, so here it includes the second step: the user gets a
    confirmed authenticator app and the session is marked as verified by it,
    as accounts.views.verify would. tests/test_accounts_*.py sign in through
    the real pages, and use `password_only_login` for a session without it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def force_login(self, user, backend=None):
        _password_only_force_login(self, user, backend)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test suite's app", defaults={"confirmed": True})
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def password_only_login():
    """Signs `user` in on `client` without the second step, as a session that
    began before two-factor authentication became required for them would be."""

    def log_in(client, user):
        _password_only_force_login(client, user)
        return client

    return log_in


# --- The page cache ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def page_cache_per_test(monkeypatch):
    """Each test starts with an empty cache, so no test sees a page another
    test stored. And inside a test wrapped in a transaction that is never
    committed (the `db` fixture), a change replaces the content version at
    once instead of on a commit that never comes; tests that check the
    on-commit timing itself use a real transaction (transactional_db)."""
    from django.core.cache import cache
    from django.db import transaction

    from core import cache as page_cache
    from core import transactions

    cache.clear()
    monkeypatch.setattr(page_cache, "health", page_cache._CacheHealth())
    committing = transactions.once_on_commit

    def when_committed(func, using=None):
        blocks = transaction.get_connection(using).atomic_blocks
        if blocks and blocks[0]._from_testcase:
            func()
        else:
            committing(func, using)

    # The search index's updates too (search/index.py): both wait for a commit.
    monkeypatch.setattr(transactions, "once_on_commit", when_committed)

    # Values kept while the content is unchanged (core.kept) are kept in a
    # test's own transaction too, as if it were committed.
    def in_transaction(using=None):
        blocks = transaction.get_connection(using).atomic_blocks
        return len(blocks) > (1 if blocks and blocks[0]._from_testcase else 0)

    monkeypatch.setattr(transactions, "in_transaction", in_transaction)


def a_quiet_moment():
    """Noon tomorrow in the site's time zone: a test that moves the clock on
    by minutes from "now" would cross midnight, when every stored page ends,
    if the suite ran just before it. Content made at the real time is live by then."""
    import datetime

    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(12)))


def clock_at(moment):
    """The site's clock reads `moment` inside the `with` block. Tests of
    scheduled changes move time, not the schedule: a page may rightly be
    served from the cache until the scheduled moment, and no longer."""
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=moment)


# --- Each test starts from the database as migrate made it -------------------------------

_migrated = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and a note of its rows as migrate made
    them (the roles' groups, content types, permissions)."""
    from django.db import connection

    from tests.database_state import database_state

    with django_db_blocker.unblock():
        _migrated["state"] = database_state()
    _migrated["blocker"] = django_db_blocker
    _migrated["name"] = connection.settings_dict["NAME"]
    yield
    _migrated.clear()  # the test database goes next


def _flushes_the_database(item):
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker and any(validate_django_db(marker)[:2]):  # transaction, reset_sequences
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (transactional_db, live_server, a browser or
    migration test) ends with pytest-django emptying every table, the rows
    the migrations made included. Afterwards those rows are put back, so the
    next test finds the database as migrate made it, in whatever order
    pytest-xdist hands out the files (one process runs such tests last)."""
    result = yield
    if nextitem is not None and "state" in _migrated and _flushes_the_database(item):
        from django.db import connection

        from tests.database_state import restore

        assert connection.settings_dict["NAME"] == _migrated["name"], "only ever the test database"

        with _migrated["blocker"].unblock():
            restore(_migrated["state"])
    return result


# --- The demo content --------------------------------------------------------------------


@pytest.fixture
def demo_content(db):
    """The demo content in the test database, as `manage.py load_demo_content`
    makes it there; returns what the loader printed. The loader runs once per
    test process and later tests get its rows copied in (tests/database_state.py).
    Tests of a second or failing run of the loader call the command."""
    from tests.database_state import template

    return template.load()


# --- Site databases for tests that run the site in other processes ----------------------


def _run_folder(tmp_path_factory):
    """The run's temporary folder, shared by pytest-xdist's workers (each has
    a folder of its own inside it)."""
    import os

    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def prepared_sites(tmp_path_factory):
    """Migrated databases, with or without the demo content, made once per
    run and copied for each test (tests/prepared_sites.py)."""
    from tests.prepared_sites import PreparedSites

    return PreparedSites(_run_folder(tmp_path_factory))


def pytest_sessionfinish(session):
    # Once, after every worker has finished: in pytest-xdist's controller,
    # or in the only process without it.
    if hasattr(session.config, "workerinput"):
        return
    from tests.prepared_sites import drop_postgres_templates

    drop_postgres_templates(session.config._tmp_path_factory.getbasetemp())


@pytest.fixture
def page_cache_off(settings):
    """Every request renders its page: what is tested is a kept fragment alone."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def fragment_renders():
    """A spy on core.fragments' rendering: its calls are the kept fragments
    that were rendered rather than found."""
    from core import fragments

    with mock.patch.object(fragments, "render_to_string", wraps=fragments.render_to_string) as spy:
        yield spy
