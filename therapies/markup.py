"""Editors write Markdown; readers get sanitised HTML.

Sanitising happens after Markdown rendering, so nothing an editor types (raw
HTML, event handlers, javascript: links) survives into the page."""

import markdown
import nh3
from django.utils.safestring import mark_safe

MARKDOWN_HELP = (
    "Markdown: blank line between paragraphs, **bold**, *italic*, "
    "[link text](https://example.org), lines starting with '- ' for a list, "
    "'## ' for a sub-heading. HTML and scripts are removed before readers see it."
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)
