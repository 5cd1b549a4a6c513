from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.urls import reverse
from simple_history.models import HistoricalRecords

from editorial.models import ReviewedContent
from core.markup import MARKDOWN_HELP, reject_images
from therapies.models import Therapy

COST_TABLE_MARKER = "[[cost-table]]"

ARTICLE_BODY_HELP = (
    f"{MARKDOWN_HELP} To show the live table of disease-modifying therapy costs, put "
    f"{COST_TABLE_MARKER} on a line of its own: readers then always see the current prices."
)


class Article(ReviewedContent):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the page's address, e.g. 'ms-treatment-explained' for /articles/ms-treatment-explained/.",
    )
    standfirst = models.TextField(help_text="The one- or two-sentence introduction under the title.")
    body = models.TextField(help_text=ARTICLE_BODY_HELP, validators=[reject_images])
    # Who checked the medical facts is not typed here: "Reviewed by" names the
    # medical reviewer whose account approved the article (approved_by).
    byline = models.CharField(max_length=200, help_text="Who wrote it.")
    related_therapies = models.ManyToManyField(Therapy, blank=True, related_name="articles")
    references = GenericRelation("editorial.Reference", related_query_name="article")

    history = HistoricalRecords(m2m_fields=[related_therapies])

    class Meta(ReviewedContent.Meta):
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", "Can approve, publish and unpublish articles")]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_published")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article_detail", args=[self.slug])

    # Addresses under /articles/ that are not articles (articles/urls.py).
    RESERVED_SLUGS = frozenset({"feed"})

    def clean(self):
        super().clean()
        if not self.body.strip():
            raise ValidationError({"body": "An article needs a body."})
        if self.slug in self.RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"/articles/{self.slug}/ is the address of the articles feed: choose another."}
            )


class SitePage(ReviewedContent):
    """A piece of site text that is not an article but is medical content all
    the same, such as the home page's "What is MS?": edited in the admin and
    reviewed like every page, instead of being written into a template."""

    class Key(models.TextChoices):
        HOME_INTRODUCTION = "home", "Home page: “What is MS?”"
        EMERGING_INTRODUCTION = "emerging", "Emerging therapies page: introduction"
        CARE_INTRODUCTION = "care", "Supportive care page: introduction"
        # The pages a trustworthy health site has, each a page of its own.
        ABOUT = "about", "About us (its own page)"
        EDITORIAL_POLICY = "editorial-policy", "Editorial policy (its own page)"
        ACCESSIBILITY = "accessibility", "Accessibility statement (its own page)"
        CONTACT = "contact", "Contact us (its own page)"
        # Shown with the mental health support section, on the supportive care
        # page and on that section's own page.
        CRISIS_SUPPORT = "crisis", "Mental health support: crisis lines and helplines"

    # The public page each text appears on.
    URL_NAMES = {
        Key.HOME_INTRODUCTION: "pages:home",
        Key.EMERGING_INTRODUCTION: "pages:emerging",
        Key.CARE_INTRODUCTION: "pages:care",
        Key.ABOUT: "pages:about",
        Key.EDITORIAL_POLICY: "pages:editorial_policy",
        Key.ACCESSIBILITY: "pages:accessibility",
        Key.CONTACT: "pages:contact",
        Key.CRISIS_SUPPORT: "pages:care",
    }
    # The texts that are whole pages (not part of another page), in the order
    # the footer lists them.
    OWN_PAGES = (Key.ABOUT, Key.EDITORIAL_POLICY, Key.ACCESSIBILITY, Key.CONTACT)

    key = models.CharField(
        "where it appears",
        max_length=20,
        choices=Key.choices,
        unique=True,
        error_messages={"unique": "There is already a text for this place: edit that one instead."},
    )
    title = models.CharField(
        max_length=200,
        help_text="The heading above the text: on the home page the section's heading, "
        "on the emerging therapies and supportive care pages and on the site's own pages "
        "(about us, editorial policy, accessibility, contact) the page's own heading, "
        "and for the crisis lines the heading of their box.",
    )
    body = models.TextField(help_text=MARKDOWN_HELP, validators=[reject_images])

    history = HistoricalRecords()

    class Meta(ReviewedContent.Meta):
        verbose_name = "site text"
        verbose_name_plural = "site texts"
        ordering = ["key"]
        permissions = [("publish_sitepage", "Can approve, publish and unpublish site texts")]
        constraints = [
            *ReviewedContent.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(
                    key__in=["home", "emerging", "care", "about", "editorial-policy", "accessibility", "contact", "crisis"]
                ),
                name="site_page_key_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_key_display()}: {self.title}" if self.key else self.title

    def get_absolute_url(self):
        return reverse(self.URL_NAMES[self.key])


class Feedback(models.Model):
    """A reader's report of a problem with a page ("Report a problem with this
    page" in every page's footer). Readers never see these rows, so saving one
    must not empty the page cache (core/cache.py skips models that say
    `readers_never_see`). No IP address is stored: the rate limit keeps only a
    keyed hash of it in the cache, for an hour (pages/feedback.py)."""

    # editorial.changes.reader_visible_models() leaves this model out.
    readers_never_see = True

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    PAGE_MAX_LENGTH = 500
    MESSAGE_MAX_LENGTH = 2000

    page = models.CharField(
        "page address",
        max_length=PAGE_MAX_LENGTH,
        help_text="The address on this site the reader reported, e.g. /therapies/fingolimod/.",
    )
    message = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    email = models.EmailField("reader's email", blank=True, help_text="Only if the reader wants an answer.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField("received", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "reader's problem report"
        verbose_name_plural = "readers' problem reports"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="feedback_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "in_progress", "done"]), name="feedback_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.page}: {self.message[:60]}"
