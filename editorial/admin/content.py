"""The base admin for reviewed content."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core.markup import reject_images

from editorial import workflow
from editorial.admin.actions import PUBLISHER_ACTIONS, delete_unpublished_selected
from editorial.admin.editing import edit_of, start_edit
from editorial.admin.evidence import EvidenceActionsMixin
from editorial.admin.forms import ReviewedContentForm
from editorial.admin.plain_language import form_checks
from editorial.admin.reviewing import ReviewActionsMixin
from editorial.models import EditorialStatus, ReviewDecision, Revision, open_revision_exists, people_named, person_name
from editorial.preview import preview_url

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
    "approved_by_name",
    "approved_at",
    "approval_note",
    "last_reviewed",
    "review_interval_months",
    "next_review_due_display",
    "last_edited_by_name",
    "updated_at",
    "edit_version",
)
READ_ONLY_REVIEW_FIELDS = tuple(name for name in REVIEW_FIELDS if name != "review_interval_months")


# --- The mixin --------------------------------------------------------------------------------


class ReviewedContentAdmin(EvidenceActionsMixin, ReviewActionsMixin, SimpleHistoryAdmin):
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

    # People are named, not linked: the link Django puts on a user field leads
    # to the user admin, which only superusers may open.

    @admin.display(description="approved by")
    def approved_by_name(self, obj):
        return person_name(obj.approved_by) or "—"

    @admin.display(description="last edited by")
    def last_edited_by_name(self, obj):
        return person_name(obj.last_edited_by) or "—"

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
        if edit_of(request).viewing_history:
            # "Revert" brings back content only: the earlier status and review
            # dates shown beside it would read as if they came back too.
            return fieldsets
        fields = REVIEW_FIELDS if obj is not None else ("review_interval_months",)
        return [*fieldsets, (self.review_fieldset_title, {"fields": fields})]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if edit_of(request).viewing_history:
            # An earlier version is shown, not edited: "Revert" restores it as it
            # was. (simple-history's view needs the prepopulated fields as inputs.)
            prepopulated = {name for key, deps in self.prepopulated_fields.items() for name in (key, *deps)}
            every = (f for _, opts in self.get_fieldsets(request, obj) for f in _flatten(opts["fields"]))
            return tuple(dict.fromkeys([*readonly, *(f for f in every if f not in prepopulated)]))
        return tuple(dict.fromkeys([*readonly, *READ_ONLY_REVIEW_FIELDS]))

    def get_object(self, request, object_id, from_field=None):
        """Published content with a pending revision is edited as that revision;
        one just sent back is edited as the text that was sent back."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None or not workflow.is_protected(obj):
            return obj
        copy, m2m, revision = workflow.working_copy(obj, sent_back=True)
        if revision is not None:
            sent_back = revision.status == Revision.Status.REJECTED
            edit_of(request).holds(revision, m2m, sent_back=sent_back)
            copy.has_open_revision = not sent_back
        return copy

    def get_live_object(self, request, object_id):
        try:
            obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        except (ValueError, ValidationError):  # an address with a malformed id
            obj = None
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with this id.")
        return obj

    def save_model(self, request, obj, form, change):
        edit = edit_of(request)
        if change and not form.has_changed() and edit.sent_back_revision is None:
            # Only an inline changed (or nothing): the record, and a revision
            # approved for later, stay exactly as they are. (Text that was sent
            # back and is saved unchanged goes back for review as it is.)
            return
        revision_m2m = edit.revision_m2m
        if change and edit.open_revision is None:
            # A save from the changelist (list_editable) starts from the live row:
            # merge its changed fields into the pending revision, if there is one.
            # (One request saves many rows there: this stays local to the row.)
            obj, revision_m2m = self._merge_into_open_revision(obj, form, revision_m2m)
        m2m = {}
        for name, pks in revision_m2m.items():
            m2m[name] = list(type(obj)._meta.get_field(name).related_model.objects.filter(pk__in=pks))
        for field in type(obj)._meta.many_to_many:
            if field.name in form.cleaned_data:
                m2m[field.name] = list(form.cleaned_data[field.name])
        base_version = form.cleaned_data.get("base_version") if "base_version" in form.fields else None
        # The editor chose how to save over someone else's change (the form
        # merged it, or they confirmed overwriting): based on the version they saw.
        resolution = getattr(form, "resolution", None)
        if resolution is not None:
            base_version = resolution.version
        revision = workflow.save_edit(obj, request.user, m2m=m2m or None, base_version=base_version)
        edit.saved_as_revision = revision is not None
        if resolution is not None and resolution.overwrote:
            workflow.record(obj, ReviewDecision.Action.OVERWROTE, request.user, resolution.note, revision=revision)
            messages.warning(request, f"{resolution.note} This is kept in the page's history.")
        elif resolution is not None:
            messages.success(request, f"Saved: {form.conflict.who}'s changes are kept and yours are applied on top.")

    def save_related(self, request, form, formsets, change):
        # The workflow (save_model) has saved the many-to-many values, or put
        # them in the pending revision: only the inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _merge_into_open_revision(self, obj, form, revision_m2m):
        """(the row to save, its revision's many-to-many values)."""
        revision = workflow.open_revision(obj)
        if revision is None:
            return obj, revision_m2m
        copy, m2m = workflow.materialise(type(obj).objects.get(pk=obj.pk), revision.data)
        for name in form.changed_data:
            field = type(obj)._meta.get_field(name)
            if not field.many_to_many:
                setattr(copy, field.attname, getattr(obj, field.attname))
        return copy, {k: v for k, v in m2m.items() if k not in form.changed_data}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        start_edit(request)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.EditConflict as conflict:
            # Someone saved between this form's check and its save (nothing was
            # written: the transaction rolled back). The form is shown again
            # with the editor's input and the workflow's message.
            start_edit(request).reported_conflict = str(conflict)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Marks the Markdown texts for admin scripts (the media library's "Insert image").
        if formfield is not None and reject_images in getattr(db_field, "validators", ()):
            formfield.widget.attrs["data-markdown"] = ""
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        edit = edit_of(request)
        # A class for this request: the form learns what the edit holds.
        return type(
            form.__name__,
            (form,),
            {"reported_conflict": edit.reported_conflict, "revision_m2m": edit.revision_m2m},
        )

    def _respond(self, request, obj, default):
        edit = edit_of(request)
        if edit.saved_as_revision:
            # The admin would say the page was changed: it was not, yet.
            with edit.muting_admin_messages():
                response = default()
            messages.warning(request, SAVED_AS_REVISION)
        else:
            response = default()
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
        if edit_of(request).admin_messages_muted:
            return
        super().message_user(request, message, level, extra_tags, fail_silently)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.workflow_context(request, obj))
        context["field_checks"] = form_checks(context["adminform"].form, self.model)
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
        edit = edit_of(request)
        revision = edit.open_revision
        live_with_revision = workflow.is_protected(obj)
        context.update(
            {
                "workflow_obj": obj,
                "open_revision": revision,
                "pending_authors": people_named(revision.authors()) if revision is not None else "",
                "sent_back_revision": edit.sent_back_revision,
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


def _flatten(fields):
    for field in fields:
        if isinstance(field, (list, tuple)):
            yield from field
        else:
            yield field


