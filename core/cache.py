"""The page cache: anonymous readers get stored pages, and no stored page is
ever older than the content it shows.

How a page stays fresh:

- One site-wide *content version* (a random token) lives in the shared cache.
  Every stored page carries the token it was rendered under and is served
  only while that token is still current. A change readers could see
  replaces the token once its transaction commits, so every page stored
  before the change stops being served at that moment, on every app server
  sharing the cache. (Bumping on commit, not on save, matters: a page
  rendered from the old rows while the change was uncommitted carries the
  old token.)
- The token changes through model signals for every model readers may see:
  each app that holds such models names them with `core.watching.watch()` (the editorial
  engine its own and the reviewed content's, editorial/changes.py; prices
  theirs). Paths that send no signal (a queryset `update()`, raw SQL) call
  `content_changed()` themselves. Logins, sessions and lockouts are watched
  by nobody, so staff activity never empties the cache.
- A page that shows only a few records can say so (`page_depends_on`),
  naming them as *subjects* ("therapies.therapy:12"). Apps name the
  subjects a change to their records touches (`core.watching.watch_subjects`: a therapy
  touches itself, its group, and the articles that mention it). Such a
  change replaces the content version and the tokens of its subjects only;
  a page that named its subjects is served while those tokens and the
  *shared* version (replaced by every change no app has narrowed: a
  reviewer's name, a price kind, a group) are unchanged. So approving one
  therapy empties its page, its group's pages and every page that named no
  subjects (lists, the home page, search), and leaves an unrelated article's
  page stored. A narrowed page's subject tokens are read after it is
  rendered, and it is stored only if the content version is still the one
  read before rendering: a change committed meanwhile is either seen in that
  version, or replaces subject tokens the stored page already holds.
- Time changes pages too: content scheduled to go live or to expire, and
  approved revisions waiting for their go-live time. A page is stored only
  until the next such moment (and at most PAGE_CACHE_SECONDS; the apps
  say what is scheduled through `add_schedule()`), so the first request
  after it renders the page again; for a scheduled revision that
  request also applies it (editorial.public.public_page), which replaces
  the token.

Page keys (core.page_keys) also hold a fingerprint of the release (code, templates, pinned
requirements, static manifest) and of the settings a page shows, so a new
release or setting never serves pages made by the old one.

A stored page holds its body as rendered and, where it may be compressed,
gzip-compressed once when it is stored (core/compression.py): both in the one
entry, under the one token, so neither outlives the other, and a hit
compresses nothing.

A hit is one cache round trip (the versions and the page in one `get_many`),
two for a page that named its subjects, and no SQL. The cache is an optimisation: if it fails (Redis down or hung), the
page is served uncached and the failure logged, never a 500.
"""

import datetime
import logging
import math
import secrets
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.utils import timezone

from core import compression, transactions
from core.page_keys import page_key

logger = logging.getLogger(__name__)

# Response header saying how the page cache treated a request: "hit" (served
# from the cache), "miss" (rendered; stored if it may be) or "bypass" (not a
# request the cache serves, or the cache is off or failing).
STATUS_HEADER = "X-Page-Cache"

# Replaced by every change readers could see.
VERSION_KEY = "content-version"
# Replaced by every change not narrowed to subjects (core.watching.watch_subjects).
SHARED_VERSION_KEY = "content-version:shared"
SUBJECT_VERSION_KEY = "content-version:subject:{}"
SCHEDULE_KEY = "schedule:{}"

# Staff pages, previews of unpublished work and the health check are never
# stored or served from the cache, whatever their headers say.
NEVER_CACHED_PATHS = ("/admin/", "/preview/", "/healthz")
# Pages worth storing: a page, a renamed page's permanent redirect, and "not
# found" (so a flood of requests for a missing page costs no queries either).
STORED_STATUSES = frozenset({200, 301, 404})
# After a cache failure this process serves pages uncached for this long
# before trying the cache again, so a hung Redis costs one socket timeout
# every few seconds, not several per request.
RETRY_AFTER_FAILURE_SECONDS = 5
# A schedule with nothing scheduled is kept this long; any change replaces
# the token and so the schedule with it.
UNSCHEDULED_SECONDS = 24 * 60 * 60


class CacheUnavailable(Exception):
    """The shared cache failed; the caller carries on without it."""


class _CacheHealth:
    """This process's view of whether the shared cache works."""

    def __init__(self):
        self.retry_at = 0.0
        # A change committed while the cache was failing: the token must be
        # replaced before this process serves a stored page again.
        self.bump_owed = False

    def usable(self):
        return time.monotonic() >= self.retry_at

    def failed(self, action):
        first = self.usable()
        self.retry_at = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
        if first:
            logger.exception(
                "The cache failed while %s; serving without it for %s seconds.", action, RETRY_AFTER_FAILURE_SECONDS
            )


health = _CacheHealth()


def _shared(action, operation, *args, **kwargs):
    """cache.<operation>(...), or CacheUnavailable if the cache fails (or
    failed a moment ago)."""
    if not health.usable():
        raise CacheUnavailable
    try:
        return getattr(cache, operation)(*args, **kwargs)
    except Exception as error:  # any backend's failure: connection, timeout, disk, unpickling
        health.failed(action)
        raise CacheUnavailable from error


# --- The content version -----------------------------------------------------------------


def _new_token():
    # Random, not a counter: a new value is one plain `set` on every backend
    # (the file cache has no atomic increment), and two installs that
    # somehow share keys still never agree on a version by chance.
    return secrets.token_hex(8)


def bump_content_version(subjects=None):
    """Replace the content version now, so no stored page made before is
    served again: every page if `subjects` is None, otherwise the pages that
    named none of their subjects or any of `subjects`. Never raises: a
    failure is logged, and the next request of this process empties every
    page before serving one (other processes may serve stored pages until
    then, for at most PAGE_CACHE_SECONDS)."""
    token = _new_token()
    # The content version first: a page being rendered meanwhile that reads
    # its subjects' tokens before this version sees the old tokens or is not
    # stored (AnonymousPageCacheMiddleware._store_narrowed).
    later = [SHARED_VERSION_KEY] if subjects is None else [SUBJECT_VERSION_KEY.format(s) for s in sorted(subjects)]
    try:
        cache.set(VERSION_KEY, token, timeout=None)
        cache.set_many(dict.fromkeys(later, token), timeout=None)
    except Exception:
        health.bump_owed = True
        health.failed("replacing the content version after a change")
        logger.error("The content version could not be replaced after a change; stored pages may be out of date.")
    else:
        if subjects is None:
            health.bump_owed = False


def _start_version(name):
    """A version for a new or emptied cache. If another process started one
    first, theirs."""
    token = _new_token()
    if not _shared("starting the content version", "add", name, token, timeout=None):
        token = _shared("reading the content version", "get", name) or token
    return token


def content_version():
    """The current content version, or None if the shared cache is failing
    (or owes a replacement this process could not make)."""
    try:
        if health.bump_owed:
            bump_content_version()
            if health.bump_owed:
                return None
        return _shared("reading the content version", "get", VERSION_KEY) or _start_version(VERSION_KEY)
    except CacheUnavailable:
        return None


def content_changed(using=None):
    """Something readers can see has changed (or will, on commit): stored
    pages must not be served once the change is committed.

    Saves and deletes of watched models call this through signals. Call it
    yourself after a change that sends no signal: a queryset `update()`,
    `bulk_create`, raw SQL."""
    pending = _pending(using)
    pending.everything = True
    transactions.once_on_commit(pending.commit, using)


def subjects_changed(subjects, using=None):
    """Only the pages that show these subjects (and those that named none)
    change, once the transaction commits."""
    pending = _pending(using)
    pending.subjects.update(subjects)
    transactions.once_on_commit(pending.commit, using)


class _PendingChanges:
    """What the current transaction of one database connection (each thread
    has its own) has changed, replaced in one go once it commits."""

    def __init__(self):
        self.everything = False
        self.subjects = set()
        # One object for the whole life of the connection: once_on_commit
        # registers it once per transaction.
        self.commit = self._bump

    def _bump(self):
        everything, subjects = self.everything, self.subjects
        self.everything, self.subjects = False, set()
        if everything:
            bump_content_version()
        elif subjects:
            bump_content_version(subjects)


def _pending(using):
    connection = transaction.get_connection(using)
    pending = getattr(connection, "_page_cache_pending", None)
    if pending is None:
        pending = connection._page_cache_pending = _PendingChanges()
    return pending


# --- Which changes count -----------------------------------------------------------------
# The apps that hold what readers see say which of their models count
# (core.watching) and what time alone will change (add_schedule(), from
# their AppConfig.ready()): the cache names no app.

_schedules = []


def page_depends_on(request, subjects):
    """The page being made for `request` shows only these subjects' content
    (besides what every page shows: changes no app has narrowed empty it
    too). Call it only when that is certain; a page that does not call it
    is emptied by every change."""
    request._page_cache_subjects = frozenset(subjects)


def add_schedule(moments):
    """`moments(now)` returns querysets, each of one column named `moment`:
    times after `now` at which time alone changes what readers see (content
    going live or expiring). A page is stored only until the first of them."""
    if moments not in _schedules:
        _schedules.append(moments)


def next_scheduled_change(now=None):
    """The earliest moment after `now` at which time alone changes what
    readers see, or None. One query however many kinds of content there are."""
    now = now or timezone.now()
    querysets = [
        queryset.order_by().values_list("moment", flat=True) for moments in _schedules for queryset in moments(now)
    ]
    if not querysets:
        return None
    first, *others = querysets
    return first.union(*others, all=True).order_by("moment").first()


def next_change_timestamp(token, now):
    """next_scheduled_change() as a timestamp (None: nothing scheduled),
    remembered for this content version until that moment."""
    key = SCHEDULE_KEY.format(token)
    stored = _shared("reading the schedule", "get", key)
    if stored is not None and (stored[0] is None or stored[0] > now):
        return stored[0]
    moment = next_scheduled_change(timezone.now())
    timestamp = moment.timestamp() if moment is not None else None
    # Computed after reading the token, so it covers every change committed
    # before that; a change committed since has replaced the token anyway.
    keep = UNSCHEDULED_SECONDS if timestamp is None else math.ceil(timestamp - now)
    if keep > 0:
        _shared("storing the schedule", "set", key, (timestamp,), timeout=keep)
    return timestamp


def _next_midnight_timestamp(now):
    """The start of the next day in the site's time zone, as a timestamp."""
    today = timezone.localtime(datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc)).date()
    midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(midnight).timestamp()


# --- The middleware ----------------------------------------------------------------------


def _is_anonymous_read(request):
    """A GET or HEAD from a visitor with no session and no messages waiting,
    for a page that may be cached."""
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return not request.path.startswith(NEVER_CACHED_PATHS)


def _storable(request, response):
    """May this response be served to any anonymous visitor of the address?"""
    if response.status_code not in STORED_STATUSES or response.streaming:
        return False
    # A cookie (a CSRF token, a session, a message) belongs to one visitor.
    if response.cookies:
        return False
    # The key holds only the address (and the release), so a response that
    # depends on a request header cannot be shared. Cookie is the exception: it is added whenever
    # the session is read (and the login middleware reads it on every
    # request), but this visitor has no session or messages cookie, so what
    # was read is the empty session every anonymous visitor has.
    varies_on = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    if varies_on - {"cookie"}:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(directive in cache_control for directive in ("private", "no-store", "no-cache")):
        return False
    # A Content-Security-Policy nonce is made for one response only.
    return not isinstance(getattr(request, "_csp_nonce", None), str)


def _rebuild(entry):
    _token, _valid_until, status, headers, bodies, _subjects = entry
    response = HttpResponse(bodies[compression.IDENTITY], status=status)
    for name, value in headers:
        response[name] = value
    compression.offer(response, bodies)
    return response


class AnonymousPageCacheMiddleware:
    """Serves anonymous readers' pages from the shared cache, and stores the
    pages it renders for them (see the module's docstring for why a stored
    page is never out of date). Staff, anyone with a session and any
    request that is not a GET or HEAD go straight through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _is_anonymous_read(request):
            return self._bypass(request)
        try:
            key = page_key(request)
        except DisallowedHost:
            return self._bypass(request)  # the site's usual 400 follows
        now = timezone.now().timestamp()
        try:
            versions, entry = self._lookup(key)
            current = entry is not None and entry[1] > now and self._current(entry, versions)
        except CacheUnavailable:
            return self._bypass(request)
        if current:
            response = _rebuild(entry)
            response[STATUS_HEADER] = "hit"
            return response

        response = self.get_response(request)
        # HEAD is served from a stored GET, never stored: its body may be gone.
        if request.method == "GET" and _storable(request, response):
            self._store(key, versions, request, response, now, seconds)
        response[STATUS_HEADER] = "miss"
        return response

    def _bypass(self, request):
        response = self.get_response(request)
        response[STATUS_HEADER] = "bypass"
        return response

    def _lookup(self, key):
        """((the content version, the shared version), the stored entry or
        None): one round trip."""
        if health.bump_owed:
            bump_content_version()
            if health.bump_owed:
                raise CacheUnavailable
        found = _shared("reading a page", "get_many", [VERSION_KEY, SHARED_VERSION_KEY, key])
        versions = tuple(found.get(name) or self._start(name) for name in (VERSION_KEY, SHARED_VERSION_KEY))
        return versions, found.get(key)

    def _start(self, name):
        return _start_version(name)

    def _current(self, entry, versions):
        token, *_, subjects = entry
        if subjects is None:
            return token == versions[0]
        shared, subject_tokens = subjects
        if shared != versions[1]:
            return False
        found = _shared("reading a page's subjects", "get_many", list(subject_tokens))
        return all(found.get(name) == value for name, value in subject_tokens.items())

    def _store(self, key, versions, request, response, now, seconds):
        token = versions[0]
        try:
            next_change = next_change_timestamp(token, now)
            subjects = self._subject_tokens(request, token)
        except CacheUnavailable:
            return
        except DatabaseError:
            logger.exception("The schedule could not be read; the page was not stored.")
            return
        if subjects is False:
            return
        # Pages also say things that change with the date (a review overdue,
        # a price out of date), so no page outlasts the day it was made on.
        valid_until = min(now + seconds, _next_midnight_timestamp(now))
        if next_change is not None:
            valid_until = min(valid_until, next_change)
        if valid_until - now < 1:
            return  # a scheduled change is due now: render until it has been applied
        headers = [(name, value) for name, value in response.items() if name != STATUS_HEADER]
        narrowed = None if subjects is None else (versions[1], subjects)
        entry = (token, valid_until, response.status_code, headers, compression.encoded_bodies(response), narrowed)
        try:
            _shared("storing a page", "set", key, entry, timeout=math.ceil(valid_until - now))
        except CacheUnavailable:
            pass

    def _subject_tokens(self, request, token):
        """For a page that named its subjects (page_depends_on): their tokens
        as {key: token}, or False if the page must not be stored; None for
        any other page.

        Read after rendering, subjects first and the content version last
        (the reverse of bump_content_version's order): if the version is
        still the one read before rendering, no change has been bumped
        since, so a change committed while rendering replaces these tokens
        later. A token missing from the cache is started here; one started
        by someone else meanwhile may be a change's, so then nothing is
        stored."""
        subjects = getattr(request, "_page_cache_subjects", None)
        if subjects is None:
            return None
        names = [SUBJECT_VERSION_KEY.format(s) for s in sorted(subjects)]
        found = _shared("reading a page's subjects", "get_many", [*names, VERSION_KEY])
        if found.get(VERSION_KEY) != token:
            return False
        tokens = {}
        for name in names:
            tokens[name] = found.get(name)
            if tokens[name] is None:
                tokens[name] = _new_token()
                if not _shared("starting a subject's version", "add", name, tokens[name], timeout=None):
                    return False
        return tokens
