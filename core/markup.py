"""Editors write Markdown; readers get sanitised HTML.

Sanitising happens after Markdown rendering, so nothing an editor types (raw
HTML, event handlers, javascript: links) survives into the page."""

import functools
import hashlib
import re
from pathlib import Path

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from core.cache import remember
from core.trials import link_numbers_in_html

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
# tel: so a reader on a phone can call a helpline with one tap.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


IMAGES_NOT_SUPPORTED = "Images are not supported yet: remove the image or link to it instead."
_IMAGE_TAG = re.compile(r"<img[\s/>]", re.IGNORECASE)


MARKDOWN_EXTENSIONS = ["tables", "sane_lists"]


def _to_html(text):
    return markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")


def reject_images(text):
    """Validator for Markdown fields. The sanitiser drops images, so an image
    an editor writes (![alt](address), a reference-style image or an <img>
    tag) would vanish from the page without a word: refuse it in the form
    instead. Image syntax shown as code (`![alt](x)`) is only text, and allowed."""
    if _IMAGE_TAG.search(_to_html(text)):
        raise ValidationError(IMAGES_NOT_SUPPORTED, code="image")


# Everything that decides the HTML a text renders to: this module's own code
# (the allowed tags, the steps below), the trial-number links (core/trials.py),
# the libraries' versions. Stored renderings are kept under it, so a new
# release or library never serves HTML
# rendered the old way.
RENDERER_FINGERPRINT = hashlib.sha256(
    repr(
        (
            Path(__file__).read_bytes(),
            (Path(__file__).parent / "trials.py").read_bytes(),
            markdown.__version__,
            getattr(nh3, "__version__", ""),
        )
    ).encode()
).hexdigest()[:16]


def _sanitised_html(text):
    return link_numbers_in_html(_cleaned(text))


def _cleaned(text):
    return nh3.clean(
        _to_html(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


@functools.lru_cache(maxsize=256)
def _rendered(text):
    # Kept by the text itself (and the renderer's fingerprint): an edited
    # text is a different key, so a stored rendering can never be out of
    # date. This process keeps the most used; the shared cache serves the
    # rest to every worker.
    digest = hashlib.sha256(text.encode()).hexdigest()
    return remember(f"markdown:{RENDERER_FINGERPRINT}:{digest}", lambda: _sanitised_html(text))


def render_markdown(text):
    return mark_safe(_rendered(text or ""))
