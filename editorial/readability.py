"""Plain-language and accessibility checks on an editor's Markdown text.

The site's readers need text a 12-year-old can follow. These checks measure a
text and say what might make it hard to read or to use with a screen reader:
its reading grade, its longest sentences, the medical words it uses (with the
plain alternative from the editors' glossary), link text that says nothing out
of context ("click here"), headings that skip a level, and images without alt
text (or with alt text that says nothing, such as "image" or a file name).
They advise: nothing here stops a save or an approval.

Pure functions over text: the caller passes the glossary terms in, so the
checks can be run on any version of a field (the live one and the pending
one beside the diff) without touching the database."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import textstat

from core.markup import MARKDOWN_EXTENSIONS, reject_images

# US school grade (Flesch-Kincaid): 8 is what a 12-to-13-year-old reads easily.
TARGET_GRADE = 8
# A sentence longer than this is hard to hold in mind at once.
LONG_SENTENCE_WORDS = 25
LONGEST_SHOWN = 3

# Link text that tells a screen-reader user, who often moves from link to
# link, nothing about where the link goes.
VAGUE_LINK_TEXTS = frozenset(
    {
        "click here", "click", "here", "this", "this link", "link", "this page", "page",
        "read more", "more", "learn more", "find out more", "more information", "more info",
        "go", "details", "see here", "see more",
    }
)

# Alt text that tells a screen-reader user nothing about what the image shows.
VAGUE_ALT_TEXTS = frozenset({"image", "picture", "photo", "diagram", "graphic", "figure", "illustration", "img"})
_FILE_NAME = re.compile(r"\S+\.(?:png|jpe?g|webp|gif|svg)", re.IGNORECASE)
# A media library reference (core.markup): empty alt text there means the
# library's own, which the library never lets be missing.
_LIBRARY_REFERENCE = re.compile(r"\s*image:\d+\s*")

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "pre"}
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
# A sentence ends at . ! or ? followed by space; "e.g. this" splits too, which
# only makes the figures slightly kinder.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


def markdown_fields(model):
    """The model's Markdown text fields (those that refuse images, as every
    Markdown field readers read does): the fields these checks apply to."""
    return [f for f in model._meta.fields if reject_images in getattr(f, "validators", ())]


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int

    @property
    def too_long(self):
        return self.words > LONG_SENTENCE_WORDS


@dataclass(frozen=True)
class GlossaryMatch:
    term: str
    plain_meaning: str


@dataclass
class TextCheck:
    """What the checks found in one text. `grade` is None for a text too short
    to measure."""

    # For the templates, which show the targets beside the figures.
    target_grade = TARGET_GRADE
    long_sentence_words = LONG_SENTENCE_WORDS

    words: int = 0
    grade: float | None = None
    longest_sentences: list = field(default_factory=list)
    glossary: list = field(default_factory=list)
    vague_links: list = field(default_factory=list)
    heading_problems: list = field(default_factory=list)
    images_without_alt: int = 0

    @property
    def grade_too_high(self):
        return self.grade is not None and self.grade > TARGET_GRADE

    @property
    def long_sentences(self):
        return [sentence for sentence in self.longest_sentences if sentence.too_long]

    @property
    def problem_count(self):
        """How many things the editor might look at (glossary words are
        suggestions, not problems)."""
        return (
            int(self.grade_too_high)
            + len(self.long_sentences)
            + len(self.vague_links)
            + len(self.heading_problems)
            + self.images_without_alt
        )


class _Reader(HTMLParser):
    """Walks the rendered HTML once: the text of each block, each heading's
    level, each link's text and each image's alt text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.headings, self.links, self.images = [], [], [], []
        self._text, self._link = [], None

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._end_block()
        if tag in _HEADINGS:
            self.headings.append(_HEADINGS[tag])
        elif tag == "a":
            self._link = []
        elif tag == "img":
            attributes = dict(attrs)
            self.images.append(((attributes.get("src") or ""), (attributes.get("alt") or "").strip()))

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._end_block()
        elif tag == "a" and self._link is not None:
            self.links.append(" ".join("".join(self._link).split()))
            self._link = None

    def handle_data(self, data):
        self._text.append(data)
        if self._link is not None:
            self._link.append(data)

    def _end_block(self):
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append(text)
        self._text = []

    def close(self):
        super().close()
        self._end_block()


def _read(text):
    reader = _Reader()
    reader.feed(markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html"))
    reader.close()
    return reader


def sentences(blocks):
    """Every sentence of the text. A heading or list item without a full stop
    is a sentence of its own, not the start of the next one."""
    for block in blocks:
        for part in _SENTENCE_END.split(block):
            if part.strip():
                yield Sentence(part.strip(), len(_WORD.findall(part)))


def _grade(found):
    words = sum(sentence.words for sentence in found)
    if words < 3:
        return None
    # Each sentence given its full stop, so textstat counts them as the reader meets them.
    text = " ".join(s.text if s.text[-1] in ".!?" else f"{s.text}." for s in found)
    # Very short, plain sentences score below 0, which reads as a fault: 0 is "as easy as it gets".
    return max(0.0, round(textstat.flesch_kincaid_grade(text), 1))


def heading_problems(levels):
    """Headings that skip a level. The page's title is its only top-level
    heading, so a text starts at ## (level 2), and each heading goes at most
    one level deeper than the one before it."""
    problems, previous = [], 1
    for level in levels:
        if level == 1:
            problems.append("A top-level heading (#): the page title is the only one. Start headings at ##.")
        elif level > previous + 1:
            problems.append(
                f"A heading jumps from {'#' * previous} to {'#' * level}: "
                f"use {'#' * (previous + 1)} so screen-reader users do not think a section is missing."
            )
        previous = level
    return problems


def glossary_matches(plain_text, terms):
    """The glossary's terms the text uses, in the order it first uses them.
    `terms` is (term, plain meaning) pairs; a plural (lesions) finds its term."""
    found = []
    for term, meaning in terms:
        match = re.search(rf"\b{re.escape(term)}(?:s|es)?\b", plain_text, re.IGNORECASE)
        if match:
            found.append((match.start(), GlossaryMatch(term, meaning)))
    return [match for _, match in sorted(found, key=lambda pair: pair[0])]


def is_vague_link(link_text):
    cleaned = re.sub(r"[^\w\s]", "", link_text.lower()).strip()
    return cleaned in VAGUE_LINK_TEXTS or link_text.lower().startswith(("http://", "https://", "www."))


def lacks_useful_alt_text(source, alt):
    if not alt:
        return not _LIBRARY_REFERENCE.fullmatch(source)
    return alt.lower().strip(" .") in VAGUE_ALT_TEXTS or bool(_FILE_NAME.fullmatch(alt))


def check(text, glossary=()):
    """The plain-language and accessibility checks of one Markdown text.
    `glossary` is (term, plain meaning) pairs."""
    reader = _read(text)
    found = list(sentences(reader.blocks))
    return TextCheck(
        words=sum(sentence.words for sentence in found),
        grade=_grade(found),
        longest_sentences=sorted(found, key=lambda s: s.words, reverse=True)[:LONGEST_SHOWN],
        glossary=glossary_matches(" ".join(reader.blocks), glossary),
        vague_links=[link for link in reader.links if is_vague_link(link)],
        heading_problems=heading_problems(reader.headings),
        images_without_alt=sum(1 for source, alt in reader.images if lacks_useful_alt_text(source, alt)),
    )
