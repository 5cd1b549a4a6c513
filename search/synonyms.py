"""The editors' synonyms (search.models.SearchSynonym) applied to a search:
a word with synonyms is looked for as itself or any of its meanings.

    Synonyms(words).widen(words) -> Widened(groups, meanings)

The engines are given the query as groups (search/backends.py): a page must
hold every group (or, in the any-word fallback, any group); a group is found
when any of its alternatives is; an alternative is a tuple of words the page
must all hold. Without synonyms each word is a group of itself alone, the
search as it always was: "tired legs" is (tired) AND (legs); with "tired" →
"fatigue", it is (tired OR fatigue) AND (legs).

A term of several words ("side effects") is matched where the reader typed
those words one after the other; the longest term wins. Terms and words are
compared by their stems, as the engines compare words, so "Tiring" matches
the term "tired".

One query per search, whatever the number of words: every run of up to
SearchSynonym.MAX_WORDS of the reader's words is looked up at once. The list
is read at each search, never kept in memory, so an editor's change applies
to the next search on every server."""

from dataclasses import dataclass, field

from search.models import SearchSynonym
from search.words import stem


@dataclass
class Widened:
    groups: list
    # The meanings searched for besides the reader's words, to tell them.
    meanings: list = field(default_factory=list)


def plain(words):
    """`words` as groups with no synonyms."""
    return Widened([[(word,)] for word in words])


class Synonyms:
    """The synonyms of one search's words, looked up once."""

    def __init__(self, words):
        self._stems = {word: stem(word) for word in words}
        self._found = {}
        runs = set(self._runs(words))
        if runs:
            self._found = {synonym.stems: synonym for synonym in SearchSynonym.objects.filter(stems__in=runs)}

    def _runs(self, words):
        """The stems of every run of up to MAX_WORDS consecutive words, as terms are stored."""
        stems = [self._stems.get(word) or stem(word) for word in words]
        for size in range(1, SearchSynonym.MAX_WORDS + 1):
            for start in range(len(stems) - size + 1):
                yield " ".join(stems[start : start + size])

    def widen(self, words):
        """`words` (a search's words, or some of them) as groups, each word or
        run of words with a synonym widened to its meanings."""
        if not self._found:
            return plain(words)
        stems = [self._stems.get(word) or stem(word) for word in words]
        widened, position = Widened([]), 0
        while position < len(words):
            for size in range(min(SearchSynonym.MAX_WORDS, len(words) - position), 0, -1):
                synonym = self._found.get(" ".join(stems[position : position + size]))
                if synonym is not None:
                    widened.groups.append([tuple(words[position : position + size]), *synonym.meaning_words])
                    widened.meanings.extend(m for m in synonym.meanings if m not in widened.meanings)
                    position += size
                    break
            else:
                widened.groups.append([(words[position],)])
                position += 1
        return widened
