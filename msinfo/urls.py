from django.conf import settings
from django.conf.urls.static import static as media_files
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from core.health import healthz
from pages.sitemaps import SITEMAPS, robots_txt

admin.site.site_header = "MS treatment information: editors"
admin.site.site_title = "MS treatment editors"
admin.site.index_title = "Content and prices"


def favicon(request):
    # Pages name their icon in <head>; feed readers and bookmarks still ask
    # for the old fixed address.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    # Ahead of the admin: its login page, with the two-factor step, and the
    # two-factor pages (accounts/urls.py). Logout and password change stay the admin's.
    path("admin/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # Load balancers' probe; core.middleware.HealthCheckMiddleware answers it first.
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("search/", include("search.urls")),
    path("", include("editorial.urls")),
    path("articles/", include("articles.urls")),
    path("", include("pages.urls")),
    path("", include("therapies.urls")),
    path("", include("prices.urls")),
]

# Uploaded images from local disk with `make run`; production serves them
# from the proxy in front or from the S3 bucket (docs/images.md). Django's
# helper adds nothing when DEBUG is off.
urlpatterns += media_files(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A refusal inside the admin is shown in the admin, not on the public site.
handler403 = "core.errors.permission_denied"
# A database that is down, locked or too slow gets a 503 page, not a 500.
handler500 = "core.errors.server_error"
