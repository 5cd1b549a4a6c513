"""The admin's sign-in, in two steps, and the pages where staff set up, use
and manage two-factor authentication.

Step one is Django's admin login form. If the account has an authenticator
app, or needs one, the password only starts a pending sign-in (flow.py) and
step two asks for a code, or for the app to be set up, before Django's
login() runs. Wrong codes and wrong passwords both count towards the
django-axes lockout: axes listens to `user_login_failed`, which is sent here
for a wrong code as Django sends it for a wrong password."""

import logging
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import flow
from accounts.forms import CodeForm, ConfirmAppForm, PasswordCheckForm, StaffSignInForm
from accounts.lockout import client_ip_address
from accounts.policy import describe_minutes, has_authenticator, is_verified, second_step_owed, two_factor_required

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def admin_context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, "subtitle": None, **extra}


def credentials_for(user):
    """What axes counts a failure against: the username (and, from the
    request, the address)."""
    return {"username": user.get_username()}


def count_failure(request, user, reason):
    log.warning(
        "Failed staff sign-in: %s for username %r from %s",
        reason,
        user.get_username(),
        client_ip_address(request),
    )
    user_login_failed.send(sender=__name__, credentials=credentials_for(user), request=request)


def locked_out(request, user):
    """The lockout page if axes has locked this account or address, else None."""
    credentials = credentials_for(user)
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    flow.clear_pending(request)
    return get_lockout_response(request, None, credentials)


@method_decorator([sensitive_post_parameters(), never_cache], name="dispatch")
class StaffLoginView(auth_views.LoginView):
    """/admin/login/: the admin's own form and template, with the second step
    added. An unsafe ?next= (another site) leads to the admin home."""

    form_class = StaffSignInForm
    template_name = "admin/login.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if request.method == "GET" and user.is_authenticated and user.is_active and user.is_staff:
            # Signed in already: on to the second step if it is still owed.
            owed = second_step_owed(user)
            if owed:
                return redirect(flow.with_next(f"accounts:{owed}", self.get_success_url()))
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        idle_minutes = request.session.pop(flow.SIGNED_OUT_IDLE, None)
        if idle_minutes:
            idle = describe_minutes(idle_minutes)
            messages.info(request, f"You were signed out after {idle} without activity. Please log in again.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            admin_context(
                self.request,
                "Log in",
                app_path=self.request.get_full_path(),
                username=self.request.user.get_username(),
            )
        )
        context["next"] = self.get_success_url()
        return context

    def form_valid(self, form):
        user = form.get_user()
        if has_authenticator(user):
            flow.start_pending(self.request, user, self.get_success_url())
            return redirect("accounts:verify")
        if two_factor_required(user):
            flow.start_pending(self.request, user, self.get_success_url())
            return redirect("accounts:enrol")
        return super().form_valid(form)


def user_in_progress(request):
    """(user, signed_in): whose second step this is. A pending sign-in from
    the password step, else the signed-in staff member, else (None, False)."""
    user = flow.pending_user(request)
    if user is not None:
        return user, False
    if request.user.is_authenticated and request.user.is_active and request.user.is_staff:
        return request.user, True
    return None, False


def back_to_login(request):
    messages.info(request, "Please log in again: your sign-in took too long or was not finished.")
    return redirect(flow.with_next("admin:login", flow.safe_next(request, request.GET.get("next"))))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify(request):
    """Step two for an account with an authenticator app (or recovery codes)."""
    user, signed_in = user_in_progress(request)
    if user is None:
        return back_to_login(request)
    next_url = flow.safe_next(request, request.GET.get("next")) if signed_in else flow.pending_next(request)
    if signed_in and is_verified(user):
        return HttpResponseRedirect(next_url)
    if not has_authenticator(user):
        if two_factor_required(user):
            return redirect(flow.with_next("accounts:enrol", next_url))
        return HttpResponseRedirect(next_url)
    refusal = locked_out(request, user)
    if refusal:
        return refusal

    form = CodeForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            destination = flow.finish_sign_in(request, user, form.device) or next_url
            if form.used_recovery_code:
                left = form.device.token_set.count()
                messages.warning(
                    request,
                    f"You signed in with a recovery code; it cannot be used again. You have {left} left. "
                    "If you have lost your phone, set up your authenticator app again and make new codes "
                    "under “Two-factor authentication”.",
                )
            return HttpResponseRedirect(destination)
        if not form.throttled:
            count_failure(request, user, "wrong two-factor code")
    context = admin_context(request, "Enter your code", form=form, signed_in=signed_in, account=user.get_username())
    return render(request, "accounts/verify.html", context)


def qr_code_svg(device):
    """The otpauth:// address as an inline SVG QR code: made here from the
    device's own data, so it is safe to insert unescaped; no script and no
    style attribute, so a strict Content-Security-Policy allows it."""
    code = segno.make(device.config_url, error="m")
    return mark_safe(
        code.svg_inline(
            scale=5, dark="#000", light="#fff", svgclass="two-factor-qr", title="QR code to add this site to your app"
        )
    )


def readable_secret(device):
    secret = b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return device, codes


def show_recovery_codes(request, codes, next_url):
    request.session[flow.FRESH_RECOVERY_CODES] = codes
    request.session[flow.RECOVERY_CODES_NEXT] = next_url
    return redirect("accounts:recovery_codes")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), then
    confirm with the first code. Replaces any app set up before, and always
    ends with a new set of recovery codes, shown once."""
    user, signed_in = user_in_progress(request)
    if user is None:
        return back_to_login(request)
    if not signed_in:
        next_url = flow.pending_next(request)
    elif "next" in request.GET:
        next_url = flow.safe_next(request, request.GET["next"])
    else:
        # Set up by choice, from the Two-factor authentication page: back there.
        next_url = reverse("accounts:two_factor")
    if has_authenticator(user) and not (signed_in and is_verified(user)):
        # Whoever has the password alone must not replace the app.
        return redirect(flow.with_next("accounts:verify", next_url) if signed_in else "accounts:verify")
    if not signed_in:
        refusal = locked_out(request, user)
        if refusal:
            return refusal

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)

    form = ConfirmAppForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _, codes = new_recovery_codes(user)
        if signed_in and is_verified(user):
            otp_login(request, device)
            destination = next_url
        else:
            destination = flow.finish_sign_in(request, user, device) or next_url
        log.info("Two-factor authentication set up for %r", user.get_username())
        return show_recovery_codes(request, codes, destination)

    required = two_factor_required(user)
    context = admin_context(
        request,
        "Set up two-factor authentication",
        form=form,
        signed_in=signed_in,
        required=required,
        replacing=signed_in and has_authenticator(user),
        account=user.get_username(),
        qr_code=qr_code_svg(device),
        secret=readable_secret(device),
        issuer=getattr(settings, "OTP_TOTP_ISSUER", ""),
    )
    return render(request, "accounts/enrol.html", context)


@never_cache
def recovery_codes(request):
    """The new recovery codes, shown until the person says they stored them."""
    codes = request.session.get(flow.FRESH_RECOVERY_CODES)
    if not codes:
        messages.info(
            request, "Recovery codes are shown only once, just after they are made. You can make new ones here."
        )
        return redirect("accounts:two_factor")
    if request.method == "POST":
        request.session.pop(flow.FRESH_RECOVERY_CODES, None)
        next_url = request.session.pop(flow.RECOVERY_CODES_NEXT, None)
        messages.success(request, "Two-factor authentication is on for your account.")
        return HttpResponseRedirect(flow.safe_next(request, next_url))
    readable = [f"{code[:4]}-{code[4:]}" for code in codes]
    context = admin_context(request, "Your recovery codes", codes=readable)
    return render(request, "accounts/recovery_codes.html", context)


@never_cache
def two_factor(request):
    """Status, and the ways to change it: a new app, new codes, or off."""
    user = request.user
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    codes = StaticDevice.objects.filter(user=user, confirmed=True).first()
    context = admin_context(
        request,
        "Two-factor authentication",
        app=app,
        codes_left=codes.token_set.count() if codes else 0,
        enabled=has_authenticator(user),
        required=two_factor_required(user),
    )
    return render(request, "accounts/two_factor.html", context)


@require_POST
def regenerate_recovery_codes(request):
    if not has_authenticator(request.user):
        messages.error(request, "Set up an authenticator app first; recovery codes come with it.")
        return redirect("accounts:two_factor")
    with transaction.atomic():
        _, codes = new_recovery_codes(request.user)
    log.info("New recovery codes made for %r", request.user.get_username())
    return show_recovery_codes(request, codes, reverse("accounts:two_factor"))


@sensitive_post_parameters("password")
@never_cache
def disable(request):
    """Turn two-factor authentication off (only where it is optional)."""
    user = request.user
    if two_factor_required(user):
        messages.error(request, "Two-factor authentication is required for your account, so it cannot be turned off.")
        return redirect("accounts:two_factor")
    if not has_authenticator(user):
        return redirect("accounts:two_factor")
    form = PasswordCheckForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
            log.info("Two-factor authentication turned off by %r", user.get_username())
            messages.success(request, "Two-factor authentication is off. You can set it up again at any time.")
            return redirect("accounts:two_factor")
        count_failure(request, user, "wrong password when turning two-factor authentication off")
    context = admin_context(request, "Turn off two-factor authentication", form=form)
    return render(request, "accounts/disable.html", context)
