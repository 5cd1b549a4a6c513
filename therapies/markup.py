"""Editors write Markdown; readers get sanitised HTML.

Sanitising happens after Markdown rendering, so nothing an editor types (raw
HTML, event handlers, javascript: links) survives into the page."""

import re

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

MARKDOWN_HELP = (
    "Markdown: blank line between paragraphs, **bold**, *italic*, "
    "[link text](https://example.org), lines starting with '- ' for a list, "
    "'## ' for a sub-heading. HTML and scripts are removed before readers see it. "
    "Images are not supported yet: link to them instead."
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


IMAGES_NOT_SUPPORTED = "Images are not supported yet: remove the image or link to it instead."
_IMAGE_TAG = re.compile(r"<img[\s/>]", re.IGNORECASE)


def _to_html(text):
    return markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")


def reject_images(text):
    """Validator for Markdown fields. The sanitiser drops images, so an image
    an editor writes (![alt](address), a reference-style image or an <img>
    tag) would vanish from the page without a word: refuse it in the form
    instead. Image syntax shown as code (`![alt](x)`) is only text, and allowed."""
    if _IMAGE_TAG.search(_to_html(text)):
        raise ValidationError(IMAGES_NOT_SUPPORTED, code="image")


def render_markdown(text):
    html = _to_html(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)
