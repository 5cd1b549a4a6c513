"""What every piece of reviewed content shares: its place in the review
workflow, its schedule, who signed it off and when it is due for review. The
rule for what readers may see lives in one queryset method, `live()`."""

import calendar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from editorial.models.redirects import SlugRedirect


class EditorialStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


def add_months(day, months):
    """The same day `months` later (or earlier), clamped to the month's end."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def live_q(prefix="", now=None):
    """What readers may see: approved and published, its go-live time has come
    and its expiry (if any) has not. `prefix` applies the rule across a
    relation, e.g. live_q("category__") for a therapy's category."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": EditorialStatus.PUBLISHED, f"{prefix}published_at__lte": now}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


def reviewed_models():
    """Every installed model of reviewed content, found through the app
    registry so the engine never names a content app. Proxies (one kind of
    category under its own name) are left out: their rows are the concrete
    model's, and would otherwise be listed twice."""
    return [model for model in apps.get_models() if issubclass(model, ReviewedContent) and not model._meta.proxy]


class ReviewedContentQuerySet(models.QuerySet):
    def live(self, now=None):
        return self.filter(live_q(now=now))

    # The public views were written against `published()`; both names mean
    # the same rule so there is only one.
    published = live

    def ever_published(self):
        """`ReviewedContent.has_been_published` as a filter."""
        return self.filter(
            Q(status__in=[EditorialStatus.PUBLISHED, EditorialStatus.UNPUBLISHED]) | Q(approved_at__isnull=False)
        )


class ReviewedContent(models.Model):
    """Abstract base: the review workflow and review dates of one record.

    The record's own content fields always hold the live, approved version
    once it has been published. Edits to published content wait as a
    Revision until a medical reviewer approves them."""

    Status = EditorialStatus
    # Workflow fields are managed by the review actions, never by the content
    # form, and are never part of a pending revision.
    WORKFLOW_FIELDS = frozenset(
        {
            "status",
            "published_at",
            "expires_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "edit_version",
            "last_edited_by",
            "updated_at",
        }
    )

    status = models.CharField(max_length=20, choices=EditorialStatus.choices, default=EditorialStatus.DRAFT)
    published_at = models.DateTimeField(
        "goes live at",
        null=True,
        blank=True,
        help_text="Readers see the content from this moment. Set by the reviewer who approves it.",
    )
    expires_at = models.DateTimeField(
        "hidden after", null=True, blank=True, help_text="Optional: readers no longer see the content after this."
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval_note = models.TextField(blank=True, editable=False)
    last_reviewed = models.DateField(null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Months until the next review. Leave empty for the site default; "
        "set a shorter interval for content that changes fast.",
    )
    # Bumped by every save of the record or of its pending revision, so an
    # editor whose form was opened before someone else saved is told so.
    edit_version = models.PositiveIntegerField(default=0, editable=False)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewedContentQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EditorialStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=EditorialStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_go_live_time",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
                name="%(app_label)s_%(class)s_expires_after_go_live",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__isnull=True)
                | Q(review_interval_months__gte=1, review_interval_months__lte=120),
                name="%(app_label)s_%(class)s_review_interval_range",
            ),
        ]

    def clean(self):
        super().clean()
        default = self.default_review_interval
        if self.review_interval_months and self.review_interval_months > default:
            raise ValidationError(
                {"review_interval_months": f"The interval can be shortened, not lengthened: at most {default} months."}
            )
        if self.expires_at and self.published_at and self.expires_at <= self.published_at:
            raise ValidationError({"expires_at": "The content must go live before it is hidden."})

    def save(self, *args, **kwargs):
        old_slug = None
        if self.pk is not None and hasattr(self, "slug"):
            old_slug = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            SlugRedirect.record_rename(self, old_slug)

    @property
    def default_review_interval(self):
        """Months between reviews when the item sets none. A content model
        whose facts change faster (e.g. emerging therapies) returns less, so
        new and existing items get the shorter interval without a data change."""
        return settings.REVIEW_INTERVAL_MONTHS

    # Related rows `default_review_interval` reads, fetched with a list of items.
    REVIEW_INTERVAL_RELATED = ()

    @classmethod
    def default_review_intervals(cls):
        """[(months, Q), ...]: which rows get which `default_review_interval`,
        as filters, so the database can find overdue items exactly."""
        return [(settings.REVIEW_INTERVAL_MONTHS, Q())]

    @property
    def effective_review_interval(self):
        return self.review_interval_months or self.default_review_interval

    @property
    def next_review_due(self):
        if self.last_reviewed is None:
            return None
        return add_months(self.last_reviewed, self.effective_review_interval)

    def is_review_overdue(self, today=None):
        due = self.next_review_due
        return due is not None and due < (today or timezone.localdate())

    @property
    def is_live(self):
        now = timezone.now()
        return (
            self.status == EditorialStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def kind_name(self):
        """What editors call this kind of page ("emerging therapy section"):
        the model's name, unless a model holds several kinds under one
        content type (a category) and names each (`kind_names`)."""
        return self._meta.verbose_name

    @classmethod
    def kind_names(cls, pks):
        """{pk: kind_name} for the records `pks`, in one query where names
        differ by row; the review log names a page of each kind this way."""
        return {pk: cls._meta.verbose_name for pk in pks}

    def preview_notes(self):
        """Reasons readers would not see this page even once it is live (e.g. a
        therapy whose group is unpublished), shown on the staff preview."""
        return []

    @property
    def has_been_published(self):
        """Published now or before: such content is unpublished, never deleted."""
        return self.status in (EditorialStatus.PUBLISHED, EditorialStatus.UNPUBLISHED) or self.approved_at is not None
