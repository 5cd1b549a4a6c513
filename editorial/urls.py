from django.urls import path

from editorial.preview import preview

urlpatterns = [
    # Staff only: a draft or pending revision shown as readers would see it.
    path("preview/<str:app_label>/<str:model_name>/<int:pk>/", preview, name="preview"),
]
