from django.contrib import admin
from django.urls import include, path

from therapies.preview import preview

admin.site.site_header = "MS treatment information: editors"
admin.site.site_title = "MS treatment editors"
admin.site.index_title = "Content and prices"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Staff only: a draft or pending revision shown as readers would see it.
    path("preview/<str:app_label>/<str:model_name>/<int:pk>/", preview, name="preview"),
    path("articles/", include("articles.urls")),
    path("", include("therapies.urls")),
]
