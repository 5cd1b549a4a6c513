from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from therapies.markup import MARKDOWN_HELP
from therapies.models import Therapy

COST_TABLE_MARKER = "[[cost-table]]"

ARTICLE_BODY_HELP = (
    f"{MARKDOWN_HELP} To show the live table of disease-modifying therapy costs, put "
    f"{COST_TABLE_MARKER} on a line of its own: readers then always see the current prices."
)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What readers may see: published, and its publish time has come.

        Every public view starts from this, so the rule lives in one place."""
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=now or timezone.now())


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Article(models.Model):
    Status = ArticleStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The address: /articles/<slug>/.")
    standfirst = models.TextField(help_text="The one- or two-sentence introduction under the title.")
    body = models.TextField(help_text=ARTICLE_BODY_HELP)
    byline = models.CharField(max_length=200, help_text="Who wrote it.")
    medical_reviewer = models.CharField(max_length=200, blank=True, help_text="Who checked the medical facts.")
    status = models.CharField(max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    published_at = models.DateTimeField(
        "publish date and time",
        null=True,
        blank=True,
        help_text="Readers see a published article from this moment. Leave empty to publish now.",
    )
    updated_at = models.DateTimeField("last updated", auto_now=True)
    last_reviewed = models.DateField(null=True, blank=True)
    related_therapies = models.ManyToManyField(Therapy, blank=True, related_name="articles")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_publish_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_published")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article_detail", args=[self.slug])

    def clean(self):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.status == self.Status.PUBLISHED and not self.body.strip():
            raise ValidationError({"body": "A published article needs a body."})

    @property
    def is_live(self):
        return self.status == self.Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()
