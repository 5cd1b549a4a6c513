from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from editorial.models import ReviewedContent
from therapies.markup import MARKDOWN_HELP, reject_images
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

    def clean(self):
        super().clean()
        if not self.body.strip():
            raise ValidationError({"body": "An article needs a body."})


class SitePage(ReviewedContent):
    """A piece of site text that is not an article but is medical content all
    the same, such as the home page's "What is MS?": edited in the admin and
    reviewed like every page, instead of being written into a template."""

    class Key(models.TextChoices):
        HOME_INTRODUCTION = "home", "Home page: “What is MS?”"
        EMERGING_INTRODUCTION = "emerging", "Emerging therapies page: introduction"
        CARE_INTRODUCTION = "care", "Supportive care page: introduction"

    # The public page each text appears on.
    URL_NAMES = {
        Key.HOME_INTRODUCTION: "therapies:home",
        Key.EMERGING_INTRODUCTION: "therapies:emerging",
        Key.CARE_INTRODUCTION: "therapies:care",
    }

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
        "on the emerging therapies and supportive care pages the page's own heading.",
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
            models.CheckConstraint(condition=models.Q(key__in=["home", "emerging", "care"]), name="site_page_key_valid"),
        ]

    def __str__(self):
        return f"{self.get_key_display()}: {self.title}" if self.key else self.title

    def get_absolute_url(self):
        return reverse(self.URL_NAMES[self.key])
