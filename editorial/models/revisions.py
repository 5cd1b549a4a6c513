"""Pending revisions: an edit to a live page, waiting for a reviewer."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone


class RevisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Revision.Status.PENDING, Revision.Status.SCHEDULED])

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def due(self, now=None):
        return self.filter(status=Revision.Status.SCHEDULED, go_live_at__lte=now or timezone.now())

    def first_go_live(self):
        """When the first approved revision still waiting goes live (None: none
        waits). One already due counts: it has still to be applied."""
        return self.filter(status=Revision.Status.SCHEDULED).aggregate(first=models.Min("go_live_at"))["first"]


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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
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

    def authors(self):
        """Everyone whose writing it holds: who started it, then each other
        editor credited with a field (a merge of two editors' changes names both)."""
        from django.contrib.auth import get_user_model

        ids = list(dict.fromkeys(pk for pk in (self.created_by_id, *self.contributions.values()) if pk is not None))
        users = get_user_model().objects.select_related("staff_profile").in_bulk(ids)
        return [users[pk] for pk in ids if pk in users]

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
