import math
import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

SIX_DIGITS = re.compile(r"^\d{6}$")


def normalise_code(raw):
    """What people type, as the devices store it: no spaces or dashes, lower case."""
    return re.sub(r"[\s-]+", "", raw or "").lower()


def throttled_message(device):
    allowed, details = device.verify_is_allowed()
    if allowed or not details or details.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return None
    wait = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
    return f"Too many wrong codes in a row. Wait {wait} second{'s' if wait != 1 else ''}, then try again."


class StaffSignInForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing a username longer than any account's
    before it is tried. Django sets the length only as a hint to the browser,
    so an over-long name went on to the lockout record, whose column is
    shorter: PostgreSQL refused it and the visitor got a 500. No account has
    such a name, so the answer is the usual wrong-name-or-password one."""

    def clean_username(self):
        username = self.cleaned_data.get("username")
        if username and len(username) > self.username_field.max_length:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
        return username


class CodeForm(forms.Form):
    """The second step: the app's 6-digit code, or one of the recovery codes.

    A 6-digit code is only tried against the app and anything else only
    against the recovery codes, so one typo counts once."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        self.throttled = False
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        kind = TOTPDevice if SIX_DIGITS.match(code) else StaticDevice
        with transaction.atomic():
            devices = list(kind.objects.devices_for_user(self.user, confirmed=True).select_for_update())
            for device in devices:
                message = throttled_message(device)
                if message:
                    self.throttled = True
                    raise forms.ValidationError(message, code="throttled")
            for device in devices:
                if device.verify_token(code):
                    self.device = device
                    return code
        raise forms.ValidationError(
            "That code is not right. Enter the code your app shows now (it changes every 30 seconds), "
            "or an unused recovery code.",
            code="wrong_code",
        )

    @property
    def used_recovery_code(self):
        return isinstance(self.device, StaticDevice)


class ConfirmAppForm(forms.Form):
    """Enrolment: the first code from the new app proves it was set up right."""

    code = forms.CharField(
        label="Code from the app",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, device, *args, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        message = throttled_message(self.device)
        if message:
            raise forms.ValidationError(message, code="throttled")
        if not SIX_DIGITS.match(code) or not self.device.verify_token(code):
            raise forms.ValidationError(
                "That code does not match. Check that you scanned the code on this page (or typed the key "
                "exactly), then enter the 6 digits the app shows now.",
                code="wrong_code",
            )
        return code


class PasswordCheckForm(forms.Form):
    """Turning two-factor authentication off asks for the password again, so
    a session left open on someone else's computer cannot do it."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password
