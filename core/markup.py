"""Editors write Markdown; readers get sanitised HTML.

Sanitising happens after Markdown rendering, so nothing an editor types (raw
HTML, event handlers, javascript: links) survives into the page."""

import functools
import hashlib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from html.parser import HTMLParser
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
    "Images: upload them to the media library, then use “Insert image”, which writes "
    "![what the image shows](image:42); leave the words in brackets empty to use the library's alt text."
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
# tel: so a reader on a phone can call a helpline with one tap.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# A reference to the media library survives sanitising as <img src="image:42"
# alt="...">, and is swapped for the library's <picture> at render time
# (_with_library_images); every other <img> is dropped there.
_REFERENCE_TAGS = {"img"}
_REFERENCE_ATTRIBUTES = {"img": {"src", "alt"}}
_REFERENCE_SCHEME = "image"


IMAGES_ONLY_FROM_LIBRARY = (
    "Images must come from the media library: upload the image there, then use “Insert image”, "
    "which writes ![what the image shows](image:42). Image addresses and <img> tags are not allowed."
)


MARKDOWN_EXTENSIONS = ["tables", "sane_lists"]


def _to_html(text):
    return markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")


# --- Images from the media library ------------------------------------------------------
# The library lives in an app above this module: it registers itself
# (register_image_library), so this module names no app. The library object
# answers `existing_ids(ids)` (the set of those ids it holds), `load(ids)`
# ({id: image} for those it holds, in one query) and `figure(image,
# reference)` (the HTML of an ImageReference to that image, with no query).

_image_library = None
# Images loaded before rendering (load_images, images_loaded): HTML kept by
# what it is made from (core.fragments) may not query as it renders.
_loaded_images = ContextVar("msinfo_loaded_images", default=None)
_LIBRARY_SOURCE = re.compile(rf"\s*{_REFERENCE_SCHEME}:(\d+)\s*")


def register_image_library(library):
    global _image_library
    _image_library = library


@dataclass(frozen=True)
class ImageReference:
    """`![alt](image:42)` in an editor's text. `alt` is the alt text written at
    the point of use ("" to use the library's own); `standalone` says the
    image is a paragraph of its own, so it may have a caption (a <figure>)."""

    image_id: int
    alt: str = ""
    standalone: bool = False


class _ImageFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources = []  # (src or None, alt)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            attributes = dict(attrs)
            self.sources.append((attributes.get("src"), attributes.get("alt") or ""))


def _image_sources(html):
    finder = _ImageFinder()
    finder.feed(html)
    finder.close()
    return finder.sources


def image_references(text):
    """The library images a Markdown text refers to, in order. Images shown
    as code (`![alt](image:1)`) are only text, and not among them."""
    references = []
    for source, alt in _image_sources(_to_html(text)):
        match = _LIBRARY_SOURCE.fullmatch(source or "")
        if match:
            references.append(ImageReference(int(match.group(1)), alt.strip()))
    return references


def load_images(texts):
    """{image id: the library's image, or None if it has none by that id} for
    every library image the texts refer to, in one query. HTML kept by what
    it is made from (core.fragments) names these images in that, and renders
    under images_loaded(them), so it reads nothing more as it renders."""
    ids = {reference.image_id for text in texts if text and "image:" in text for reference in image_references(text)}
    if not ids or _image_library is None:
        return dict.fromkeys(ids)
    found = _image_library.load(ids)
    return {image_id: found.get(image_id) for image_id in ids}


@contextmanager
def images_loaded(images):
    """Render the library images in `images` (from load_images) without
    looking them up again."""
    token = _loaded_images.set(images)
    try:
        yield
    finally:
        _loaded_images.reset(token)


def _figures(references):
    """The library's HTML for each reference, in order ("" for an image it
    does not have): one query for all of them, none for those loaded already."""
    if not references or _image_library is None:
        return []
    loaded = dict(_loaded_images.get() or {})
    missing = {reference.image_id for reference in references} - loaded.keys()
    if missing:
        found = _image_library.load(missing)
        loaded.update({image_id: found.get(image_id) for image_id in missing})
    return [
        _image_library.figure(loaded[reference.image_id], reference) if loaded[reference.image_id] is not None else ""
        for reference in references
    ]


def existing_image_ids(ids):
    ids = set(ids)
    if not ids or _image_library is None:
        return set()
    return set(_image_library.existing_ids(ids))


def reject_images(text):
    """Validator for Markdown fields: an image must be a reference to the
    media library (![alt](image:42)), never an address or an <img> tag, which
    the sanitiser would drop without a word (and which could show readers a
    picture nobody reviewed); and the image referred to must exist. Image
    syntax shown as code (`![alt](x)`) is only text, and allowed."""
    ids = []
    for source, _ in _image_sources(_to_html(text)):
        match = _LIBRARY_SOURCE.fullmatch(source or "")
        if not match:
            raise ValidationError(IMAGES_ONLY_FROM_LIBRARY, code="image")
        ids.append(int(match.group(1)))
    missing = sorted(set(ids) - existing_image_ids(ids))
    if missing:
        named = ", ".join(f"image:{image_id}" for image_id in missing)
        raise ValidationError(
            f"The media library has no {named} (it may have been deleted). Choose an image with “Insert image”.",
            code="missing_image",
        )


# A tag, quoted attribute values and all, as the sanitiser writes it.
_SANITISED_IMAGE = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
_STANDALONE_IMAGE = re.compile(r"""<p>\s*(<img\b(?:[^>"']|"[^"]*"|'[^']*')*>)\s*</p>""")


def _with_library_images(html):
    """Sanitised HTML with each library reference replaced by the library's
    current rendering of it (alt text, caption and renditions are read now,
    not kept with the text, so an edit to an image shows at once), and any
    other image removed."""
    if "<img" not in html:
        return html
    pieces, references = [], []
    position = 0
    standalone_spans = {match.start(1): match for match in _STANDALONE_IMAGE.finditer(html)}
    for match in _SANITISED_IMAGE.finditer(html):
        source, alt = (_image_sources(match.group(0)) or [(None, "")])[0]
        found = _LIBRARY_SOURCE.fullmatch(source or "")
        paragraph = standalone_spans.get(match.start())
        start, end = (paragraph.start(), paragraph.end()) if paragraph else match.span()
        pieces.append(html[position:start])
        position = end
        if found:
            references.append(ImageReference(int(found.group(1)), alt.strip(), standalone=paragraph is not None))
            pieces.append(len(references) - 1)
    pieces.append(html[position:])
    figures = _figures(references)
    return "".join(
        piece if isinstance(piece, str) else (figures[piece] if piece < len(figures) else "") for piece in pieces
    )


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
        tags=ALLOWED_TAGS | _REFERENCE_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, **_REFERENCE_ATTRIBUTES},
        url_schemes=ALLOWED_URL_SCHEMES | {_REFERENCE_SCHEME},
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
    # The text's rendering is kept (by the text); its library images are
    # looked up on each call, in one query, so they are never out of date.
    return mark_safe(_with_library_images(_rendered(text or "")))


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
