"""A password validator: no passwords built from the username.

Django's UserAttributeSimilarityValidator compares the password with the
username as a whole and misses "mary.jones2026!" (the username plus a year)
and "Senoj.yram-123" (the username backwards). This one looks for the
username's letters and digits inside the password's, forwards or backwards,
with common letter-for-digit swaps undone."""

import re

from django.core.exceptions import ValidationError

# m4ry.j0nes -> mary.jones
LOOKALIKES = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})

# Shorter names ("ed") occur by chance in too many good passwords.
MIN_NAME_LENGTH = 3


def letters_and_digits(text):
    return re.sub(r"[^0-9a-z]", "", text.lower())


def name_parts(username):
    """The whole username and its parts ("mary.jones" -> "maryjones", "mary", "jones")."""
    parts = [letters_and_digits(part) for part in re.split(r"[^0-9A-Za-z]+", username)]
    parts = [part for part in parts if len(part) >= MIN_NAME_LENGTH]
    whole = letters_and_digits(username)
    return whole, parts


class UsernameInPasswordValidator:
    """Refuses a password that contains the username (or, for a username
    with several parts, all of its parts) forwards or backwards."""

    message = (
        "This password is built from your username (“%(username)s”). "
        "Choose one that does not contain it, forwards or backwards."
    )

    def validate(self, password, user=None):
        username = user.get_username() if user is not None else ""
        whole, parts = name_parts(username or "")
        if len(whole) < MIN_NAME_LENGTH:
            return
        for text in {letters_and_digits(password), letters_and_digits(password.lower().translate(LOOKALIKES))}:
            for candidate in (text, text[::-1]):
                if whole in candidate or (len(parts) > 1 and all(part in candidate for part in parts)):
                    raise ValidationError(
                        self.message, code="password_contains_username", params={"username": username}
                    )

    def get_help_text(self):
        return "Your password can’t be built from your username, forwards or backwards."
