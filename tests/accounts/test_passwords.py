"""Passwords built from the username are refused (accounts/password_validation.py)."""

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.password_validation import UsernameInPasswordValidator

PASSWORD = "a-long-test-password"


def refused(username, password):
    try:
        UsernameInPasswordValidator().validate(password, User(username=username))
    except ValidationError as error:
        return error.messages
    return None


@pytest.mark.parametrize(
    "password",
    [
        "mary.jones2026!",  # the username and a year
        "Senoj.yram-123",  # backwards
        "MARYJONES-secure",
        "jones.mary.1990",  # its parts the other way round
        "m4ry.j0nes!!2026",  # digits for letters
        "2026#yram#senoj",
    ],
)
def test_passwords_built_from_the_username_are_refused(password):
    assert refused("mary.jones", password) == [
        "This password is built from your username (“mary.jones”). Choose one that does not contain it, "
        "forwards or backwards."
    ]


@pytest.mark.parametrize("password", ["plum-orchard-lantern-47", "Mary had a little lamb", "jonesing-for-tea-88"])
def test_passwords_not_built_from_it_pass(password):
    assert refused("mary.jones", password) is None


def test_a_very_short_username_is_not_looked_for():
    """"ed" turns up by chance in many good passwords ("red-bedside-lamp")."""
    assert refused("ed", "red-bedside-lamp-52") is None
    assert refused("edna", "edna-2026-summer") is not None


def test_the_validator_is_one_of_the_sites(db):
    with pytest.raises(ValidationError) as error:
        validate_password("Senoj.yram-123", User(username="mary.jones"))
    assert "This password is built from your username" in " ".join(error.value.messages)


def test_the_admin_password_change_refuses_one(client, person):
    mary = person("mary.jones", "Editors")
    client.force_login(mary)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "mary.jones2026!", "new_password2": "mary.jones2026!"},
    )
    assert response.status_code == 200
    assert "This password is built from your username (“mary.jones”)" in response.text
    mary.refresh_from_db()
    assert mary.check_password(PASSWORD)


def test_a_superuser_setting_someones_password_is_refused_one_too(editor_client, person):
    mary = person("mary.jones", "Editors")
    response = editor_client.post(
        f"/admin/auth/user/{mary.pk}/password/",
        {"password1": "Senoj.yram-123", "password2": "Senoj.yram-123"},
    )
    assert response.status_code == 200
    assert "This password is built from your username" in response.text
    mary.refresh_from_db()
    assert mary.check_password(PASSWORD)
