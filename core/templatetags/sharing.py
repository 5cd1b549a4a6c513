"""Template tags for every page's <head>: canonical address, description,
social card (core.sharing).

`capture` renders its content once into a variable, so base.html can reuse a
page's title and description blocks in several tags (<title>, the meta
description, Open Graph and Twitter) although a block renders only once."""

from django import template

from core import sharing

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
