"""What a page tells search engines and the sites it is shared on: its
canonical address, a plain-text description and the shared social image.

Every page's <head> is built from these by templates/includes/social_meta.html
(through the `sharing` template tags), so the rules live in one place."""

import html
import re
from urllib.parse import urlencode

from django.templatetags.static import static
from django.utils.html import strip_tags

from core.site_url import absolute_url

SITE_NAME = "MS treatment explained"
# Search engines show about this much of a description; past it, a sentence is cut.
DESCRIPTION_LENGTH = 155

SOCIAL_IMAGE = "img/social-card.png"  # made from static/img/social-card.svg (see README)
SOCIAL_IMAGE_WIDTH = 1200
SOCIAL_IMAGE_HEIGHT = 630
SOCIAL_IMAGE_ALT = "MS treatment explained: plain-language information about MS treatment and its cost"

_PAGE = "page"


def canonical_query(*names):
    """Marks a view whose content is chosen by these query parameters: they
    stay in its canonical address, and every other one (tracking tags, the
    chooser's filters, typos) is left out, so every variant of a page counts
    as that one page. "page" keeps only a page number above 1."""

    def mark(view):
        view.canonical_query = names
        return view

    return mark


def _kept(name, values):
    if name == _PAGE:
        # Page 1 is the list's own address; anything not a page number is noise.
        # fullmatch on ASCII digits: "²" is a digit to str.isdigit() but not to int().
        return [v for v in values[:1] if re.fullmatch(r"[0-9]{1,9}", v) and int(v) > 1]
    return [v.strip() for v in values if v.strip()]


def canonical_path(request):
    """The request's path with only the query parameters that choose its content."""
    match = request.resolver_match
    names = getattr(match.func, "canonical_query", ()) if match is not None else ()
    pairs = [(name, value) for name in names for value in _kept(name, request.GET.getlist(name))]
    if not pairs:
        return request.path
    return f"{request.path}?{urlencode(pairs)}"


def canonical_url(request):
    return absolute_url(canonical_path(request), request)


def social_image_url(request):
    return absolute_url(static(SOCIAL_IMAGE), request)


def plain_text(value):
    """Rendered template text (escaped, perhaps with tags) as one line of plain text."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(str(value)))).strip()


def meta_description(value, limit=DESCRIPTION_LENGTH):
    """Plain text of at most `limit` characters, cut at a word with an ellipsis."""
    text = plain_text(value)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–") + "…"
