"""Failed logins lock the account, and separately the address they come from
(django-axes, settings in msinfo/settings.py, page in accounts/lockout.py)."""

import datetime
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory, override_settings

from accounts.lockout import client_ip_address

BASE_DIR = Path(__file__).resolve().parents[2]
LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-test-password"


def attempt(client, username, password="not-the-password", address="10.0.0.1", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def signed_in(client):
    return SESSION_KEY in client.session


def test_five_wrong_passwords_lock_the_account_whatever_the_address(client, editor_user):
    for n in range(4):
        response = attempt(client, "edna", address=f"10.0.0.{n + 1}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text

    locked = attempt(client, "edna", address="10.0.0.5")
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this account." in locked.text
    assert "Signing in is locked for 15 minutes" in locked.text
    assert "ask the site's administrator" in locked.text
    assert locked["Retry-After"] == str(15 * 60)
    # Branded: the admin's header, not a bare line of text.
    assert "MS treatment information: editors" in locked.text

    # The right password, from yet another address, is refused too.
    refused = attempt(client, "edna", password=PASSWORD, address="192.168.1.20")
    assert refused.status_code == 429
    assert not signed_in(client)


def test_five_failures_from_one_address_lock_that_address_for_every_account(client, editor_user):
    for n in range(5):
        response = attempt(client, f"guess{n}", address="203.0.113.9")
    assert response.status_code == 429
    assert "Too many failed sign-ins from this network address." in response.text

    assert attempt(client, "edna", password=PASSWORD, address="203.0.113.9").status_code == 429
    assert not signed_in(client)

    # Edna's own account is not locked: from her usual address she gets in.
    response = attempt(client, "edna", password=PASSWORD, address="198.51.100.4")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)


def test_a_successful_login_clears_the_count(client, editor_user):
    for _ in range(4):
        attempt(client, "edna")
    assert attempt(client, "edna", password=PASSWORD).status_code == 302
    client.post("/admin/logout/")

    for _ in range(4):
        assert attempt(client, "edna").status_code == 200
    assert attempt(client, "edna").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, editor_user):
    for _ in range(5):
        attempt(client, "edna")
    assert attempt(client, "edna", password=PASSWORD).status_code == 429

    sixteen_minutes_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)
    assert attempt(client, "edna", password=PASSWORD).status_code == 302
    assert signed_in(client)


def test_attempts_during_a_lockout_do_not_extend_it(client, editor_user):
    for _ in range(5):
        attempt(client, "edna")
    ten_minutes_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
    AccessAttempt.objects.update(attempt_time=ten_minutes_ago)

    response = attempt(client, "edna")
    assert response.status_code == 429
    assert "Signing in is locked for 5 minutes" in response.text


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_limit_is_a_setting(client, editor_user):
    assert attempt(client, "edna").status_code == 200
    response = attempt(client, "edna")
    assert response.status_code == 429
    assert "After 2 wrong passwords or codes in a row" in response.text


def test_failed_logins_are_logged_with_username_and_address(client, editor_user, caplog):
    with caplog.at_level(logging.WARNING):
        attempt(client, "edna", password="hunter2-wrong", address="203.0.113.77")
    failures = [record.getMessage() for record in caplog.records if "login failure" in record.getMessage()]
    assert failures, caplog.text
    assert 'username: "edna"' in failures[0]
    assert 'ip_address: "203.0.113.77"' in failures[0]
    assert "hunter2-wrong" not in caplog.text


def test_a_forged_x_forwarded_for_does_not_escape_the_address_lockout(client, editor_user):
    """Without a proxy configured, the header is the client's own say-so."""
    for n in range(5):
        response = attempt(client, f"guess{n}", address="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert response.status_code == 429


def forwarded_request(remote_addr, forwarded_for):
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_the_client_address_comes_from_x_forwarded_for_only_behind_configured_proxies(settings):
    request = forwarded_request("10.0.0.1", "6.6.6.6, 198.51.100.7")
    settings.MSINFO_TRUSTED_PROXY_COUNT = 0
    assert client_ip_address(request) == "10.0.0.1"
    settings.MSINFO_TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(request) == "198.51.100.7"  # what our proxy appended, not the client's "6.6.6.6"
    settings.MSINFO_TRUSTED_PROXY_COUNT = 2
    assert client_ip_address(request) == "6.6.6.6"
    settings.MSINFO_TRUSTED_PROXY_COUNT = 3
    assert client_ip_address(request) == "10.0.0.1"  # fewer entries than proxies: not through them
    settings.MSINFO_TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(forwarded_request("10.0.0.1", "not-an-address")) == "10.0.0.1"


def settings_from(**environment):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.org",
        **environment,
    }
    code = (
        "import json, msinfo.settings as s; print(json.dumps({'limit': s.AXES_FAILURE_LIMIT, "
        "'cool_off': s.AXES_COOLOFF_TIME.total_seconds(), 'proxies': s.MSINFO_TRUSTED_PROXY_COUNT, "
        "'required': s.MSINFO_TWO_FACTOR_REQUIRED_FOR, 'idle': s.MSINFO_STAFF_IDLE_TIMEOUT_MINUTES}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    return result


def test_the_login_settings_come_from_the_environment():
    defaults = json.loads(settings_from().stdout)
    assert defaults == {
        "limit": 5,
        "cool_off": 15 * 60,
        "proxies": 0,
        "required": ["superusers", "reviewers"],
        "idle": 120,
    }
    chosen = json.loads(
        settings_from(
            MSINFO_LOGIN_FAILURE_LIMIT="8",
            MSINFO_LOGIN_LOCKOUT_MINUTES="30",
            DJANGO_SECURE_PROXY_SSL_HEADER="1",
            MSINFO_TWO_FACTOR_REQUIRED_FOR="",
            MSINFO_STAFF_IDLE_TIMEOUT_MINUTES="45",
        ).stdout
    )
    assert chosen == {"limit": 8, "cool_off": 30 * 60, "proxies": 1, "required": [], "idle": 45}


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"MSINFO_TWO_FACTOR_REQUIRED_FOR": "superusers,editors"}, "it has editors"),
        ({"MSINFO_LOGIN_FAILURE_LIMIT": "0"}, "must be 1 or more"),
        ({"MSINFO_STAFF_IDLE_TIMEOUT_MINUTES": "two hours"}, "must be a plain number"),
    ],
)
def test_a_wrong_login_setting_stops_the_site_with_a_clear_message(environment, message):
    result = settings_from(**environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_superusers_see_failed_logins_in_the_admin_and_can_lift_a_lockout(client, editor_client, editor_user):
    for _ in range(5):
        attempt(client, "edna")
    listing = editor_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "edna" in listing.text and "Locked Out" in listing.text
    failure = AccessAttempt.objects.get(username="edna")
    # The record itself cannot be edited, only viewed or deleted.
    page = editor_client.get(f"/admin/axes/accessattempt/{failure.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.text

    editor_client.post(f"/admin/axes/accessattempt/{failure.pk}/delete/", {"post": "yes"})
    assert attempt(client, "edna", password=PASSWORD).status_code == 302


def test_two_factor_secrets_are_not_listed_in_the_admin(editor_client):
    assert editor_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert editor_client.get("/admin/otp_static/staticdevice/").status_code == 404
