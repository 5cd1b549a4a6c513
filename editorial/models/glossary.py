"""The editors' glossary: medical words and what they mean in plain words.

Editors see the glossary's words in their text with the plain alternative
(editorial/readability.py), and readers can see a term's plain meaning where
a page uses it. A term is kept once whatever its capitals ("Myelin" and
"myelin" are one term): a database constraint, so no second form can slip in
and leave two meanings for one word."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

DUPLICATE_TERM = "This term is already in the glossary (perhaps with other capitals): change that one instead."


class GlossaryTermQuerySet(models.QuerySet):
    def pairs(self):
        """(term, plain meaning) pairs, as the checks take them."""
        return list(self.order_by("term").values_list("term", "plain_meaning"))

    def checked(self):
        """The terms whose meaning a medical reviewer has checked: the only
        ones readers see."""
        return self.filter(checked_at__isnull=False)


class GlossaryTerm(models.Model):
    """Kept in the admin by editors and medical reviewers. Editors' checks use
    every term; readers see a meaning only once a medical reviewer has saved
    it (`checked_by`): an editor's new or changed meaning waits for that, as
    every text readers see waits for review. Its history shows who wrote what."""

    term = models.CharField(
        max_length=60,
        help_text="The medical word as it appears in a text, in the singular, e.g. 'lymphocyte'. "
        "Capitals do not matter; a plural ('lymphocytes') is found too.",
    )
    plain_meaning = models.CharField(
        max_length=200,
        help_text="A short plain explanation a 12-year-old can follow, e.g. 'a kind of white blood cell'.",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="checked by",
    )
    checked_at = models.DateTimeField("checked at", null=True, blank=True)
    history = HistoricalRecords()

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        permissions = [("publish_glossaryterm", "Can check a plain meaning, which then shows to readers")]
        constraints = [
            # A check names when it was made; the reviewer's account may go later (SET_NULL).
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | Q(checked_at__isnull=False), name="glossary_checked_has_time"
            ),
            models.UniqueConstraint(
                Lower("term"), name="glossary_term_once_ignoring_case", violation_error_message=DUPLICATE_TERM
            ),
            models.CheckConstraint(
                condition=~models.Q(term="") & ~models.Q(plain_meaning=""), name="glossary_term_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.term}: {self.plain_meaning}"

    def clean(self):
        super().clean()
        # Spaces typed around a word would make "myelin " a second term.
        self.term = " ".join((self.term or "").split())
        self.plain_meaning = " ".join((self.plain_meaning or "").split())
