"""The two search engines behind one interface: PostgreSQL's full-text search
(with pg_trgm for typos) and SQLite's FTS5 (with difflib for typos).

Both are given the query as plain words (search/words.py made them:
lowercase letters and digits only, stop words removed), never as query
syntax, so no query can be a syntax error in either engine, and both find the
same pages for the same words. The words come in groups (search/synonyms.py
makes them): a page must hold every group (AND), or, when asked, any of them;
a group is found when any of its alternatives is (a word, or one of the
meanings editors gave it as a synonym), and an alternative when the page holds
all of its words. Without synonyms a group is one word, so: every word, or
any of them.

Both stem English words the same way (PostgreSQL's 'english' configuration;
for SQLite search/words.py stems the text with the same Snowball stemmer and
stop words before FTS5 sees it), so "injections" finds "injection" on both.

Ranking, the same rule on both: pages whose title or names hold the words
come first (a name match beats a body mention, however often the body says
it), then the engine's own relevance with weights title and names > summary >
body, then the title.

Snippets: PostgreSQL's ts_headline, SQLite's made here (`marked_snippet`:
FTS5's snippet() would show the stems it holds). Both mark matched words with
the sentinels START and STOP, never with HTML; search/highlight.py escapes
the snippet and only then turns them into <mark>."""

import difflib
import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, F, IntegerField, TextField, Value, When
from django.db.models.functions import Concat, Greatest

from search.models import SearchDocument, split_names
from search.words import index_text, stem, word_spans

START = "\ue000"
STOP = "\ue001"

# PostgreSQL: the stored vector's weights. SQLite: bm25's column weights
# (title, names, summary, body) in the same proportions.
VECTOR = (
    SearchVector("title", "names", weight="A", config="english")
    + SearchVector("summary", weight="B", config="english")
    + SearchVector("body", weight="C", config="english")
)
BM25_WEIGHTS = (10.0, 10.0, 4.0, 1.0)

SNIPPET_WORDS = 30
# Typo tolerance: how alike a name must be to the query to be offered.
TRIGRAM_THRESHOLD = 0.3  # PostgreSQL's word similarity, to find candidates
CLOSE_MATCH_CUTOFF = 0.7  # difflib's ratio, to pick the name (both engines)


@dataclass
class Hit:
    title: str
    url: str
    type_label: str
    names: str
    snippet: str  # plain text with START/STOP around matched words
    other_names: list = field(default_factory=list)

    def __post_init__(self):
        title = self.title.casefold()
        self.other_names = [name for name in split_names(self.names) if name.casefold() != title]


class Results:
    """A lazy result list for django.core.paginator.Paginator: `count()` and
    slicing each cost one query."""

    # The synonyms' meanings looked for besides the reader's words (search/queries.py sets them).
    meanings = ()

    def __init__(self, count, page):
        self._count = count
        self._page = page
        self._counted = None

    def count(self):
        if self._counted is None:
            self._counted = self._count()
        return self._counted

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("Results are read a page at a time.")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        return self._page(start, max(0, stop - start)) if stop > start else []


def closest_term(text, rows, cutoff=CLOSE_MATCH_CUTOFF):
    """The title or name (or a word of one) among `rows` ((title, names)
    pairs) most like `text`, or None. Comparisons ignore case."""
    wanted = " ".join(text.casefold().split())
    candidates = {}
    for title, names in rows:
        for term in [title, *split_names(names)]:
            candidates.setdefault(term.casefold(), term)
            # A word of a longer name: "interferom" means "interferon", whatever follows it.
            for word in re.findall(r"[^\W_]{4,}", term):
                candidates.setdefault(word.casefold(), word)
    found = difflib.get_close_matches(wanted, list(candidates), n=1, cutoff=cutoff)
    return candidates[found[0]] if found else None


class PostgreSQLBackend:
    def write(self, documents):
        SearchDocument.objects.filter(pk__in=[doc.pk for doc in documents]).update(search_vector=VECTOR)

    def remove(self, ids):
        pass  # the vector goes with its row

    def clear(self):
        pass

    @staticmethod
    def _query(groups, any_word):
        # "plain": every word of the alternative, read as words, never as syntax.
        found = [
            reduce(operator.or_, (SearchQuery(" ".join(words), search_type="plain", config="english") for words in group))
            for group in groups
        ]
        return reduce(operator.or_ if any_word else operator.and_, found)

    def results(self, groups, any_word, now):
        query = self._query(groups, any_word)
        matching = SearchDocument.objects.live(now).filter(search_vector=query)
        ranked = (
            matching.annotate(
                rank=SearchRank(F("search_vector"), query),
                name_vector=SearchVector("title", "names", config="english"),
            )
            .annotate(tier=Case(When(name_vector=query, then=Value(0)), default=Value(1), output_field=IntegerField()))
            .annotate(
                # Computed for the rows of the page only: PostgreSQL evaluates
                # a costly function in the select list after ORDER BY ... LIMIT.
                snippet=SearchHeadline(
                    Concat("summary", Value(" "), "body", output_field=TextField()),
                    query,
                    config="english",
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            .order_by("tier", "-rank", "title", "id")
            .values("title", "url", "type_label", "names", "snippet")
        )

        def page(offset, limit):
            return [Hit(**row) for row in ranked[offset : offset + limit]]

        return Results(matching.count, page)

    def close_names(self, text, now):
        similarity = Greatest(TrigramWordSimilarity(text, "title"), TrigramWordSimilarity(text, "names"))
        rows = (
            SearchDocument.objects.live(now)
            .annotate(similarity=similarity)
            .filter(similarity__gte=TRIGRAM_THRESHOLD)
            .order_by("-similarity", "title")
            .values_list("title", "names")[:10]
        )
        return closest_term(text, list(rows))


def marked_snippet(text, wanted, size=SNIPPET_WORDS):
    """The `size`-word stretch of `text` with the most words whose stem is in
    `wanted`, those words between START and STOP, with " … " where text was
    cut. '' when no word of `text` is wanted."""
    spans = list(word_spans(text))
    hits = [index for index, (_start, _end, word_stem) in enumerate(spans) if word_stem in wanted]
    if not hits:
        return ""
    best_first, best_count = 0, -1
    for first in hits:  # each window starts at a matched word, a little before it
        first = max(0, first - 3)
        count = sum(1 for index in hits if first <= index < first + size)
        if count > best_count:
            best_first, best_count = first, count
    window = spans[best_first : best_first + size]
    position, parts = window[0][0], []
    for start, end, word_stem in window:
        parts.append(text[position:start])
        word = text[start:end]
        parts.append(f"{START}{word}{STOP}" if word_stem in wanted else word)
        position = end
    before = " … " if best_first > 0 else ""
    after = " … " if best_first + size < len(spans) else ""
    return before + "".join(parts) + after


class SQLiteBackend:
    TABLE = "search_fts"

    def write(self, documents):
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.TABLE} WHERE rowid = %s", [(doc.pk,) for doc in documents])
            cursor.executemany(
                f"INSERT INTO {self.TABLE} (rowid, title, names, summary, body) VALUES (%s, %s, %s, %s, %s)",
                [
                    (doc.pk, index_text(doc.title), index_text(doc.names), index_text(doc.summary), index_text(doc.body))
                    for doc in documents
                ],
            )

    def remove(self, ids):
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.TABLE} WHERE rowid = %s", [(pk,) for pk in ids])

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.TABLE}")

    @staticmethod
    def _match(groups, any_word):
        # Each stem quoted: a stem is letters and digits only, so nothing in
        # it can be read as FTS5 syntax (AND, NEAR, *, ^, column filters).
        def alternative(words):
            return "(" + " AND ".join(f'"{stem(word)}"' for word in words) + ")"

        found = ["(" + " OR ".join(alternative(words) for words in group) + ")" for group in groups]
        return (" OR " if any_word else " AND ").join(found)

    def results(self, groups, any_word, now):
        wanted = {stem(word) for group in groups for words in group for word in words}
        match = self._match(groups, any_word)
        in_names = f"{{title names}} : ({match})"
        moment = connection.ops.adapt_datetimefield_value(now)
        table = self.TABLE
        documents = connection.ops.quote_name(SearchDocument._meta.db_table)
        source = (
            f"FROM {table} JOIN {documents} AS d ON d.id = {table}.rowid "
            f"WHERE {table} MATCH %s AND d.published_at <= %s AND (d.expires_at IS NULL OR d.expires_at > %s)"
        )
        weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)

        def count():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) {source}", [match, moment, moment])
                return cursor.fetchone()[0]

        def page(offset, limit):
            sql = (
                f"SELECT d.title, d.url, d.type_label, d.names, d.summary, d.body, "
                f"CASE WHEN {table}.rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH %s) THEN 0 ELSE 1 END AS tier, "
                f"bm25({table}, {weights}) AS score "
                f"{source} ORDER BY tier, score, d.title, d.id LIMIT %s OFFSET %s"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [in_names, match, moment, moment, limit, offset])
                rows = cursor.fetchall()
            hits = []
            for title, url, type_label, names, summary, body, _tier, _score in rows:
                # The part of the page that holds the words; else its summary
                # (or its opening words), as PostgreSQL's headline does.
                text = marked_snippet(body, wanted) or marked_snippet(summary, wanted)
                if not text:
                    text = summary or " ".join(body.split()[:SNIPPET_WORDS])
                hits.append(Hit(title=title, url=url, type_label=type_label, names=names, snippet=text))
            return hits

        return Results(count, page)

    def close_names(self, text, now):
        # A few hundred titles and names: compared here, in one query.
        return closest_term(text, list(SearchDocument.objects.live(now).values_list("title", "names")))


def current():
    """The backend for the database in use."""
    return PostgreSQLBackend() if connection.vendor == "postgresql" else SQLiteBackend()
