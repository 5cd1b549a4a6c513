"""The site texts the site's own pages show."""

from pages.models import SitePage


def live_site_page(key):
    """The live site text for `key` (a SitePage.Key), or None. One query."""
    # With its approver: the page's JSON-LD credits them (reviewedBy), at no extra query.
    return SitePage.objects.live().filter(key=key).select_related("approved_by__staff_profile").first()


def live_site_pages(*keys):
    """{key: the live site text or None} for each of `keys`, in one query:
    the supportive care page's introduction and its crisis lines together."""
    found = {key: None for key in keys}
    for text in SitePage.objects.live().filter(key__in=keys).select_related("approved_by__staff_profile"):
        found[text.key] = text
    return found
