"""Site search: from what a reader typed to a page of ranked results.

    search(raw_query, page_number) -> Outcome

1. The query is cleaned (search/words.py); an empty one asks for words.
2. A query that is exactly one therapy's generic or brand name (any capitals)
   goes straight to that therapy's page.
3. Pages with every word; if none and several words were given, pages with
   any of them, saying so. A word with synonyms in the editors' list counts
   as found where any of its meanings is ("tired" finds "fatigue";
   search/synonyms.py), and the page says what else it looked for.
4. Before that fallback, a word no page holds is respelt as the closest
   title or name (typo tolerance: trigrams on PostgreSQL, difflib on
   SQLite): "ocrelizimab cost" offers "Did you mean ocrelizumab cost?" with
   its results (all the words, else some of them).
5. If still nothing: the closest title or name to the whole query, offered
   the same way.

Only live documents are searched (SearchDocument.objects.live()), and the
index holds only published content (search/index.py). Costs a fixed number of
queries whatever the number of pages: the exact-name check, the synonyms of
the words, then a count and one page of results per attempt."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils import timezone

from search import backends
from search.highlight import snippet_html
from search.models import SearchDocument, split_names
from search.synonyms import Synonyms
from search.words import clean_query, normalised, search_words

PAGE_SIZE = 10


@dataclass
class Outcome:
    query: str = ""
    truncated: bool = False
    redirect_to: str = ""
    words: list = field(default_factory=list)
    page: object = None
    paginator: object = None
    some_words_only: bool = False
    suggestion: str = ""
    # What the search looked for besides the reader's words (their synonyms' meanings).
    also_searched: list = field(default_factory=list)

    @property
    def total(self):
        return self.paginator.count if self.paginator is not None else 0

    @property
    def nothing_to_search(self):
        """A query with no word to look for ("?!", "the")."""
        return bool(self.query) and not self.words


def therapy_named(query, now=None):
    """The address of the one live therapy whose generic or brand name is
    `query` (ignoring capitals and extra spaces), or ''. One query."""
    wanted = normalised(query)
    if not wanted:
        return ""
    candidates = (
        SearchDocument.objects.live(now)
        .filter(kind=SearchDocument.Kind.THERAPY, names__icontains=wanted)
        .values_list("url", "names")
    )
    urls = {url for url, names in candidates if wanted in {normalised(name) for name in split_names(names)}}
    return urls.pop() if len(urls) == 1 else ""


# Shorter words and numbers are too easily "close" to an unrelated word.
RESPELL_MIN_LENGTH = 4
# A query of many made-up words costs a lookup per word: the first few will do.
RESPELL_MAX_WORDS = 3


def respelling(backend, words, now, synonyms):
    """The query with each word no live page holds replaced by the closest
    title or name, or '' if no word needed (or had) a replacement:
    "ocrelizimab cost" -> "ocrelizumab cost". A word whose synonyms some page
    holds is kept. Asked only when a search found nothing; a query and a
    trigram (or difflib) lookup per word."""
    respelt, changed, looked_up = [], False, 0
    for word in words:
        if looked_up < RESPELL_MAX_WORDS and len(word) >= RESPELL_MIN_LENGTH and not any(c.isdigit() for c in word):
            looked_up += 1
            # One word alone was the search that found nothing: no need to ask again.
            if len(words) == 1 or not backend.results(synonyms.widen([word]).groups, False, now).count():
                closest = backend.close_names(word, now)
                if closest:
                    respelt.append(closest)
                    changed = True
                    continue
        respelt.append(word)
    return " ".join(respelt) if changed else ""


def _paginate(results, page_number):
    paginator = Paginator(results, PAGE_SIZE)
    # A page number out of range or not a number shows the nearest page.
    page = paginator.get_page(page_number)
    for hit in page.object_list:
        hit.snippet = snippet_html(hit.snippet)
    return paginator, page


def search(raw_query, page_number=1, now=None):
    now = now or timezone.now()
    query, truncated = clean_query(raw_query)
    outcome = Outcome(query=query, truncated=truncated, words=search_words(query))
    if not query:
        return outcome
    outcome.redirect_to = therapy_named(query, now)
    if outcome.redirect_to or not outcome.words:
        return outcome
    backend = backends.current()
    synonyms = Synonyms(outcome.words)

    def find(words, any_word=False):
        widened = synonyms.widen(words)
        results = backend.results(widened.groups, any_word, now)
        results.meanings = widened.meanings
        return results

    results = find(outcome.words)
    words = outcome.words
    if not results.count():
        respelt = respelling(backend, outcome.words, now, synonyms)
        if respelt:
            words = search_words(respelt)
            found = find(words)
            if found.count():
                outcome.suggestion, results = respelt, found
    if not results.count() and len(words) > 1:
        results = find(words, any_word=True)
        outcome.some_words_only = bool(results.count())
        if results.count() and words != outcome.words:
            outcome.suggestion = respelt
    if not results.count():
        suggestion = backend.close_names(query, now)
        suggested_words = search_words(suggestion or "")
        if suggested_words:
            found = find(suggested_words)
            if found.count():
                outcome.suggestion, results = suggestion, found
    if results.count():
        outcome.also_searched = results.meanings
    outcome.paginator, outcome.page = _paginate(results, page_number)
    return outcome
