"""The admin pages django-otp and django-axes bring, narrowed.

Two-factor devices hold each person's secret key and recovery codes: they are
managed by their owner (Two-factor authentication, in the header) and by
`manage.py reset_two_factor`, so they are not listed in the admin.

Failed logins (axes' "Access attempts") stay, for superusers: the list shows
who or which address is locked out, and deleting an entry lifts that
lockout. The records themselves cannot be edited, and the log of successful
logins is view-only."""

from axes.admin import AccessAttemptAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class FailedLoginAdmin(AccessAttemptAdmin):
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class LoginLogAdmin(AccessLogAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
