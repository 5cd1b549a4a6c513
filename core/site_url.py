"""Absolute addresses of the site's pages, for everything read away from the
site: canonical links, social cards, feeds, sitemaps and the open data files."""

from django.conf import settings
from django.core.exceptions import DisallowedHost


def absolute_url(path, request=None):
    """`path` (starting with /) as a full address: under settings.SITE_URL if
    set, else under the address `request` came to (if it is one of
    ALLOWED_HOSTS), else unchanged."""
    if settings.SITE_URL:
        return f"{settings.SITE_URL}{path}"
    if request is not None:
        try:
            return request.build_absolute_uri(path)
        except DisallowedHost:
            # The 400 page for a request to a host this site does not serve:
            # never name that host in a link.
            pass
    return path
