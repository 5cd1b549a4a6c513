"""What site search reads: one SearchDocument per published page readers can
reach, SearchTerm, the editors' record of what readers searched for, and
SearchSynonym, the editors' list of what readers' words also mean.

A document is derived from its page's record (search/index.py writes it on
every change), so it holds only published content: a draft, an unpublished
page or a revision still waiting for review never reaches the index. The
document keeps the page's live window, and searches filter on it, so a page
scheduled to go live or to expire appears and disappears on time with no
reindex.

None of them is shown to readers as such: the search page is never stored by
the page cache (search/views.py), so saving them must not empty it
(`readers_never_see`), and a changed synonym applies from the next search."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from search.words import normalised, search_words, stem


class SearchDocumentQuerySet(models.QuerySet):
    def live(self, now=None):
        """Documents whose page readers may see at `now`."""
        now = now or timezone.now()
        return self.filter(Q(published_at__lte=now) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now)))


class SearchDocument(models.Model):
    readers_never_see = True

    class Kind(models.TextChoices):
        THERAPY = "therapy", "Therapy"
        CATEGORY = "category", "Group or section"
        ARTICLE = "article", "Article"
        PAGE = "page", "Site page"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What a result says the page is, in readers' words ("Emerging therapy
    # section", "Article"): finer than `kind`, worked out when indexing.
    type_label = models.CharField(max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    url = models.CharField(max_length=500)
    title = models.CharField(max_length=300)
    # A therapy's generic and brand names ("fingolimod, Gilenya"); empty for other pages.
    names = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    # Plain text: Markdown rendered, then stripped of its tags.
    body = models.TextField(blank=True)
    # The page's live window; for a therapy, the part of it its group is live too.
    published_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL only (weighted: A title and names, B summary, C body); SQLite
    # keeps the same text in its FTS5 table, search_fts (search/backends.py).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="search_document_one_per_page"),
            models.CheckConstraint(
                condition=Q(kind__in=["therapy", "category", "article", "page"]), name="search_document_kind_valid"
            ),
        ]
        # PostgreSQL only: the migration creates these there and nowhere else.
        indexes = [
            GinIndex(fields=["search_vector"], name="search_document_vector"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="search_document_title_trgm"),
            GinIndex(fields=["names"], opclasses=["gin_trgm_ops"], name="search_document_names_trgm"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def other_names(self):
        """The names besides the title (a therapy's brand names)."""
        title = self.title.casefold()
        return [name for name in split_names(self.names) if name.casefold() != title]


def split_names(names):
    return [name.strip() for name in (names or "").split(",") if name.strip()]


class SearchTerm(models.Model):
    """How often readers searched for a term on one day, and how many results
    the latest of those searches found: the editors' view of what readers
    look for and miss ("searched for but not found" on the admin dashboard).

    No personal data: no IP address, user agent, session, account or time of
    day is stored, only the normalised words (lowercase, spaces collapsed, at
    most 100 characters) and the day. A query that may itself be personal
    data is not recorded at all: one with an @ (an email address) or six or
    more digits (a phone, NHS or card number). Neither is an empty query,
    nor one with no word to search for (search/log.py)."""

    readers_never_see = True

    MAX_LENGTH = 100

    term = models.CharField(max_length=MAX_LENGTH)
    day = models.DateField(default=timezone.localdate)
    searches = models.PositiveIntegerField(default=1)
    results = models.PositiveIntegerField("results (latest search)", default=0)

    class Meta:
        verbose_name = "search term"
        ordering = ["-day", "-searches", "term"]
        constraints = [models.UniqueConstraint(fields=["term", "day"], name="search_term_once_a_day")]
        indexes = [models.Index(fields=["day", "results"], name="search_term_day_results")]

    def __str__(self):
        return f"{self.term} ({self.day:%d %b %Y}: {self.searches})"


def term_stems(text):
    """The stems of the words of `text` the engines look for, space-separated:
    the form in which a synonym's term and a reader's words are compared."""
    return " ".join(stem(word) for word in search_words(text))


class SearchSynonym(models.Model):
    """A word or phrase readers type, and what else it means on this site:
    "tired" also means "fatigue", "pregnant" "pregnancy", "cheapest" "cost"
    and "price". A search for the term also finds the pages that say any of
    its meanings (search/synonyms.py).

    Why a list editors keep: the engines stem words, so "injections" finds
    "injection", but no stemmer knows that "pregnant" and "pregnancy" (stems
    "pregnant" and "pregnanc") or "tired" and "fatigue" answer the same
    question; PostgreSQL's thesaurus files would live on the database server,
    out of editors' reach, and SQLite has none.

    One way, one step: "tired" finds pages that say "fatigue", not the other
    way round unless a second synonym says so, and a meaning's own synonyms
    are not followed, so no list can loop or snowball.

    A term is matched by its words' stems, as the engines match words, so
    "Tired", "tired" and "tiring" are one term, kept once (`stems`, unique in
    the database)."""

    readers_never_see = True

    MAX_WORDS = 4
    MAX_MEANINGS = 10

    term = models.CharField(
        "readers type",
        max_length=60,
        help_text="A word or short phrase readers search for, e.g. 'tired'. Capitals do not matter.",
    )
    means = models.CharField(
        "also means",
        max_length=200,
        help_text="The words pages use for it, separated by commas, e.g. 'fatigue, exhaustion'. "
        "A phrase finds pages with all of its words.",
    )
    # The term as searches compare it (term_stems): set on every save.
    stems = models.CharField(max_length=200, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "search synonym"
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["stems"], name="search_synonym_term_once"),
            models.CheckConstraint(
                condition=~Q(term="") & ~Q(stems="") & ~Q(means=""), name="search_synonym_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.term} → {self.means}"

    @property
    def meanings(self):
        """The meanings as written, each once: ["fatigue", "exhaustion"]."""
        found = []
        for meaning in self.means.split(","):
            meaning = normalised(meaning)
            if meaning and meaning not in found:
                found.append(meaning)
        return found

    @property
    def meaning_words(self):
        """Each meaning as the words a page must hold to match it: [("fatigue",), ("side", "effects")]."""
        return [tuple(words) for words in map(search_words, self.meanings) if words]

    def clean(self):
        super().clean()
        self.term = normalised(self.term or "")
        self.means = ", ".join(self.meanings)
        self.stems = term_stems(self.term)
        errors = {}
        words = search_words(self.term)
        if self.term and not words:
            errors["term"] = "This has no word to search for: words such as “the” and “of” are left out of every search."
        elif len(words) > self.MAX_WORDS:
            errors["term"] = f"Keep it to at most {self.MAX_WORDS} words: readers' searches are short."
        elif self.stems and SearchSynonym.objects.filter(stems=self.stems).exclude(pk=self.pk).exists():
            errors["term"] = "This word is already in the list (perhaps with other capitals or a different ending): add to that one instead."
        meanings = self.meanings
        if not self.means.strip():
            pass  # the field's own "This field is required."
        elif len(meanings) > self.MAX_MEANINGS:
            errors["means"] = f"At most {self.MAX_MEANINGS} meanings: a longer list finds too much."
        else:
            empty = [meaning for meaning in meanings if not search_words(meaning)]
            same = [meaning for meaning in meanings if self.stems and term_stems(meaning) == self.stems]
            if empty:
                errors["means"] = f"“{empty[0]}” has no word to search for."
            elif same:
                errors["means"] = f"“{same[0]}” is the word itself: searches find it already."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Code that saves without full_clean() still stores the form searches compare.
        self.stems = term_stems(self.term)
        super().save(*args, **kwargs)
