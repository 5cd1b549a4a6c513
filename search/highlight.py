"""A snippet from the search engines as safe HTML.

The engines mark matched words with two private-use characters (START and
STOP in search/backends.py), never with HTML: the whole snippet, editor's
text and all, is escaped first, and only then are the markers turned into
<mark> elements. Nothing in a page's text or in the query can reach the page
unescaped. The index never holds the marker characters (search/index.py)."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from search.backends import START, STOP

_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
_LEFTOVER = re.compile(f"[{START}{STOP}]")


def snippet_html(text):
    escaped = escape(text or "")
    marked = _MARKED.sub(lambda match: f"<mark>{match.group(1)}</mark>" if match.group(1) else "", escaped)
    return mark_safe(_LEFTOVER.sub("", marked))
