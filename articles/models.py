from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
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

    @property
    def shows_cost_table(self):
        """Whether the body holds the live cost table, which shows every
        group's prices (read generously: the marker anywhere counts)."""
        return COST_TABLE_MARKER in self.body

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
