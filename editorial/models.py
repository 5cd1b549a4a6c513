"""The editorial engine's records: what every piece of reviewed medical content
shares (its place in the review workflow, its schedule, who signed it off and
when it is due for review), the pending revisions of live pages, the old
addresses of renamed pages and the sources pages cite.

Content apps (articles, therapies) inherit from ReviewedContent, so the rule for
what readers may see lives in one queryset method, `live()`. Nothing here
imports a content app: revisions, redirects and references point at their page
through its content type."""

import calendar

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


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
                condition=Q(expires_at__isnull=True) | Q(published_at__isnull=True) | Q(expires_at__gt=F("published_at")),
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

    def preview_notes(self):
        """Reasons readers would not see this page even once it is live (e.g. a
        therapy whose group is unpublished), shown on the staff preview."""
        return []

    @property
    def has_been_published(self):
        """Published now or before: such content is unpublished, never deleted."""
        return self.status in (EditorialStatus.PUBLISHED, EditorialStatus.UNPUBLISHED) or self.approved_at is not None


class RevisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Revision.Status.PENDING, Revision.Status.SCHEDULED])

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def due(self, now=None):
        return self.filter(status=Revision.Status.SCHEDULED, go_live_at__lte=now or timezone.now())


def open_revision_exists(model):
    """An annotation: does the row have a pending or scheduled revision? One
    subquery, so a changelist needs no query per row."""
    content_type = ContentType.objects.get_for_model(model)
    return models.Exists(Revision.objects.open().filter(content_type=content_type, object_id=models.OuterRef("pk")))


class Revision(models.Model):
    """An edit to published content, waiting for a medical reviewer.

    The live record stays exactly as approved until the revision is approved;
    `data` holds the edited content fields (as Django's serializer writes
    them), so applying it is a plain deserialise-and-save."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        SCHEDULED = "scheduled", "Approved, goes live later"
        APPLIED = "applied", "Live"
        REJECTED = "rejected", "Sent back"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    go_live_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Who wrote each changed field, {field name: user id}, so a revision two
    # editors worked on credits each of them for their part.
    contributions = models.JSONField(default=dict, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "status"], name="revision_object_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "scheduled", "applied", "rejected"]), name="revision_status_valid"
            ),
            # One open revision per record: later edits update it, so there is
            # never a choice of competing versions to approve.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status__in=["pending", "scheduled"]),
                name="revision_one_open_per_object",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(go_live_at__isnull=False), name="revision_scheduled_has_time"
            ),
        ]

    def __str__(self):
        return f"Revision of {self.content_type.name} #{self.object_id} ({self.get_status_display()})"


class SlugRedirect(models.Model):
    """An address a record used to have. Readers following an old link are
    sent (301) to the record's current address."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    old_slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "old_slug"], name="slug_redirect_unique_old_slug"),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.content_type.name} #{self.object_id}"

    @classmethod
    def target_for(cls, model, old_slug):
        """The record (of `model`) that once had `old_slug`, or None."""
        redirect = (
            cls.objects.filter(content_type=ContentType.objects.get_for_model(model), old_slug=old_slug)
            .only("object_id")
            .first()
        )
        return model.objects.filter(pk=redirect.object_id).first() if redirect else None

    @classmethod
    def record_rename(cls, obj, old_slug):
        content_type = ContentType.objects.get_for_model(obj)
        # The record may move back to an old address; that one is live again.
        cls.objects.filter(content_type=content_type, old_slug=obj.slug).delete()
        cls.objects.update_or_create(
            content_type=content_type, old_slug=old_slug, defaults={"object_id": obj.pk}
        )


class Reference(models.Model):
    """A source that a page (an article, a therapy, any reviewed content) cites,
    shown to readers as a numbered reference list. The page is found through
    its content type, so the editorial engine needs to know no content app."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    cited_by = GenericForeignKey("content_type", "object_id")
    position = models.PositiveSmallIntegerField(default=0, help_text="References are numbered in this order.")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField("address", max_length=500, blank=True)
    accessed_on = models.DateField("date accessed", null=True, blank=True)
    # Which parts of the page the source backs, as the codes of the citing
    # model's CITATION_BLOCKS ((code, heading) pairs), comma-separated. The
    # content model names its parts, so the engine needs to know none of them.
    supports = models.CharField(
        max_length=200,
        blank=True,
        help_text="The parts of the page this source backs: each shows it as a numbered citation.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "position"], name="reference_cited_by_position")]

    def __str__(self):
        return self.title

    @staticmethod
    def blocks_of(model):
        """The (code, heading) pairs a page of `model` can cite a source for."""
        return list(getattr(model, "CITATION_BLOCKS", ()) or ())

    @property
    def supported_blocks(self):
        return [code.strip() for code in self.supports.split(",") if code.strip()]

    def clean(self):
        super().clean()
        if not self.supports or self.content_type_id is None:
            return
        model = self.content_type.model_class()
        known = dict(self.blocks_of(model))
        unknown = [code for code in self.supported_blocks if code not in known]
        if unknown:
            raise ValidationError(
                {
                    "supports": f"Not a part of this page: {', '.join(unknown)}. "
                    + (f"Choose from: {', '.join(known)}." if known else "This page has no parts to cite for.")
                }
            )


# --- People and the record of who decided what ------------------------------------------------


class StaffProfile(models.Model):
    """How a member of staff is named to readers and colleagues. "Reviewed by"
    on a public page is built from the approving reviewer's profile, never from
    text an editor types."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    display_name = models.CharField(
        max_length=150, help_text="The name readers see, e.g. 'Dr A. Example'. Empty: the account's full name."
    )
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown after the name on pages this person reviewed, e.g. 'consultant neurologist'.",
    )

    class Meta:
        verbose_name = "staff profile"
        constraints = [
            models.CheckConstraint(condition=~Q(display_name=""), name="staff_profile_has_display_name"),
        ]

    def __str__(self):
        return self.credited_name

    @property
    def credited_name(self):
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name


def _profile_name(user, attribute):
    """`attribute` of the user's staff profile, else their full name, else
    their user name. '' for no one."""
    if user is None:
        return ""
    try:
        return getattr(user.staff_profile, attribute)
    except (AttributeError, ObjectDoesNotExist):
        return user.get_full_name() or user.get_username()


def person_name(user):
    """The name a member of staff goes by among colleagues."""
    return _profile_name(user, "display_name")


def credited_name(user):
    """The reviewer credit readers see: the display name with credentials."""
    return _profile_name(user, "credited_name")


class ReviewDecisionQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def between_editors_and_reviewers(self):
        """Decisions that move an item between its editors and reviewers: an
        editor overwriting a colleague's edit does neither."""
        return self.exclude(action=ReviewDecision.Action.OVERWROTE)


class ReviewDecision(models.Model):
    """One step of the review workflow, kept for good: who did what to which
    page, when, and why. Rows are only ever added. The person's name is
    copied onto the row so the record outlives their account."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        APPROVED = "approved", "Approved and published"
        SCHEDULED = "scheduled", "Approved to go live later"
        WENT_LIVE = "went_live", "Went live as scheduled"
        SENT_BACK = "sent_back", "Sent back"
        UNPUBLISHED = "unpublished", "Unpublished"
        RESTORED = "restored", "Restored an earlier version"
        OVERWROTE = "overwrote", "Saved over someone else's changes"
        # Taking a record out of use, or replacing it with a corrected one:
        # the app whose record it is names the action in its own words (a
        # model's `decision_labels`, see `action_label`).
        WITHDREW = "withdrew", "Withdrew"
        CORRECTED = "corrected", "Corrected"

    # A decision that takes something away from an editor or readers must say why.
    NEEDS_NOTE = (Action.SENT_BACK, Action.UNPUBLISHED, Action.WITHDREW, Action.CORRECTED)

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField("page", max_length=300)
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_decisions"
    )
    actor_name = models.CharField("by", max_length=150)
    note = models.TextField(blank=True)
    revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    go_live_at = models.DateTimeField("goes live at", null=True, blank=True)
    created_at = models.DateTimeField("when", default=timezone.now, db_index=True)

    objects = ReviewDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"], name="decision_object_when"),
            models.Index(fields=["actor", "-created_at"], name="decision_actor_when"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    action__in=[
                        "submitted", "approved", "scheduled", "went_live", "sent_back", "unpublished", "restored",
                        "overwrote", "withdrew", "corrected",
                    ]
                ),
                name="decision_action_valid",
            ),
            models.CheckConstraint(
                condition=~Q(action__in=["sent_back", "unpublished", "withdrew", "corrected"]) | ~Q(note=""),
                name="decision_reason_given",
            ),
            models.CheckConstraint(
                condition=~Q(action="scheduled") | Q(go_live_at__isnull=False), name="decision_scheduled_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.action_label}: {self.object_repr} by {self.actor_name}"

    @property
    def action_label(self):
        """What the log calls this action: the label the decided-on model gives
        it (its `decision_labels`), else the engine's own."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class() if self.content_type_id else None
        return getattr(model, "decision_labels", {}).get(self.action) or self.get_action_display()
