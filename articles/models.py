from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from editorial.models import ReviewedContent
from therapies.markup import MARKDOWN_HELP
from therapies.models import Therapy

COST_TABLE_MARKER = "[[cost-table]]"

ARTICLE_BODY_HELP = (
    f"{MARKDOWN_HELP} To show the live table of disease-modifying therapy costs, put "
    f"{COST_TABLE_MARKER} on a line of its own: readers then always see the current prices."
)


class Article(ReviewedContent):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The address: /articles/<slug>/.")
    standfirst = models.TextField(help_text="The one- or two-sentence introduction under the title.")
    body = models.TextField(help_text=ARTICLE_BODY_HELP)
    byline = models.CharField(max_length=200, help_text="Who wrote it.")
    medical_reviewer = models.CharField(max_length=200, blank=True, help_text="Who checked the medical facts.")
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
