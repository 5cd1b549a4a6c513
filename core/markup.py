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
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.kept import remember
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


# --- Plain meanings of medical words ----------------------------------------------------
# The editors' glossary lives in the editorial engine, above this module: it
# registers how to read it (register_glossary), so this module names no app.
# Readers see a term's plain meaning in the text itself, after the term's
# first use in a paragraph or list item: "lymphocytes (a kind of white blood
# cell)". Read aloud and shown alike, with no JavaScript and no `title`
# attribute (which screen readers do not read reliably). It is added after
# sanitising, to HTML the sanitiser made, with the meaning escaped: the
# allowed tags do not grow, and nothing an editor writes in a meaning runs.

_glossary_loader = None


def register_glossary(loader):
    """`loader()` returns (term, plain meaning) pairs."""
    global _glossary_loader
    _glossary_loader = loader


def glossary_terms():
    return list(_glossary_loader()) if _glossary_loader is not None else []


# A tag, quoted attribute values and all: a title may hold ">" (title="a > b").
_HTML_TAG = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
# Text explained only in running text: not in headings, links (a link's text
# is its name), code, or a term already explained.
_EXPLAINED_IN = {"p", "li", "td"}
_NOT_EXPLAINED_IN = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dfn", "th", "sup", "sub"}


def explain_terms(html, glossary):
    """Sanitised HTML with the first use of each glossary term followed by its
    plain meaning: `<dfn class="glossary-term">term</dfn>` then
    `<span class="plain-meaning"> (meaning)</span>`. A plural (lesions) counts
    as a use of its term."""
    html = str(html)
    patterns = [
        (re.compile(rf"\b{re.escape(escape(term))}(?:s|es)?\b", re.IGNORECASE), meaning)
        for term, meaning in glossary
        if term
    ]
    if not patterns:
        return mark_safe(html)
    open_tags, pieces = [], []
    for piece in _HTML_TAG.split(html):
        if piece.startswith("<"):
            if match := _TAG_NAME.match(piece):
                closing, name = match.group(1), match.group(2).lower()
                if closing:
                    if name in open_tags:
                        del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
                elif not piece.endswith("/>") and name not in {"br", "hr", "img"}:
                    open_tags.append(name)
            pieces.append(piece)
            continue
        if patterns and _EXPLAINED_IN & set(open_tags) and not _NOT_EXPLAINED_IN & set(open_tags):
            piece, patterns = _explain_in_text(piece, patterns)
        pieces.append(piece)
    return mark_safe("".join(pieces))


def _explain_in_text(text, patterns):
    """(the text with the terms it uses explained, the terms still unexplained)."""
    found = []
    for pattern, meaning in patterns:
        match = pattern.search(text)
        if match and not any(match.start() < end and start < match.end() for start, end, _, _ in found):
            found.append((match.start(), match.end(), pattern, meaning))
    if not found:
        return text, patterns
    used = {pattern for _, _, pattern, _ in found}
    out, position = [], 0
    for start, end, _, meaning in sorted(found, key=lambda item: item[0]):
        out += [
            text[position:start],
            f'<dfn class="glossary-term">{text[start:end]}</dfn>',
            f'<span class="plain-meaning"> ({escape(meaning)})</span>',
        ]
        position = end
    out.append(text[position:])
    return "".join(out), [(pattern, meaning) for pattern, meaning in patterns if pattern not in used]
