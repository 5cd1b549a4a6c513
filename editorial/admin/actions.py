"""Bulk actions on a changelist. The publishing ones are for medical reviewers only."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected
from django.template.response import TemplateResponse
from django.utils import timezone

from editorial import workflow
from editorial.admin.forms import UnpublishForm
from editorial.models import EditorialStatus, open_revision_exists

# --- Bulk actions (reviewers only) ------------------------------------------------------------


@admin.action(description="Approve and publish the selected items now")
def approve_selected(modeladmin, request, queryset):
    model = modeladmin.model
    workflow.require_publisher(request.user, model)
    approved, skipped = 0, []
    for obj in queryset.annotate(has_open_revision=open_revision_exists(model)):
        if obj.status == EditorialStatus.PUBLISHED and not obj.has_open_revision:
            skipped.append(str(obj))  # live with nothing waiting: nothing to approve
            continue
        if obj.has_open_revision:
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
    """Like Django's delete confirmation: a page first says what readers will
    see and asks for the reason; only its "apply" with a reason unpublishes."""
    workflow.require_publisher(request.user, modeladmin.model)
    published = list(queryset.filter(status=EditorialStatus.PUBLISHED))
    skipped = [str(obj) for obj in queryset.exclude(status=EditorialStatus.PUBLISHED)]
    if not published:
        modeladmin.message_user(request, "Nothing was unpublished: none of the selected items is published.", messages.WARNING)
        return None
    form = UnpublishForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        count, failed = 0, []
        for obj in published:
            try:
                workflow.unpublish(obj, request.user, form.cleaned_data["reason"])
            except workflow.WorkflowError as error:
                failed.append(f"{obj} ({error})")
            else:
                count += 1
        modeladmin.message_user(
            request, f"Unpublished {count}: readers no longer see them. The reason is kept in each one's history.", messages.SUCCESS
        )
        if failed:
            modeladmin.message_user(request, "Not unpublished: " + "; ".join(failed), messages.WARNING)
        return None
    request.current_app = modeladmin.admin_site.name
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Unpublish {len(published)} {opts.verbose_name if len(published) == 1 else opts.verbose_name_plural}?",
        "opts": opts,
        "items": published,
        "skipped": skipped,
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "unpublish_notes": modeladmin.unpublish_notes,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/reviewed_content/unpublish_selected.html", context)


@admin.action(description="Mark the selected items as reviewed today")
def mark_reviewed_today(modeladmin, request, queryset):
    workflow.require_publisher(request.user, modeladmin.model)
    today = timezone.localdate()
    count = 0
    for obj in queryset:
        obj.last_reviewed = today
        obj._history_user = request.user  # one history entry per item
        obj._change_reason = f"Marked as reviewed on {today:%d %b %Y}."
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
