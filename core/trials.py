"""Trial registry numbers, wherever a page mentions one.

A reader who meets "NCT02792218" on a page can follow it to the trial's own
record on ClinicalTrials.gov: the number is the link. References keep their
trial number as data (editorial.models.references); text that an editor
writes gets its bare numbers linked here, in Markdown and in plain text alike."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

NCT_NUMBER = re.compile(r"\bNCT[0-9]{8}\b")
REGISTRY_LINK = "https://clinicaltrials.gov/study/{}"

# An HTML tag, or the text between tags.
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def registry_link(number):
    return REGISTRY_LINK.format(number)


def _linked(match):
    number = match.group(0)
    return f'<a href="{registry_link(number)}" rel="noopener noreferrer">{number}</a>'


def link_numbers_in_html(html):
    """`html` (safe, sanitised) with each bare trial number outside a link
    made a link to its registry record."""
    if "NCT" not in html:
        return html
    pieces, inside_link = [], 0
    for piece in _TAG_OR_TEXT.split(html):
        if piece.startswith("<"):
            tag = piece[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(piece) > 2 else ""
            if tag == "a":
                inside_link += -1 if piece.startswith("</") else 1
            pieces.append(piece)
        else:
            pieces.append(piece if inside_link else NCT_NUMBER.sub(_linked, piece))
    return "".join(pieces)


def link_numbers_in_text(text):
    """Plain `text`, escaped, with its trial numbers as links."""
    return mark_safe(NCT_NUMBER.sub(_linked, escape(text)))
