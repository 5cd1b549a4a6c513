"""Word-by-word differences between two versions of a field, as HTML.

A reviewer should see what changed inside a long text, not hunt for it in two
full columns. Text is split into words and the whitespace between them, so
line breaks survive and joining the pieces gives back the text exactly; a
word is the same word whatever follows it, so text added after the last word
marks only what was added.
Every piece is escaped before it is marked: editors' text is Markdown and may
hold HTML, which must show as text here, never run."""

import difflib
import re
from dataclasses import dataclass
from html import unescape

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.markup import image_references, render_markdown

_TOKEN = re.compile(r"\s+|\S+")

# An unchanged stretch this short between two changes (a lone "a " or "of ")
# is folded into them: "<del>a</del> of <del>b</del>" reads worse than one change.
_SHORT_RUN = 3


def tokens(text):
    return _TOKEN.findall(text)


def as_text(value):
    """How a value reads in a comparison: '' for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


@dataclass(frozen=True)
class WordDiff:
    """One field's difference. `before` marks what was removed (<del>),
    `after` what was added (<ins>), `inline` both in one text."""

    before: SafeString
    after: SafeString
    inline: SafeString
    changed: bool


def _ops(old, new):
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    result = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        # difflib never puts two changes side by side, so an unchanged stretch
        # inside the list sits between two changes: fold it in when short.
        inside = 0 < index < len(opcodes) - 1
        if tag == "equal" and inside and len("".join(old[i1:i2]).strip()) <= _SHORT_RUN:
            tag = "replace"
        if tag != "equal" and result and result[-1][0] != "equal":
            _, a1, _, b1, _ = result[-1]
            result[-1] = ("replace", a1, i2, b1, j2)
        else:
            result.append((tag, i1, i2, j1, j2))
    return result


def _mark(tag, pieces):
    text = "".join(pieces)
    if not text:
        return ""
    # Whitespace at either end stays outside the mark, so a struck-through or
    # underlined stretch does not run on into the gaps around it.
    body = text.strip()
    if not body:
        return escape(text)
    start = text.index(body)
    return f"{escape(text[:start])}<{tag}>{escape(body)}</{tag}>{escape(text[start + len(body):])}"


def word_diff(old, new):
    """The word-level difference between two values (any type; None is empty)."""
    old_text, new_text = as_text(old), as_text(new)
    if old_text == new_text:
        same = mark_safe(escape(old_text))
        return WordDiff(same, same, same, False)
    old_tokens, new_tokens = tokens(old_text), tokens(new_text)
    before, after, inline = [], [], []
    for tag, i1, i2, j1, j2 in _ops(old_tokens, new_tokens):
        if tag == "equal":
            same = escape("".join(old_tokens[i1:i2]))
            before.append(same)
            after.append(same)
            inline.append(same)
            continue
        removed, added = _mark("del", old_tokens[i1:i2]), _mark("ins", new_tokens[j1:j2])
        before.append(removed)
        after.append(added)
        # A space between the struck-through words and their replacement.
        inline.append(f"{removed} {added}" if removed and added else removed + added)
    return WordDiff(
        mark_safe("".join(before)), mark_safe("".join(after)), mark_safe("".join(inline)), True
    )


# --- Images ---------------------------------------------------------------------------------
# A reviewer approves the picture, not the words "![](image:42)": each image a
# pending text adds, or shows with other alt text, is shown as readers will
# get it, with the alt text they will hear.


@dataclass(frozen=True)
class ShownImage:
    image_id: int
    alt: str  # as written at the point of use; "" means the library's own
    html: SafeString  # the image as readers will get it; "" if it is missing
    heard: str  # the alt text readers will hear ("" for a decorative image)


def images_added(old, new):
    """The library images `new` shows that `old` did not (or not with that
    alt text), each rendered by the library as a reader's page would."""
    before = {(reference.image_id, reference.alt) for reference in image_references(as_text(old))}
    added = [reference for reference in image_references(as_text(new)) if (reference.image_id, reference.alt) not in before]
    shown = []
    for reference in added:
        html = render_markdown(f"![{escape_markdown_alt(reference.alt)}](image:{reference.image_id})")
        heard = _ALT.search(html)
        shown.append(ShownImage(reference.image_id, reference.alt, html, unescape(heard.group(1)) if heard else ""))
    return shown


_ALT = re.compile(r'\balt="([^"]*)"')


def escape_markdown_alt(alt):
    return alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
