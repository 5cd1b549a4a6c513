"""Values computed from content and kept, so pages do not compute them again.

- `remember(key, compute)`: in the shared cache, under a key that names
  everything the value depends on (a digest of the text it renders): such a
  value is never out of date and nothing has to empty it.
- `KeptWhileContentUnchanged`: in this process, under the content version
  (core.cache), for a small value every public request needs.
- `remember_while_content_unchanged(key, compute)`: in the shared cache,
  under the content version, until the next scheduled change;
  `kept_live_html` for a part of a page made that way."""

import hashlib
import math

from django.conf import settings
from django.utils import timezone

from core import transactions
from core.page_keys import page_fingerprint
from core.cache import UNSCHEDULED_SECONDS, CacheUnavailable, _shared, content_version, next_change_timestamp


def remember(key, compute, timeout=UNSCHEDULED_SECONDS):
    """compute(), kept in the shared cache under `key`. The key must name
    everything the value depends on (e.g. a hash of the text it renders), so
    a stored value can never be out of date. Without a working cache the
    value is computed each time."""
    try:
        value = _shared("reading a stored value", "get", key)
    except CacheUnavailable:
        return compute()
    if value is None:
        value = compute()
        try:
            _shared("storing a value", "set", key, value, timeout=timeout)
        except CacheUnavailable:
            pass
    return value


class KeptWhileContentUnchanged:
    """compute(), kept in this process for as long as the content version
    stays the same: one cache read in place of a query, for a small value
    that every public request needs (the reviewed glossary, when the next
    scheduled change is due). Every change readers could see replaces the
    version, so the kept value is never older than the rows it was computed
    from. The version is read before computing: a change committed during
    the computation replaces it, and the next call computes again. Without
    a working cache, or inside a transaction (an uncommitted change may roll
    back), compute() runs every time."""

    def __init__(self, compute):
        self.compute = compute
        self._kept = (None, None)

    def __call__(self):
        token = None if transactions.in_transaction() else content_version()
        if token is None:
            return self.compute()
        kept_token, value = self._kept
        if kept_token != token:
            value = self.compute()
            self._kept = (token, value)
        return value


def remember_while_content_unchanged(key, compute):
    """compute(), kept in the shared cache for the current content version
    and no longer than the next scheduled change (content going live or
    expiring at a set time changes what readers see with no write to
    announce it): for a value made from live content only, whose every
    record would cost queries just to name in a digest (the cost table).
    `key` names what else the value depends on (the date, the country).
    Without a working cache, or inside a transaction (which may roll back
    what the value shows), it is computed every time."""
    token = None if transactions.in_transaction() else content_version()
    if token is None:
        return compute()
    now = timezone.now().timestamp()
    try:
        next_change = next_change_timestamp(token, now)
        # The end of its life is kept with it, and checked against the
        # site's clock, as the page cache does (core.cache).
        stored = _shared("reading a stored value", "get", f"{key}:{token}")
    except CacheUnavailable:
        return compute()
    if stored is not None and stored[0] > now:
        return stored[1]
    valid_until = now + UNSCHEDULED_SECONDS if next_change is None else next_change
    value = compute()
    if valid_until - now >= 1:
        try:
            _shared("storing a value", "set", f"{key}:{token}", (valid_until, value), timeout=math.ceil(valid_until - now))
        except CacheUnavailable:
            pass
    return value


def kept_live_html(name, render, *depends_on):
    """render(): HTML made from live content only, kept as
    remember_while_content_unchanged does under `name`, the release's and
    settings' fingerprint (core.page_keys), today's date (a figure goes
    stale, a review falls due) and `depends_on` (the page's query, a working
    copy it shows). With DEBUG on (`make run`) it is rendered every time:
    runserver does not restart for a template edit, and the release's
    fingerprint is read once per process."""
    if settings.DEBUG:
        return render()
    named = repr((page_fingerprint(), timezone.localdate(), depends_on))
    return remember_while_content_unchanged(f"{name}:{hashlib.sha256(named.encode()).hexdigest()}", render)
