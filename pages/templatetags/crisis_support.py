"""Crisis lines and helplines next to the mental health support section.

The text is a site text (SitePage key "crisis"), edited and reviewed like
every page. It is shown with one supportive care section, the one at
MENTAL_HEALTH_SECTION_SLUG: on the supportive care page, within that section,
and on the section's own page. One query, only where it is shown."""

from django import template

from pages.models import SitePage
from pages.queries import live_site_page

register = template.Library()

# The mental health support section's address (/categories/mental-health-support/).
# If editors rename the section, change this too: tests/pages/test_trust_pages.py
# checks the demo content's section still has it.
MENTAL_HEALTH_SECTION_SLUG = "mental-health-support"


@register.simple_tag(takes_context=True)
def crisis_support_for(context, section):
    """The crisis text to show with `section`, or None. `crisis_text`, when
    the page has it, is the text already chosen: the live one, fetched with
    the supportive care page's introduction (pages/sections.py), or in a staff
    preview of the crisis text itself the editor's working copy."""
    if getattr(section, "slug", None) != MENTAL_HEALTH_SECTION_SLUG:
        return None
    if "crisis_text" in context:
        return context["crisis_text"]
    return live_site_page(SitePage.Key.CRISIS_SUPPORT)
