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

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
