"""Authenticator apps for tests: a confirmed TOTP device, and the code an app
would show for it now."""

import time
from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_for(user):
    """The user's authenticator app, as if set up already (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def code_for(device):
    """The 6 digits an app with this device's key shows now. A code is
    accepted once: if this time step's was used already, the next step's
    (the device accepts one step of clock difference either way)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def secret_to_code(secret, at=None):
    """The code for a key typed from the enrolment page (base32, spaces allowed)."""
    key = b32decode(secret.replace(" ", "").upper())
    totp = TOTP(key)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"
