from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff sign-in: the two-step admin login, two-factor enrolment and
    recovery codes, the staff idle timeout and the lockout page. It has no
    models of its own: devices are django-otp's, failed attempts django-axes'."""

    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from accounts import signals  # noqa: F401  (connects the receivers)
