"""The state between the password step and the second step.

A password alone never makes a signed-in session for an account that needs a
second factor: the session only remembers, for a few minutes, whose password
was right and where they were going. Django's login() runs once the code is
right (or the new app is confirmed), so the session key changes then, and a
half-finished sign-in can open no admin page."""

import time
from urllib.parse import urlencode

from django.contrib.auth import get_user_model, login
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

PENDING_USER = "accounts_pending_user"
PENDING_BACKEND = "accounts_pending_backend"
PENDING_SINCE = "accounts_pending_since"
PENDING_NEXT = "accounts_pending_next"
FRESH_RECOVERY_CODES = "accounts_fresh_recovery_codes"
RECOVERY_CODES_NEXT = "accounts_recovery_codes_next"
# Set when a session is signed out for being idle; the login page says why.
SIGNED_OUT_IDLE = "accounts_signed_out_idle_minutes"

# Long enough to find a phone and install an app; short enough that a
# password typed on a shared computer and walked away from goes stale.
PENDING_MAX_AGE_SECONDS = 15 * 60


def safe_next(request, candidate):
    """`candidate` if it is a path on this site, otherwise the admin home."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("admin:index")


def with_next(url_name, next_url):
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def start_pending(request, user, next_url):
    """The password was right; the second step is still to come."""
    # A new key, so a session id planted before the password cannot be the
    # one that later becomes signed in (login() changes it again at the end).
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_BACKEND] = user.backend
    request.session[PENDING_SINCE] = int(time.time())
    request.session[PENDING_NEXT] = safe_next(request, next_url)


def clear_pending(request):
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_SINCE, PENDING_NEXT):
        request.session.pop(key, None)


def pending_user(request):
    """The account whose password was just right, or None (none, or stale)."""
    user_id = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if user_id is None:
        return None
    if time.time() - since > PENDING_MAX_AGE_SECONDS:
        clear_pending(request)
        return None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is None:
        clear_pending(request)
        return None
    user.backend = request.session[PENDING_BACKEND]
    return user


def pending_next(request):
    return request.session.get(PENDING_NEXT) or resolve_url("admin:index")


def finish_sign_in(request, user, device):
    """The second factor checked out: sign in (a fresh session key) and mark
    the session as verified by `device`. Returns where to go next."""
    if request.user.is_authenticated and request.user.pk == user.pk:
        # Already signed in with the password (a session from before the
        # second factor became required): a new key for the verified session.
        request.session.cycle_key()
        next_url = None
    else:
        next_url = pending_next(request)
        clear_pending(request)
        login(request, user, backend=user.backend)
    otp_login(request, device)
    return next_url
