"""Who must use two-factor authentication, and what a signed-in staff session
still owes. One place, so the login steps, the middleware and the management
command agree."""

from django.conf import settings
from django_otp import user_has_device

# The group accounts/roles.py gives publishing rights to (tests check the name).
MEDICAL_REVIEWERS_GROUP = "Medical reviewers"

# The values MSINFO_TWO_FACTOR_REQUIRED_FOR may list.
REQUIRED_FOR_CHOICES = ("superusers", "reviewers", "staff")


def two_factor_required(user):
    """True when the setting makes a second factor compulsory for `user`."""
    if not (user.is_authenticated and user.is_active):
        return False
    required_for = settings.MSINFO_TWO_FACTOR_REQUIRED_FOR
    if "staff" in required_for and user.is_staff:
        return True
    if "superusers" in required_for and user.is_superuser:
        return True
    if "reviewers" in required_for and user.is_staff:
        return user.groups.filter(name=MEDICAL_REVIEWERS_GROUP).exists()
    return False


def has_authenticator(user):
    """A confirmed device of any kind: an app, or recovery codes left over
    from one, both mean the account has two-factor authentication on."""
    return user_has_device(user, confirmed=True)


def is_verified(user):
    """Whether this session passed the second step. OTPMiddleware adds
    is_verified(); a user object made after it ran (a logout) has none."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_step_owed(user):
    """What a signed-in staff session must do before it reaches the admin:
    "verify" (enter a code), "enrol" (set up an app) or None."""
    if not (user.is_authenticated and user.is_active and user.is_staff) or is_verified(user):
        return None
    if has_authenticator(user):
        return "verify"
    if two_factor_required(user):
        return "enrol"
    return None


def describe_minutes(minutes):
    """120 -> "2 hours", 90 -> "90 minutes", 1 -> "1 minute"."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
