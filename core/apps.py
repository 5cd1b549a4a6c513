from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site-wide machinery every app may use, and which uses no app of the
    site: the page cache, Markdown, sharing tags and JSON-LD helpers,
    absolute addresses, request limits, error pages and the health check."""

    name = "core"
    verbose_name = "Site machinery"

    def ready(self):
        from core import page_keys

        page_keys.connect_settings_signal()
