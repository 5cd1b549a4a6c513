"""Template tags for every page's <head>: canonical address, description,
social card and the shared JSON-LD (msinfo.sharing, msinfo.structured_data).

`capture` renders its content once into a variable, so base.html can reuse a
page's title and description blocks in several tags (<title>, the meta
description, Open Graph and Twitter) although a block renders only once."""

from django import template
from django.urls import reverse

from msinfo import sharing, structured_data

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        context[self.name] = self.nodelist.render(context)
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}...{% endcapture %}"""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.filter
def plain_text(value):
    return sharing.plain_text(value)


@register.filter
def meta_description(value):
    return sharing.meta_description(value)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    request = context.get("request")
    return sharing.canonical_url(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def social_image_url(context):
    return sharing.social_image_url(context.get("request"))


@register.simple_tag
def social_image(attribute):
    """The social image's width, height or alt text."""
    return {"width": sharing.SOCIAL_IMAGE_WIDTH, "height": sharing.SOCIAL_IMAGE_HEIGHT, "alt": sharing.SOCIAL_IMAGE_ALT}[attribute]


@register.simple_tag(takes_context=True)
def medical_page_json_ld(context, record):
    """A page about MS (home, emerging, care, the site's own pages) as a
    MedicalWebPage named and described as its <head> is (base.html's
    page_title and page_description); `record` is the reviewed text it
    shows, or None."""
    request = context.get("request")
    if request is None:
        return ""
    page = structured_data.medical_web_page(
        request, context.get("page_title", ""), record or None, description=context.get("page_description", "")
    )
    return structured_data.script([page])


# The menu sections templates/includes/breadcrumbs.html names by a category's kind.
SECTION_CRUMBS = {
    "dmt": ("DMTs & costs", "therapies:therapy_list"),
    "emerging": ("Emerging therapies", "therapies:emerging"),
    "supportive": ("Supportive care", "therapies:care"),
}


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, kind="", one="", one_url="", two="", two_url="", current=""):
    """The trail templates/includes/breadcrumbs.html shows, as a BreadcrumbList."""
    request = context.get("request")
    if request is None:
        return ""
    crumbs = [("Home", reverse("therapies:home"))]
    if kind in SECTION_CRUMBS:
        label, url_name = SECTION_CRUMBS[kind]
        crumbs.append((label, reverse(url_name)))
    if one:
        crumbs.append((sharing.plain_text(one), str(one_url)))
    if two:
        crumbs.append((sharing.plain_text(two), str(two_url)))
    crumbs.append((sharing.plain_text(current), sharing.canonical_path(request)))
    return structured_data.script([structured_data.breadcrumb_list(request, crumbs)])
