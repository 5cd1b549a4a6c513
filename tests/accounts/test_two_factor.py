"""Two-factor sign-in at /admin/login/: a code after the password for anyone
with an authenticator app, and enrolment before any admin page for those who
must have one (MSINFO_TWO_FACTOR_REQUIRED_FOR: superusers and medical
reviewers by default, as in production)."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import flow
from accounts.policy import MEDICAL_REVIEWERS_GROUP
from accounts.roles import ROLES
from tests.two_factor import authenticator_for, code_for, secret_to_code

PASSWORD = "a-long-test-password"
CODE_STEP = "/admin/two-factor/code/"
ENROL = "/admin/two-factor/set-up/"


def log_in(client, user, next_url="/admin/", password=PASSWORD):
    return client.post(f"/admin/login/?next={next_url}", {"username": user.username, "password": password})


def signed_in(client):
    return SESSION_KEY in client.session


def verified(client):
    return DEVICE_ID_SESSION_KEY in client.session


def admin_is_closed(client):
    """Every admin page sends this session back to the login page."""
    for url in ("/admin/", "/admin/therapies/therapy/", "/admin/password_change/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    return True


def add_recovery_codes(user, *codes):
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        device.token_set.create(token=code)
    return device


def test_the_reviewer_group_named_in_accounts_is_a_real_role():
    assert MEDICAL_REVIEWERS_GROUP in ROLES


def test_a_reviewer_signs_in_with_a_code_from_their_app(client, reviewer):
    device = authenticator_for(reviewer)

    response = log_in(client, reviewer)
    assert response.status_code == 302
    assert response["Location"] == CODE_STEP
    # The password alone opens nothing.
    assert not signed_in(client)
    assert admin_is_closed(client)

    page = client.get(CODE_STEP)
    assert page.status_code == 200
    assert "Enter your code" in page.text
    assert 'autocomplete="one-time-code"' in page.text

    response = client.post(CODE_STEP, {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client) and verified(client)
    assert client.get("/admin/").status_code == 200


def test_the_code_step_keeps_a_safe_next_and_drops_an_unsafe_one(client, reviewer):
    device = authenticator_for(reviewer)
    log_in(client, reviewer, next_url="/admin/therapies/therapy/")
    assert client.post(CODE_STEP, {"code": code_for(device)})["Location"] == "/admin/therapies/therapy/"

    client.post("/admin/logout/")
    log_in(client, reviewer, next_url="https://evil.example/")
    assert client.post(CODE_STEP, {"code": code_for(device)})["Location"] == "/admin/"


def test_a_wrong_code_is_refused_and_a_quick_retry_is_asked_to_wait(client, reviewer):
    device = authenticator_for(reviewer)
    log_in(client, reviewer)

    response = client.post(CODE_STEP, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert not signed_in(client)

    # django-otp slows guessing down: the next try within a second must wait.
    response = client.post(CODE_STEP, {"code": code_for(device)})
    assert "Too many wrong codes in a row. Wait 1 second" in response.text
    assert not signed_in(client)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_wrong_codes_count_towards_the_lockout_with_wrong_passwords(client, reviewer, caplog):
    device = authenticator_for(reviewer)
    right = code_for(device)
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(2):
        assert log_in(client, reviewer, password="wrong").status_code == 200

    log_in(client, reviewer)
    assert client.post(CODE_STEP, {"code": wrong}).status_code == 200
    assert client.post(CODE_STEP, {"code": wrong}).status_code == 200
    assert "Failed staff sign-in: wrong two-factor code for username 'rita' from 127.0.0.1" in caplog.text
    locked = client.post(CODE_STEP, {"code": wrong})
    assert locked.status_code == 429
    # All five came from the one address too.
    assert "Too many failed sign-ins for this account and from this network address." in locked.text

    # Locked: neither the right code nor the right password gets in now.
    assert client.post(CODE_STEP, {"code": right}).status_code == 429
    assert not signed_in(client)
    assert log_in(client, reviewer).status_code == 429
    assert not signed_in(client)


def test_a_reviewer_without_an_app_must_set_one_up_before_any_admin_page(client, reviewer):
    response = log_in(client, reviewer, next_url="/admin/therapies/therapy/")
    assert response["Location"] == ENROL
    assert not signed_in(client)
    assert admin_is_closed(client)

    page = client.get(ENROL)
    assert page.status_code == 200
    assert "Your account needs two-factor authentication" in page.text
    svg = re.search(r"<svg[^>]*two-factor-qr.*?</svg>", page.text, re.S).group(0)
    assert "style=" not in svg and "<script" not in svg
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page.text).group(1)

    refused = client.post(ENROL, {"code": "12345"})
    assert "That code does not match" in refused.text
    assert not signed_in(client)
    TOTPDevice.objects.filter(user=reviewer).update(throttling_failure_count=0, throttling_failure_timestamp=None)

    response = client.post(ENROL, {"code": secret_to_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/recovery-codes/"
    assert signed_in(client) and verified(client)
    assert TOTPDevice.objects.get(user=reviewer).confirmed

    codes_page = client.get("/admin/two-factor/recovery-codes/")
    assert "Store these codes now" in codes_page.text
    assert "This is the only time they are shown." in codes_page.text
    shown = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page.text)
    assert len(shown) == 10
    assert sorted(code.replace("-", "") for code in shown) == sorted(
        StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True)
    )

    done = client.post("/admin/two-factor/recovery-codes/")
    assert done["Location"] == "/admin/therapies/therapy/"
    assert client.get("/admin/therapies/therapy/").status_code == 200
    # Shown once: afterwards the page has no codes to show.
    again = client.get("/admin/two-factor/recovery-codes/", follow=True)
    assert not re.findall(r"<code>[a-z2-7]{4}-[a-z2-7]{4}</code>", again.text)
    assert "Recovery codes are shown only once" in again.text


def test_with_the_password_alone_nobody_can_replace_an_existing_app(client, reviewer):
    device = authenticator_for(reviewer)
    log_in(client, reviewer)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"] == CODE_STEP
    assert list(TOTPDevice.objects.filter(user=reviewer)) == [device]


def test_a_recovery_code_works_once(client, reviewer):
    authenticator_for(reviewer)
    add_recovery_codes(reviewer, "abcd2345", "efgh6723")

    log_in(client, reviewer)
    response = client.post(CODE_STEP, {"code": "ABCD-2345"}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "You signed in with a recovery code; it cannot be used again. You have 1 left." in response.text
    client.post("/admin/logout/")

    log_in(client, reviewer)
    response = client.post(CODE_STEP, {"code": "abcd2345"})
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert not signed_in(client)


def test_an_editor_who_need_not_use_two_factor_signs_in_with_the_password(client, editor_user):
    response = log_in(client, editor_user)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200
    assert not TOTPDevice.objects.filter(user=editor_user).exists()


def test_a_superuser_is_required_to_set_up_two_factor(client, editor):
    assert log_in(client, editor)["Location"] == ENROL
    assert not signed_in(client)


@override_settings(MSINFO_TWO_FACTOR_REQUIRED_FOR=[])
def test_with_the_setting_empty_nobody_is_required(client, reviewer, editor):
    for user in (reviewer, editor):
        assert log_in(client, user)["Location"] == "/admin/"
        client.post("/admin/logout/")


@override_settings(MSINFO_TWO_FACTOR_REQUIRED_FOR=["staff"])
def test_the_setting_can_require_it_of_all_staff(client, editor_user):
    assert log_in(client, editor_user)["Location"] == ENROL


def test_an_editor_can_turn_two_factor_on_and_off(client, editor_user):
    log_in(client, editor_user)
    index = client.get("/admin/")
    assert 'href="/admin/two-factor/">Two-factor authentication</a>' in index.text
    status = client.get("/admin/two-factor/")
    assert "Two-factor authentication is off." in status.text

    page = client.get(ENROL)
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page.text).group(1)
    response = client.post(ENROL, {"code": secret_to_code(secret)})
    assert response["Location"] == "/admin/two-factor/recovery-codes/"
    assert verified(client)
    assert client.post("/admin/two-factor/recovery-codes/")["Location"] == "/admin/two-factor/"
    assert "Two-factor authentication is on." in client.get("/admin/two-factor/").text

    # From now on, her sign-in asks for a code.
    client.post("/admin/logout/")
    assert log_in(client, editor_user)["Location"] == CODE_STEP
    client.post(CODE_STEP, {"code": code_for(TOTPDevice.objects.get(user=editor_user))})
    assert verified(client)

    refused = client.post("/admin/two-factor/turn-off/", {"password": "wrong"})
    assert "That is not your password." in refused.text
    assert TOTPDevice.objects.filter(user=editor_user).exists()
    response = client.post("/admin/two-factor/turn-off/", {"password": PASSWORD}, follow=True)
    assert "Two-factor authentication is off. You can set it up again at any time." in response.text
    assert not TOTPDevice.objects.filter(user=editor_user).exists()
    assert not StaticDevice.objects.filter(user=editor_user).exists()

    client.post("/admin/logout/")
    assert log_in(client, editor_user)["Location"] == "/admin/"


def test_a_reviewer_cannot_turn_required_two_factor_off(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/admin/two-factor/turn-off/", {"password": PASSWORD}, follow=True)
    assert "required for your account, so it cannot be turned off" in response.text
    assert TOTPDevice.objects.filter(user=reviewer).exists()


def test_re_enrolling_replaces_the_app_and_the_recovery_codes(client, reviewer):
    old = authenticator_for(reviewer)
    add_recovery_codes(reviewer, "oldcode2")
    log_in(client, reviewer)
    client.post(CODE_STEP, {"code": code_for(old)})

    page = client.get(ENROL)
    assert "This replaces the authenticator app you use now" in page.text
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page.text).group(1)
    client.post(ENROL, {"code": secret_to_code(secret)})

    new = TOTPDevice.objects.get(user=reviewer)
    assert new.pk != old.pk and new.confirmed
    assert not StaticToken.objects.filter(token="oldcode2").exists()
    assert StaticToken.objects.filter(device__user=reviewer).count() == 10
    # The session stays verified, now by the new app.
    assert client.get("/admin/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, reviewer):
    client.force_login(reviewer)
    add_recovery_codes(reviewer, "oldcode2")
    response = client.post("/admin/two-factor/recovery-codes/new/", follow=True)
    assert len(re.findall(r"<code>[a-z2-7]{4}-[a-z2-7]{4}</code>", response.text)) == 10
    assert not StaticToken.objects.filter(token="oldcode2").exists()


def test_a_session_from_before_two_factor_was_required_is_sent_to_the_second_step(
    client, editor_user, password_only_login
):
    """Signed in with the password alone (say, before joining the reviewers)."""
    password_only_login(client, editor_user)
    assert client.get("/admin/").status_code == 200

    editor_user.groups.add(editor_user.groups.model.objects.get(name=MEDICAL_REVIEWERS_GROUP))
    for url in ("/admin/", "/admin/therapies/therapy/", "/preview/therapies/therapy/1/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{ENROL}?next="), url
    # The public site and the way out stay open.
    assert client.get("/").status_code == 200
    assert client.post("/admin/logout/").status_code == 200


def test_a_signed_in_session_with_an_app_but_no_code_is_asked_for_one(client, reviewer, password_only_login):
    device = authenticator_for(reviewer)
    password_only_login(client, reviewer)
    response = client.get("/admin/therapies/therapy/")
    assert response["Location"] == f"{CODE_STEP}?next=%2Fadmin%2Ftherapies%2Ftherapy%2F"
    assert client.get(ENROL)["Location"].startswith(CODE_STEP)

    key_before = client.session.session_key
    response = client.post(response["Location"], {"code": code_for(device)})
    assert response["Location"] == "/admin/therapies/therapy/"
    assert client.session.session_key != key_before
    assert client.get("/admin/therapies/therapy/").status_code == 200


def test_an_unfinished_sign_in_goes_stale(client, reviewer):
    device = authenticator_for(reviewer)
    log_in(client, reviewer)
    session = client.session
    session[flow.PENDING_SINCE] -= flow.PENDING_MAX_AGE_SECONDS + 1
    session.save()

    response = client.post(CODE_STEP, {"code": code_for(device)}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert "Please log in again" in response.text
    assert not signed_in(client)


def test_the_code_step_without_a_password_first_goes_to_the_login_page(client):
    response = client.get(CODE_STEP)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/admin/"]
)
def test_an_unsafe_next_lands_on_the_admin_index(client, editor_user, next_url):
    response = client.post("/admin/login/", {"username": "edna", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_the_login_form_carries_a_safe_next_only(client):
    assert 'name="next" value="/admin/"' in client.get("/admin/login/?next=https://evil.example/").text
    assert 'name="next" value="/admin/therapies/"' in client.get("/admin/login/?next=/admin/therapies/").text


def test_logout_and_password_change_still_work(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/admin/password_change/")
    assert page.status_code == 200
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "plum-orchard-lantern-47",
            "new_password2": "plum-orchard-lantern-47",
        },
    )
    assert response["Location"] == "/admin/password_change/done/"
    # Still signed in, still verified: the change does not end the session.
    assert client.get("/admin/").status_code == 200

    assert "Logged out" in client.post("/admin/logout/").text
    assert not signed_in(client)
