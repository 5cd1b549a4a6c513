"""Absolute addresses of the site's pages, for everything read away from the
site: canonical links, social cards, feeds, sitemaps and the open data files."""

from django.conf import settings


def absolute_url(path, request=None):
    """`path` (starting with /) as a full address: under settings.SITE_URL if
    set, else under the address `request` came to, else unchanged."""
    if settings.SITE_URL:
        return f"{settings.SITE_URL}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    return path
