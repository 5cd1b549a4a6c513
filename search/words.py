"""What a reader typed, made safe and comparable: the query as shown back to
them, the form kept in the query log, and the words the engines look for.

The words are found here, not by either database's query parser, so that
nothing a reader types is ever query syntax (quotes, NEAR(, *, OR, column
filters) and both databases look for exactly the same words.

Both databases also read a page's text the same way. PostgreSQL's 'english'
configuration drops its stop words and reduces each word to its stem with the
Snowball English stemmer ("injections", "injected" -> "inject"; "weekly" ->
"week"). SQLite's FTS5 has only the older Porter stemmer, which differs on
common words ("weekly", "used", "one") and keeps stop words, so for SQLite the
text is stemmed here, with the same stemmer and stop words (`index_text`),
and FTS5 only splits it into words. The stemmer is pinned to the Snowball
release PostgreSQL 15 carries (snowballstemmer 2.2: Snowball 3 stems
"neurologist" and "emergency" differently); tests/search/test_search.py checks
that both databases agree on such words.

Left different: numbers PostgreSQL reads whole where SQLite splits them
("1-800-344-4867", "2.2"), and accents, which only SQLite ignores."""

import functools
import re
import unicodedata

import snowballstemmer

MAX_QUERY_LENGTH = 100
MAX_WORDS = 12

# PostgreSQL's English stop words (tsearch_data/english.stop): PostgreSQL
# leaves them out of its index, so SQLite must not ask for them either, or
# "the cost" would find different pages on the two.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these those
    am is are was were be been being have has had having do does did doing a an the and but if or because as
    until while of at by for with about against between into through during before after above below to from
    up down in out on off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just don should now""".split()
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ue000\ue001]")
# Letters and digits of any script; everything else separates words, as it
# does for both databases' parsers.
_WORD = re.compile(r"[^\W_]+")


def clean_query(raw):
    """(query, truncated): the reader's query with control characters
    removed, spaces collapsed and at most MAX_QUERY_LENGTH characters."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    return text[:MAX_QUERY_LENGTH].rstrip(), True


def normalised(query):
    """The form two searches for the same thing share: lowercase, single spaces."""
    return " ".join(query.casefold().split())[:MAX_QUERY_LENGTH]


def search_words(query):
    """The words to look for, in order, each once: lowercase letters and
    digits, without stop words, at most MAX_WORDS."""
    words = []
    for word in _WORD.findall(query.casefold()):
        if word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


_STEMMER = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=50_000)
def stem(word):
    """A lowercase word's stem, as PostgreSQL's 'english' configuration makes
    it: letters are stemmed; a word with a digit in it ("1a", "2020") is kept
    as it is, as PostgreSQL's parser gives such words no stemming."""
    if any(character.isdigit() for character in word):
        return word
    return _STEMMER.stemWord(word)


def stems(text):
    """The stems of the words of `text` that are not stop words, in order."""
    return [stem(word) for word in _WORD.findall(text.casefold()) if word not in STOP_WORDS]


def index_text(text):
    """`text` as SQLite's full-text table holds it: its stems, space-separated."""
    return " ".join(stems(text or ""))


def word_spans(text):
    """(start, end, stem or None) for each word of `text` (None for a stop
    word), to mark matched words in a snippet."""
    for match in _WORD.finditer(text):
        word = match.group().casefold()
        yield match.start(), match.end(), None if word in STOP_WORDS else stem(word)
