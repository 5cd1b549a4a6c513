"""Deployment checks (`manage.py check --deploy`) for the site's own settings."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Canonical links, feeds, the sitemap and the open data files name pages
    by SITE_URL. Without it they take the host of each request, so whatever
    name a proxy or a crawler used is what search engines index."""
    if not settings.SITE_URL:
        return [
            Warning(
                "MSINFO_SITE_URL is not set: canonical links, feeds and the sitemap will use "
                "the host each request came to.",
                hint="Set MSINFO_SITE_URL to the site's public address, e.g. https://ms.example.org.",
                id="msinfo.W001",
            )
        ]
    address = urlsplit(settings.SITE_URL)
    if address.scheme != "https" or not address.netloc or address.path or address.query:
        return [
            Warning(
                f"MSINFO_SITE_URL ({settings.SITE_URL}) is not an https:// address with no path.",
                hint="e.g. https://ms.example.org",
                id="msinfo.W002",
            )
        ]
    return []
