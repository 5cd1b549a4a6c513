from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "MS treatment information: editors"
admin.site.site_title = "MS treatment editors"
admin.site.index_title = "Content and prices"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("editorial.urls")),
    path("articles/", include("articles.urls")),
    path("", include("therapies.urls")),
]

# A refusal inside the admin is shown in the admin, not on the public site.
handler403 = "msinfo.errors.permission_denied"
