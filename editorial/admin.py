"""The admin side of the review workflow, shared by articles, therapies and
categories.

`ReviewedContentAdmin` is a thin layer over `editorial.workflow`: the form
saves through `workflow.save_edit` (so an edit to published content becomes a
pending revision), and the review actions (approve, send back, unpublish,
restore an earlier version) are POST-only views that check the publishing
permission themselves before calling the workflow. The admin only decides what
each person is shown; the workflow decides what an action does.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from editorial import workflow
from editorial.preview import preview_url
from editorial.models import EditorialStatus, Reference, Revision

PENDING_REVISION_BANNER = (
    "This page is live. Your changes are saved as a pending revision and readers keep seeing the "
    "approved version until a medical reviewer approves them."
)
SAVED_AS_REVISION = (
    "Saved as a pending revision: waiting for a medical reviewer. Readers keep seeing the approved "
    "version until it is approved."
)
REVIEW_FIELDS = (
    "status",
    "published_at",
    "expires_at",
    "approved_by",
    "approved_at",
    "approval_note",
    "last_reviewed",
    "review_interval_months",
    "next_review_due_display",
    "last_edited_by",
    "updated_at",
    "edit_version",
)
READ_ONLY_REVIEW_FIELDS = tuple(name for name in REVIEW_FIELDS if name != "review_interval_months")


def open_revision_exists(model):
    """An annotation: does the row have a pending or scheduled revision? One
    subquery, so a changelist needs no query per row."""
    content_type = ContentType.objects.get_for_model(model)
    return Exists(Revision.objects.open().filter(content_type=content_type, object_id=OuterRef("pk")))


# --- The content form ---------------------------------------------------------------------


class ReviewedContentForm(forms.ModelForm):
    """The content form. It carries the record's edit version as it was when the
    form was opened, so a save made after someone else's is refused, with the
    editor's input kept in the form."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("base_version", self.instance.edit_version)
        if "review_interval_months" in self.fields:
            interval = self.fields["review_interval_months"]
            interval.help_text = f"{interval.help_text} The site default is {settings.REVIEW_INTERVAL_MONTHS} months."
        # A pending revision's many-to-many values (the instance's own are the live ones).
        for name, pks in (getattr(self.instance, "_revision_m2m", None) or {}).items():
            if name in self.fields:
                self.initial[name] = list(pks)

    # Set (on a per-request subclass) when the workflow refused the save after
    # this form's own check passed: the form is shown again with that message.
    reported_conflict = None

    def clean(self):
        cleaned = super().clean()
        base = cleaned.get("base_version")
        if self.instance.pk is None or (base is None and self.reported_conflict is None):
            return cleaned
        current = (
            type(self.instance)
            .objects.filter(pk=self.instance.pk)
            .values("edit_version", "last_edited_by", "updated_at")
            .first()
        )
        if current is None:
            return cleaned
        message = self.reported_conflict
        if message is None and current["edit_version"] != base:
            saved_by = get_user_model().objects.filter(pk=current["last_edited_by"]).first()
            message = str(workflow.EditConflict(saved_by, current["updated_at"]))
        if message is not None:
            # The input stays as typed; once the editor has compared it with the
            # current version, saving again is based on that version.
            data = self.data.copy()
            data[self.add_prefix("base_version")] = str(current["edit_version"])
            self.data = data
            raise ValidationError(message, code="edit_conflict")
        return cleaned


# --- The review page's form -----------------------------------------------------------------


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="Approval note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Optional: what you checked, e.g. 'Checked against the 2026 label.'",
    )
    go_live_at = forms.SplitDateTimeField(
        label="Goes live at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="Leave empty to publish now. A later time keeps the current version live until then.",
    )
    expires_at = forms.SplitDateTimeField(
        label="Hidden after",
        required=False,
        widget=AdminSplitDateTime,
        help_text="Optional: readers no longer see the content after this.",
    )
    # The version the reviewer is looking at; approving refuses if it moved.
    seen_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        go_live, expires = cleaned.get("go_live_at"), cleaned.get("expires_at")
        if expires is not None and expires <= (go_live or timezone.now()):
            self.add_error("expires_at", "The content must go live before it is hidden.")
        return cleaned


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


# --- Citations ------------------------------------------------------------------------------


class ReferenceFormSet(BaseGenericInlineFormSet):
    @classmethod
    def get_default_prefix(cls):
        return "references"  # as a page's own inline would be named, not by content type


class ReferenceInline(GenericTabularInline):
    """Sources the page cites, numbered for readers in `position` order."""

    model = Reference
    formset = ReferenceFormSet
    fields = ("position", "title", "publisher", "url", "accessed_on")
    # A source address typed without a scheme gets https://, not http://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    ordering = ("position", "id")

    # Readers see citations as soon as they are saved, so on live pages only
    # a medical reviewer may change them; editors propose them in the text.
    def _may_edit(self, request, obj):
        return obj is None or not workflow.is_protected(obj) or workflow.can_publish(request.user, type(obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


# --- The mixin --------------------------------------------------------------------------------


class ReviewedContentAdmin(SimpleHistoryAdmin):
    """Admin for ReviewedContent models. Subclasses give their content
    `fieldsets`; this adds the read-only review fieldset, the review buttons
    and views, the pending-revision editing and the conflict check."""

    form = ReviewedContentForm
    change_form_template = "admin/reviewed_content/change_form.html"
    review_template = "admin/reviewed_content/review.html"
    review_fieldset_title = "Publishing and review"
    list_filter = ("status",)
    actions = PUBLISHER_ACTIONS

    # --- who may do what

    def can_publish(self, request):
        return workflow.can_publish(request.user, self.model)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not workflow.is_deletable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_change_history_permission(self, request, obj=None):
        # Restoring an earlier version is a reviewer's decision.
        return self.can_publish(request) and super().has_change_history_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.can_publish(request):
            for action in PUBLISHER_ACTIONS:
                actions.pop(action.__name__, None)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                delete_unpublished_selected,
                "delete_selected",
                delete_unpublished_selected.short_description,
            )
        return actions

    def delete_queryset(self, request, queryset):
        # Whatever reaches here, published content is not deleted.
        super().delete_queryset(request, queryset.exclude(pk__in=queryset.ever_published().values("pk")))

    def changelist_view(self, request, extra_context=None):
        # A forged bulk review action is refused outright, not just ignored.
        if request.method == "POST" and not self.can_publish(request):
            if request.POST.get("action") in {action.__name__ for action in PUBLISHER_ACTIONS}:
                raise PermissionDenied("Only a medical reviewer can approve, publish or unpublish this.")
        return super().changelist_view(request, extra_context)

    def view_on_site(self, obj):
        """"View on site" only for what readers can see now (the live address)."""
        if not obj.is_live:
            return None
        content_type = ContentType.objects.get_for_model(obj)
        return reverse("admin:view_on_site", kwargs={"content_type_id": content_type.pk, "object_id": obj.pk})

    # --- lists

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_open_revision=open_revision_exists(self.model))

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        text = obj.get_status_display()
        if getattr(obj, "has_open_revision", False):
            text += " · pending changes"
        return text

    @admin.display(description="goes live at", ordering="published_at")
    def go_live_display(self, obj):
        return obj.published_at

    @admin.display(description="next review due")
    def next_review_due_display(self, obj):
        due = obj.next_review_due
        if due is None:
            return "—"
        if obj.status == EditorialStatus.PUBLISHED and due < timezone.localdate():
            return f"{due:%d %b %Y} (overdue)"
        return f"{due:%d %b %Y}"

    # --- the form

    def get_fieldsets(self, request, obj=None):
        fieldsets = [fs for fs in super().get_fieldsets(request, obj) if fs[0] != self.review_fieldset_title]
        fields = REVIEW_FIELDS if obj is not None else ("review_interval_months",)
        return [*fieldsets, (self.review_fieldset_title, {"fields": fields})]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if getattr(request, "_viewing_history", False):
            # An earlier version is shown, not edited: "Revert" restores it as it
            # was. (simple-history's view needs the prepopulated fields as inputs.)
            prepopulated = {name for key, deps in self.prepopulated_fields.items() for name in (key, *deps)}
            every = (f for _, opts in self.get_fieldsets(request, obj) for f in _flatten(opts["fields"]))
            return tuple(dict.fromkeys([*readonly, *(f for f in every if f not in prepopulated)]))
        return tuple(dict.fromkeys([*readonly, *READ_ONLY_REVIEW_FIELDS]))

    def get_object(self, request, object_id, from_field=None):
        """Published content with a pending revision is edited as that revision."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None or not workflow.is_protected(obj):
            return obj
        copy, m2m, revision = workflow.working_copy(obj)
        if revision is not None:
            copy._revision_m2m = m2m
            copy._open_revision = revision
            copy.has_open_revision = True
        return copy

    def get_live_object(self, request, object_id):
        obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with this id.")
        return obj

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            # Only an inline changed (or nothing): the record, and a revision
            # approved for later, stay exactly as they are.
            form.save_m2m = lambda: None
            return
        if change and not hasattr(obj, "_open_revision"):
            # A save from the changelist (list_editable) starts from the live row:
            # merge its changed fields into the pending revision, if there is one.
            obj = self._merge_into_open_revision(obj, form)
        m2m = {}
        for name, pks in (getattr(obj, "_revision_m2m", None) or {}).items():
            m2m[name] = list(type(obj)._meta.get_field(name).related_model.objects.filter(pk__in=pks))
        for field in type(obj)._meta.many_to_many:
            if field.name in form.cleaned_data:
                m2m[field.name] = list(form.cleaned_data[field.name])
        base_version = form.cleaned_data.get("base_version") if "base_version" in form.fields else None
        revision = workflow.save_edit(obj, request.user, m2m=m2m or None, base_version=base_version)
        # save_edit has saved the many-to-many values (or put them in the revision):
        # the admin (and simple-history's revert view) must not save them again.
        form.save_m2m = lambda: None
        if revision is not None:
            request._workflow_message = (SAVED_AS_REVISION, messages.WARNING)

    def _merge_into_open_revision(self, obj, form):
        revision = workflow.open_revision(obj)
        if revision is None:
            return obj
        copy, m2m = workflow.materialise(type(obj).objects.get(pk=obj.pk), revision.data)
        for name in form.changed_data:
            field = type(obj)._meta.get_field(name)
            if not field.many_to_many:
                setattr(copy, field.attname, getattr(obj, field.attname))
        copy._revision_m2m = {k: v for k, v in m2m.items() if k not in form.changed_data}
        copy._open_revision = revision
        return copy

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.EditConflict as conflict:
            # Someone saved between this form's check and its save (nothing was
            # written: the transaction rolled back). The form is shown again
            # with the editor's input and the workflow's message.
            request._reported_conflict = str(conflict)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        reported = getattr(request, "_reported_conflict", None)
        if reported is not None:
            form = type(form.__name__, (form,), {"reported_conflict": reported})
        return form

    def _respond(self, request, obj, default):
        message = getattr(request, "_workflow_message", None)
        if message is not None:
            request._suppress_admin_message = True
        try:
            response = default()
        finally:
            request._suppress_admin_message = False
        if message is not None:
            messages.add_message(request, message[1], message[0])
        if "_submit_for_review" in request.POST:
            try:
                workflow.submit_for_review(obj, request.user)
            except workflow.WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"“{obj}” is now waiting for a medical reviewer.")
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]))
        return response

    def response_change(self, request, obj):
        return self._respond(request, obj, lambda: super(ReviewedContentAdmin, self).response_change(request, obj))

    def response_add(self, request, obj, post_url_continue=None):
        return self._respond(
            request, obj, lambda: super(ReviewedContentAdmin, self).response_add(request, obj, post_url_continue)
        )

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        if getattr(request, "_suppress_admin_message", False):
            return
        super().message_user(request, message, level, extra_tags, fail_silently)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, obj):
        info = self.opts.app_label, self.opts.model_name
        can_publish = self.can_publish(request)
        can_edit = self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)
        context = {
            "can_publish": can_publish,
            "show_submit_for_review": can_edit and (obj is None or obj.status in (EditorialStatus.DRAFT, EditorialStatus.UNPUBLISHED)),
        }
        if obj is None or obj.pk is None:
            return context
        revision = getattr(obj, "_open_revision", None)
        live_with_revision = workflow.is_protected(obj)
        context.update(
            {
                "workflow_obj": obj,
                "open_revision": revision,
                "live_edit_banner": PENDING_REVISION_BANNER if live_with_revision and can_edit else "",
                "preview_url": preview_url(obj) if (can_edit or can_publish) else "",
                "review_url": reverse("admin:%s_%s_review" % info, args=[obj.pk]),
                "send_back_url": reverse("admin:%s_%s_send_back" % info, args=[obj.pk]),
                "unpublish_url": reverse("admin:%s_%s_unpublish" % info, args=[obj.pk]),
                "show_review": can_publish
                and (revision is not None or obj.status != EditorialStatus.PUBLISHED),
                "show_send_back": can_publish and (revision is not None or obj.status == EditorialStatus.IN_REVIEW),
                "show_unpublish": can_publish and obj.status == EditorialStatus.PUBLISHED,
            }
        )
        return context

    # --- review views

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/review/", wrap(self.review_view), name="%s_%s_review" % info),
            path("<path:object_id>/send-back/", wrap(self.send_back_view), name="%s_%s_send_back" % info),
            path("<path:object_id>/unpublish/", wrap(self.unpublish_view), name="%s_%s_unpublish" % info),
            *super().get_urls(),
        ]

    def _require_publisher(self, request):
        if not self.can_publish(request):
            raise PermissionDenied("Only a medical reviewer can approve, publish or unpublish this.")

    def _change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def review_view(self, request, object_id):
        self._require_publisher(request)
        live = self.get_live_object(request, object_id)
        revision = workflow.open_revision(live)
        initial = {"expires_at": live.expires_at} if live.status == EditorialStatus.PUBLISHED else {}
        initial["seen_version"] = live.edit_version
        form = ApproveForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                result = workflow.approve(
                    live,
                    request.user,
                    note=form.cleaned_data["note"],
                    go_live_at=form.cleaned_data["go_live_at"],
                    expires_at=form.cleaned_data["expires_at"],
                    seen_version=form.cleaned_data["seen_version"],
                )
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
                # The page below shows the changes as they are now; approving
                # again is approving what is on screen.
                live = self.get_live_object(request, object_id)
                revision = workflow.open_revision(live)
                form.data = form.data.copy()
                form.data["seen_version"] = live.edit_version
            else:
                scheduled = Revision.objects.filter(pk=getattr(revision, "pk", None), status=Revision.Status.SCHEDULED)
                if scheduled.exists():
                    when = timezone.localtime(form.cleaned_data["go_live_at"])
                    messages.success(
                        request, f"Approved: the changes go live at {when:%H:%M on %d %b %Y}. Readers see the current version until then."
                    )
                elif result.published_at and result.published_at > timezone.now():
                    when = timezone.localtime(result.published_at)
                    messages.success(request, f"Approved: “{result}” goes live at {when:%H:%M on %d %b %Y}.")
                else:
                    messages.success(request, f"Approved and published: readers now see this version of “{result}”.")
                return HttpResponseRedirect(self._change_url(live))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {live}",
            "opts": self.opts,
            "original": live,
            "live": live,
            "revision": revision,
            "changes": workflow.changes(live, revision) if revision is not None else None,
            "summary": self._content_summary(live) if revision is None else None,
            "form": form,
            "media": self.media + form.media,
            "preview_url": preview_url(live),
            "change_url": self._change_url(live),
            "send_back_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_send_back", args=[live.pk]
            ),
            "can_send_back": revision is not None or live.status == EditorialStatus.IN_REVIEW,
        }
        return TemplateResponse(request, self.review_template, context)

    def _content_summary(self, obj):
        rows = []
        for field in workflow.content_fields(type(obj)):
            if field.many_to_many:
                value = ", ".join(str(item) for item in getattr(obj, field.name).all())
            elif field.choices:
                value = getattr(obj, f"get_{field.name}_display")()
            elif field.is_relation:
                value = getattr(obj, field.name)
            else:
                value = field.value_from_object(obj)
            rows.append((field.verbose_name, value))
        return rows

    def _post_only(self, request):
        self._require_publisher(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return None

    def send_back_view(self, request, object_id):
        refused = self._post_only(request)
        if refused:
            return refused
        live = self.get_live_object(request, object_id)
        try:
            workflow.send_back(live, request.user, note=request.POST.get("note", ""))
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Sent back to the editors: the live version is unchanged.")
        return HttpResponseRedirect(self._change_url(live))

    def unpublish_view(self, request, object_id):
        refused = self._post_only(request)
        if refused:
            return refused
        live = self.get_live_object(request, object_id)
        try:
            workflow.unpublish(live, request.user)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Unpublished: readers no longer see “{live}”.")
        return HttpResponseRedirect(self._change_url(live))

    # --- history

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An earlier version, shown read-only. "Revert" (reviewers only)
        restores it through the workflow: on published content it becomes a
        pending revision to approve, like any other edit."""
        request._viewing_history = True
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        live = self.get_live_object(request, object_id)
        if not self.has_change_history_permission(request, live):
            raise PermissionDenied("Only a medical reviewer can restore an earlier version.")
        record = get_object_or_404(self.model.history.all(), **{self.opts.pk.attname: live.pk, "history_id": version_id})
        revision = workflow.restore(live, record, request.user)
        when = timezone.localtime(record.history_date)
        if revision is not None:
            messages.warning(
                request,
                f"The version of {when:%H:%M on %d %b %Y} is restored as a pending revision: "
                "readers keep seeing the live version until it is approved.",
            )
        else:
            messages.success(request, f"Restored the version of {when:%H:%M on %d %b %Y}.")
        return HttpResponseRedirect(self._change_url(live))


def _flatten(fields):
    for field in fields:
        if isinstance(field, (list, tuple)):
            yield from field
        else:
            yield field

