"""manage.py reset_two_factor USERNAME: for someone who lost their phone and
their recovery codes. Removes every two-factor device of theirs, so they set
up an authenticator app again at their next sign-in."""

import logging

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.policy import two_factor_required

log = logging.getLogger("accounts")


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Remove a staff member's two-factor devices (authenticator app and recovery codes) so they set "
        "them up again at their next sign-in. Check who is asking first: this lets the password alone in "
        "until they do."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account's username, exactly as they log in with it.")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"There is no account with the username {username!r}. Nothing was changed.") from None

        apps = TOTPDevice.objects.filter(user=user)
        recovery = StaticDevice.objects.filter(user=user)
        app_count = apps.count()
        unused_codes = StaticToken.objects.filter(device__user=user).count()
        had_codes = recovery.exists()
        if not app_count and not had_codes:
            self.stdout.write(f"{username} has no two-factor devices: nothing to remove.")
            return
        apps.delete()
        recovery.delete()

        removed = [plural(app_count, "authenticator app")]
        if had_codes:
            removed.append(f"their recovery codes ({unused_codes} unused)")
        log.warning("Two-factor devices of %r reset from the command line: %s removed", username, " and ".join(removed))
        self.stdout.write(self.style.SUCCESS(f"Removed {' and '.join(removed)} from {username}."))
        if two_factor_required(user):
            self.stdout.write(
                "Two-factor authentication is required for this account: they will set up an authenticator "
                "app at their next sign-in."
            )
        else:
            self.stdout.write(
                "Two-factor authentication is optional for this account: they can sign in with their password alone."
            )
