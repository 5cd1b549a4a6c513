"""Staff sessions: signed out after a spell without activity, and kept out of
staff pages until the second factor is done."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from accounts import flow
from accounts.policy import second_step_owed
from accounts.signals import LAST_ACTIVITY
# Saving the session on every request would write to the database on every
# click; the idle clock only needs to be right to within a minute.
ACTIVITY_RESOLUTION_SECONDS = 60

# Pages a session that still owes its second step may open: the steps
# themselves, and the way out.
OPEN_BEFORE_SECOND_STEP = {"accounts:login", "accounts:verify", "accounts:enrol", "admin:logout"}


def is_staff_page(match):
    """The admin (and everything included under it) and the staff preview."""
    return "admin" in match.namespaces or "accounts" in match.namespaces or match.view_name == "preview"


class StaffSessionMiddleware:
    """Goes after django_otp's OTPMiddleware (which says whether the session
    passed the second step) and before the messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            self.sign_out_if_idle(request)
        return self.get_response(request)

    def sign_out_if_idle(self, request):
        now = int(time.time())
        last = request.session.get(LAST_ACTIVITY)
        limit_minutes = settings.MSINFO_STAFF_IDLE_TIMEOUT_MINUTES
        if last is not None and now - last > limit_minutes * 60:
            logout(request)
            # Read by the login page, which says why the person has to log in again.
            request.session[flow.SIGNED_OUT_IDLE] = limit_minutes
        elif last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
            request.session[LAST_ACTIVITY] = now

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not is_staff_page(match) or match.view_name in OPEN_BEFORE_SECOND_STEP:
            return None
        owed = second_step_owed(request.user)
        if owed is None:
            return None
        return redirect(flow.with_next(f"accounts:{owed}", request.get_full_path()))
