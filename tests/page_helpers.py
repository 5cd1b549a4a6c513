"""Reading a rendered page the way a test needs to: its visible text, how
many of a tag it has, and the site-wide promises every page keeps."""

import json
import re
from html.parser import HTMLParser

MEDICAL_DISCLAIMER = "It is not medical advice"
PRICE_DISCLAIMER = "are estimates, not quotes"
STALE_MARK = "Newest we have, from"


INLINE = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sub", "sup", "time"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []  # (tag, attrs dict) in document order
        self.text_parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in INLINE:
            self.text_parts.append(" ")
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag not in INLINE:
            self.text_parts.append(" ")
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text_parts.append(data)


class Page:
    def __init__(self, response):
        self.html = response.content.decode()
        parser = _Page()
        parser.feed(self.html)
        self.tags = parser.tags
        self.text = re.sub(r"\s+", " ", "".join(parser.text_parts)).strip()

    def count(self, tag):
        return sum(1 for name, _ in self.tags if name == tag)

    def find_all(self, tag, **attrs):
        return [a for name, a in self.tags if name == tag and all(a.get(k) == v for k, v in attrs.items())]

    def links(self):
        return [a.get("href") for name, a in self.tags if name == "a"]

    def section_text(self, start, end):
        """The visible text between two phrases (to check what a block says)."""
        after = self.text.split(start, 1)[1]
        return after.split(end, 1)[0] if end else after


def page(response):
    return Page(response)


def day(value):
    """A date as the site prints it: 15 January 2026."""
    return f"{value.day} {value:%B %Y}"


def money(value):
    return f"US${value:,}"


def assert_site_layout(response):
    """What every public page promises: the base layout, one h1, landmarks,
    the medical disclaimer, local Bootstrap and no script at all."""
    p = page(response)
    assert p.count("h1") == 1, f"expected exactly one <h1>, found {p.count('h1')}"
    for landmark in ("header", "nav", "main", "footer"):
        assert p.count(landmark) >= 1, f"no <{landmark}>"
    assert MEDICAL_DISCLAIMER in p.text
    assert p.find_all("meta", name="viewport")
    assert p.find_all("meta", name="description")[0]["content"].strip()
    assert p.find_all("a", href="#main"), "no skip link"
    stylesheets = [a["href"] for a in p.find_all("link", rel="stylesheet")]
    assert "/static/bootstrap/css/bootstrap.min.css" in stylesheets
    # No page needs JavaScript: the menu wraps, and nothing opens or closes by
    # script. The one script element allowed is JSON-LD: data for search
    # engines, which no browser runs, and never loaded from elsewhere.
    scripts = [attrs for name, attrs in p.tags if name == "script"]
    assert all(attrs.get("type") == JSON_LD and "src" not in attrs for attrs in scripts), f"unexpected scripts: {scripts}"
    assert "cdn" not in " ".join(stylesheets).lower()
    return p


JSON_LD = "application/ld+json"


def json_ld(response):
    """Every JSON-LD block of a page, parsed: a list of dicts."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return [json.loads(block) for block in blocks]


def json_ld_nodes(response):
    """Every top-level node of a page's JSON-LD (each block's @graph, flattened)."""
    return [node for block in json_ld(response) for node in block.get("@graph", [block])]
