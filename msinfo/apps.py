from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project package as an app, for checks that concern the whole site."""

    name = "msinfo"
    verbose_name = "Site"

    def ready(self):
        from msinfo import checks  # noqa: F401  (registers the checks)
