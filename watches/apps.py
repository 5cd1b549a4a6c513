from django.apps import AppConfig


class WatchesConfig(AppConfig):
    name = "watches"
    verbose_name = "Watched sources"
    default_auto_field = "django.db.models.BigAutoField"
