"""The record of who decided what, kept for good."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from editorial.models.revisions import Revision


class ReviewDecisionQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def between_editors_and_reviewers(self):
        """Decisions that move an item between its editors and reviewers: an
        editor overwriting a colleague's edit does neither."""
        return self.exclude(action__in=ReviewDecision.BESIDE_THE_WORKFLOW)


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
        # A reviewer checked a page against a change to a trial or label it
        # cites (editorial.evidence), by approving it or finding no change needed.
        EVIDENCE_CHECKED = "evidence_checked", "Checked against new evidence"

    # A decision that takes something away from an editor or readers must say
    # why; a check against new evidence says what the reviewer found.
    NEEDS_NOTE = (Action.SENT_BACK, Action.UNPUBLISHED, Action.WITHDREW, Action.CORRECTED, Action.EVIDENCE_CHECKED)
    # Decisions that neither move an item between editors and reviewers nor
    # change its text: an editor overwriting a colleague's edit, a check
    # against new evidence.
    BESIDE_THE_WORKFLOW = (Action.OVERWROTE, Action.EVIDENCE_CHECKED)

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
    revision = models.ForeignKey(Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions")
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
                        "submitted",
                        "approved",
                        "scheduled",
                        "went_live",
                        "sent_back",
                        "unpublished",
                        "restored",
                        "overwrote",
                        "withdrew",
                        "corrected",
                        "evidence_checked",
                    ]
                ),
                name="decision_action_valid",
            ),
            models.CheckConstraint(
                condition=~Q(action__in=["sent_back", "unpublished", "withdrew", "corrected", "evidence_checked"])
                | ~Q(note=""),
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
