"""The breadcrumb trail as JSON-LD: the same trail
templates/includes/breadcrumbs.html shows readers, from Home down."""

from django import template
from django.urls import reverse

from core import sharing, structured_data

register = template.Library()


# The menu sections templates/includes/breadcrumbs.html names by a category's kind.
SECTION_CRUMBS = {
    "dmt": ("DMTs & costs", "therapies:therapy_list"),
    "emerging": ("Emerging therapies", "pages:emerging"),
    "supportive": ("Supportive care", "pages:care"),
}


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, kind="", one="", one_url="", two="", two_url="", current=""):
    """The trail templates/includes/breadcrumbs.html shows, as a BreadcrumbList."""
    request = context.get("request")
    if request is None:
        return ""
    crumbs = [("Home", reverse("pages:home"))]
    if kind in SECTION_CRUMBS:
        label, url_name = SECTION_CRUMBS[kind]
        crumbs.append((label, reverse(url_name)))
    if one:
        crumbs.append((sharing.plain_text(one), str(one_url)))
    if two:
        crumbs.append((sharing.plain_text(two), str(two_url)))
    crumbs.append((sharing.plain_text(current), sharing.canonical_path(request)))
    return structured_data.script([structured_data.breadcrumb_list(request, crumbs)])
