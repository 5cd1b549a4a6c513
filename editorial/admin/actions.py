"""Bulk actions on a changelist. The publishing ones are for medical reviewers only."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.utils import timezone

from editorial import workflow
from editorial.models import EditorialStatus, open_revision_exists

# --- Bulk actions (reviewers only) ------------------------------------------------------------


@admin.action(description="Approve and publish the selected items now")
def approve_selected(modeladmin, request, queryset):
    model = modeladmin.model
    workflow.require_publisher(request.user, model)
    approved, skipped = 0, []
    for obj in queryset.annotate(_open=open_revision_exists(model)):
        if obj.status == EditorialStatus.PUBLISHED and not obj._open:
            skipped.append(str(obj))  # live with nothing waiting: nothing to approve
            continue
        if obj._open:
            # Changes to a live page are approved on its comparison page, so
            # the reviewer has seen every changed field.
            skipped.append(f"{obj} (has changes to compare: use Review and approve)")
            continue
        try:
            workflow.approve(obj, request.user)
        except workflow.WorkflowError as error:
            skipped.append(f"{obj} ({error})")
            continue
        approved += 1
    modeladmin.message_user(request, f"Approved and published {approved}.", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(request, "Nothing to approve: " + "; ".join(skipped), messages.WARNING)


@admin.action(description="Unpublish the selected items (readers no longer see them)")
def unpublish_selected(modeladmin, request, queryset):
    workflow.require_publisher(request.user, modeladmin.model)
    count = 0
    for obj in queryset.filter(status=EditorialStatus.PUBLISHED):
        workflow.unpublish(obj, request.user)
        count += 1
    modeladmin.message_user(request, f"Unpublished {count}.", messages.SUCCESS)


@admin.action(description="Mark the selected items as reviewed today")
def mark_reviewed_today(modeladmin, request, queryset):
    workflow.require_publisher(request.user, modeladmin.model)
    today = timezone.localdate()
    count = 0
    for obj in queryset:
        obj.last_reviewed = today
        obj._history_user = request.user  # one history entry per item
        obj.save(update_fields=["last_reviewed", "updated_at"])
        count += 1
    modeladmin.message_user(request, f"Marked {count} as reviewed today.", messages.SUCCESS)


@admin.action(description="Delete the selected items (drafts that were never published)")
def delete_unpublished_selected(modeladmin, request, queryset):
    published = queryset.ever_published()
    if published.exists():
        names = ", ".join(str(obj) for obj in published[:10])
        modeladmin.message_user(
            request,
            f"Nothing was deleted: published content is never deleted, only unpublished ({names}). "
            "Select drafts only, or ask a medical reviewer to unpublish the page.",
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)


PUBLISHER_ACTIONS = (approve_selected, unpublish_selected, mark_reviewed_today)
