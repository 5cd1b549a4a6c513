"""The idle clock starts at login, so the first page after it has nothing
new to save in the session."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

LAST_ACTIVITY = "accounts_last_activity"


@receiver(user_logged_in, dispatch_uid="accounts.start_idle_clock")
def start_idle_clock(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and user.is_staff:
        session[LAST_ACTIVITY] = int(time.time())
