"""Error pages that know which side of the site they are on.

The project's templates/403.html is the public site's page. Staff refused
something inside the admin stay in the admin: same header, same navigation,
and a way back to what they were doing."""

from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults


def permission_denied(request, exception):
    if request.path.startswith(reverse("admin:index")):
        context = {
            **admin.site.each_context(request),
            "title": "You can't do this",
            "reason": str(exception or ""),
        }
        return render(request, "admin/403.html", context, status=403)
    return defaults.permission_denied(request, exception)
