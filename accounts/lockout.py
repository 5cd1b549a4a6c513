"""What django-axes needs from this site: the client's address (trusting
X-Forwarded-For only behind a configured number of proxies) and the page a
locked-out person sees."""

import ipaddress
import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from accounts.policy import describe_minutes


def client_ip_address(request):
    """The address failed logins are counted against (AXES_CLIENT_IP_CALLABLE).

    Behind N proxies, each appending the address it received the request from
    to X-Forwarded-For, the client is the Nth entry from the right; anything
    further left was written by the client and could be anything. With no
    proxies configured the header is ignored: anyone can send one."""
    remote_addr = request.META.get("REMOTE_ADDR")
    hops = settings.MSINFO_TRUSTED_PROXY_COUNT
    if not hops:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote_addr
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def lockout_state(request, credentials=None):
    """Which of the account and the address are locked, and for how long
    (whole minutes, rounded up) before the next attempt is counted afresh."""
    limit = get_failure_limit(request, credentials)
    cool_off = get_cool_off(request)
    now = timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    username = get_client_username(request, credentials)
    locked = {}
    for name, attempts in (
        ("account", recent.filter(username=username) if username else recent.none()),
        ("address", recent.filter(ip_address=getattr(request, "axes_ip_address", None) or client_ip_address(request))),
    ):
        totals = attempts.aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
        if (totals["failures"] or 0) >= limit:
            locked[name] = totals["latest"] + cool_off - now
    remaining = max(locked.values(), default=cool_off)
    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return {
        "account_locked": "account" in locked,
        "address_locked": "address" in locked,
        "minutes_left": minutes,
        "seconds_left": max(1, math.ceil(remaining.total_seconds())),
    }


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: an admin-styled page, 429 Too Many Requests,
    with Retry-After, saying what is locked, for how long, and whom to ask."""
    state = lockout_state(request, credentials)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked",
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off": describe_minutes(int(get_cool_off(request).total_seconds() // 60) or 1),
        "time_left": describe_minutes(state["minutes_left"]),
        **state,
    }
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(state["seconds_left"])
    response["Cache-Control"] = "no-store"
    return response
