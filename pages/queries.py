"""The site texts the site's own pages show."""

from pages.models import SitePage


def live_site_page(key):
    """The live site text for `key` (a SitePage.Key), or None. One query."""
    # With its approver: the page's JSON-LD credits them (reviewedBy), at no extra query.
    return SitePage.objects.live().filter(key=key).select_related("approved_by__staff_profile").first()
