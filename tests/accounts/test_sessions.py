"""Staff sessions: a new session key at each sign-in step, signed out after
MSINFO_STAFF_IDLE_TIMEOUT_MINUTES without activity, and the command that
resets someone's two-factor devices."""

import logging
import time
from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_ACTIVITY
from tests.two_factor import authenticator_for, code_for

PASSWORD = "a-long-test-password"


def session_cookie(client):
    return client.cookies["sessionid"].value


def log_in(client, user):
    return client.post("/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD})


def idle_for(client, minutes):
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - minutes * 60
    session.save()


def test_logging_in_gives_a_new_session_key(client, editor_user):
    # A visitor's session from before the login (one an attacker could have planted).
    session = client.session
    session["seen_the_login_page"] = True
    session.save()
    before = session_cookie(client)

    log_in(client, editor_user)
    assert session_cookie(client) != before
    assert SESSION_KEY in client.session


def test_each_step_of_a_two_factor_sign_in_gives_a_new_session_key(client, reviewer):
    device = authenticator_for(reviewer)
    session = client.session
    session["before"] = True
    session.save()
    keys = [session_cookie(client)]

    log_in(client, reviewer)
    keys.append(session_cookie(client))
    client.post("/admin/two-factor/code/", {"code": code_for(device)})
    keys.append(session_cookie(client))

    assert len(set(keys)) == 3
    assert SESSION_KEY in client.session


def test_a_staff_session_idle_for_two_hours_is_signed_out_with_a_message(client, editor_user):
    log_in(client, editor_user)
    assert client.get("/admin/").status_code == 200

    idle_for(client, 121)
    response = client.get("/admin/therapies/therapy/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/login/?next=/admin/therapies/therapy/"
    assert "You were signed out after 2 hours without activity." in response.text
    assert SESSION_KEY not in client.session
    # Said once, not on every later visit to the login page.
    assert "without activity" not in client.get("/admin/login/").text


def test_activity_within_the_limit_keeps_the_session_and_restarts_the_clock(client, editor_user):
    log_in(client, editor_user)
    idle_for(client, 119)
    assert client.get("/admin/").status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY] < 60

    idle_for(client, 119)
    assert client.get("/admin/").status_code == 200


@override_settings(MSINFO_STAFF_IDLE_TIMEOUT_MINUTES=30)
def test_the_idle_limit_is_a_setting(client, editor_user):
    log_in(client, editor_user)
    client.get("/admin/")
    idle_for(client, 31)
    response = client.get("/admin/", follow=True)
    assert "You were signed out after 30 minutes without activity." in response.text


def test_an_idle_staff_session_is_signed_out_on_the_public_site_too(client, editor_user, make_site_page):
    make_site_page()
    log_in(client, editor_user)
    client.get("/admin/")
    idle_for(client, 121)
    assert client.get("/").status_code == 200
    assert SESSION_KEY not in client.session


def call_command_output(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reset_two_factor_removes_the_devices_so_the_next_sign_in_sets_up_again(client, reviewer, caplog):
    authenticator_for(reviewer)
    codes = StaticDevice.objects.create(user=reviewer, name="Recovery codes", confirmed=True)
    for token in ("aaaa2222", "bbbb3333", "cccc4444"):
        codes.token_set.create(token=token)

    with caplog.at_level(logging.WARNING, logger="accounts"):
        output = call_command_output("reset_two_factor", "rita")
    assert "Removed 1 authenticator app and their recovery codes (3 unused) from rita." in output
    assert "they will set up an authenticator app at their next sign-in" in output
    assert "Two-factor devices of 'rita' reset from the command line" in caplog.text
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticDevice.objects.filter(user=reviewer).exists()

    assert log_in(client, reviewer)["Location"] == "/admin/two-factor/set-up/"


def test_reset_two_factor_also_ends_the_verified_sessions(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/admin/").status_code == 200
    call_command_output("reset_two_factor", "rita")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/set-up/")


def test_reset_two_factor_for_someone_without_devices_says_so(editor_user):
    assert "edna has no two-factor devices: nothing to remove." in call_command_output("reset_two_factor", "edna")


def test_reset_two_factor_for_an_unknown_username_fails_clearly(reviewer):
    authenticator_for(reviewer)
    with pytest.raises(CommandError, match="There is no account with the username 'rit'. Nothing was changed."):
        call_command("reset_two_factor", "rit")
    assert TOTPDevice.objects.filter(user=reviewer).exists()
