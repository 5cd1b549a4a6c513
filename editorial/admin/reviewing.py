"""The reviewer's pages: review and approve, send back, unpublish, and restoring
an earlier version from the history. Each checks the publishing permission
itself, then asks the workflow."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from editorial import workflow
from editorial.admin.forms import ApproveForm
from editorial.models import EditorialStatus, Revision
from editorial.preview import preview_url


class ReviewActionsMixin:
    """The review pages of a ReviewedContentAdmin."""

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
            workflow.unpublish(live, request.user, request.POST.get("reason", ""))
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


