"""Included from msinfo/urls.py ahead of the admin, under /admin/: the login
page here replaces the admin's own, and the admin's logout and password
change stay as they are."""

from django.contrib import admin
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("two-factor/code/", views.verify, name="verify"),
    path("two-factor/set-up/", views.enrol, name="enrol"),
    # Signed-in staff only, as for every admin page.
    path("two-factor/", admin.site.admin_view(views.two_factor), name="two_factor"),
    path("two-factor/recovery-codes/", admin.site.admin_view(views.recovery_codes), name="recovery_codes"),
    path(
        "two-factor/recovery-codes/new/",
        admin.site.admin_view(views.regenerate_recovery_codes),
        name="regenerate_recovery_codes",
    ),
    path("two-factor/turn-off/", admin.site.admin_view(views.disable), name="disable"),
]
