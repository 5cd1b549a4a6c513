"""The reviewer's pages: review and approve, send back, unpublish (after a
confirmation with the reason), restoring an earlier version from the history;
and for everyone who may see the content, its History and the comparison of
any two of its versions. Each action checks the publishing permission
itself, then asks the workflow."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from editorial import versions, workflow
from editorial.admin.editing import start_edit
from editorial.admin import plain_language
from editorial.admin.forms import ApproveForm, SendBackForm, UnpublishForm
from editorial.models import EditorialStatus, ReviewDecision, Revision, people_named
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
            path("<path:object_id>/compare/", wrap(self.compare_view), name="%s_%s_compare" % info),
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
        changes = workflow.changes(live, revision) if revision is not None else None
        # The plain-language checks beside the diff, before and after the edit.
        text_checks = plain_language.change_checks(changes, self.model) if changes else {}
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {live}",
            "opts": self.opts,
            "original": live,
            "live": live,
            "revision": revision,
            "pending_authors": people_named(revision.authors()) if revision is not None else "",
            "changes": changes,
            "change_rows": [(change, text_checks.get(change.name)) for change in changes or ()],
            "summary": self._content_summary(live) if revision is None else None,
            "field_checks": plain_language.content_checks(live) if revision is None else [],
            "form": form,
            "media": self.media + form.media,
            "preview_url": preview_url(live),
            "change_url": self._change_url(live),
            "send_back_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_send_back", args=[live.pk]
            ),
            "can_send_back": revision is not None or live.status == EditorialStatus.IN_REVIEW,
            **self._compare_picker(live, to=versions.PENDING if revision is not None else versions.LIVE),
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
        form = SendBackForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
            if form.data.get("back_to") == "review":
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_review", args=[live.pk])
                )
            return HttpResponseRedirect(self._change_url(live))
        was_live = live.status == EditorialStatus.PUBLISHED
        try:
            workflow.send_back(live, request.user, note=form.cleaned_data["note"])
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            outcome = "The live version is unchanged." if was_live else "It is a draft again."
            messages.success(request, f"Sent back to the editors with your note. {outcome}")
        return HttpResponseRedirect(self._change_url(live))

    # What readers lose besides the page itself, said per kind of content
    # (e.g. a group's therapies are hidden with it).
    unpublish_notes = ()

    def unpublish_view(self, request, object_id):
        """Unpublishing asks first, saying what readers will see, and needs a
        reason, which the record keeps."""
        self._require_publisher(request)
        live = self.get_live_object(request, object_id)
        if live.status != EditorialStatus.PUBLISHED:
            messages.error(request, "Only published content can be unpublished.")
            return HttpResponseRedirect(self._change_url(live))
        form = UnpublishForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                workflow.unpublish(live, request.user, form.cleaned_data["reason"])
            except workflow.WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Unpublished: readers no longer see “{live}”. The reason is kept in its history.")
            return HttpResponseRedirect(self._change_url(live))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Unpublish “{live}”?",
            "opts": self.opts,
            "original": live,
            "live": live,
            "form": form,
            "revision": workflow.open_revision(live),
            "public_url": live.get_absolute_url() if live.is_live and hasattr(live, "get_absolute_url") else "",
            "unpublish_notes": self.unpublish_notes,
            "change_url": self._change_url(live),
        }
        return TemplateResponse(request, "admin/reviewed_content/unpublish.html", context)

    # --- history and comparing versions

    object_history_template = "admin/reviewed_content/object_history.html"
    object_history_list_template = "admin/reviewed_content/object_history_list.html"
    object_history_form_template = "admin/reviewed_content/object_history_form.html"

    def _compare_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_compare", args=[obj.pk])

    def _compare_picker(self, obj, to):
        """The review page's "compare with an earlier version" form."""
        return {
            "compare_url": self._compare_url(obj),
            "compare_from_choices": versions.record_choices(obj),
            "compare_to": to,
        }

    def _object_or_none(self, object_id):
        """The record, or None if it is gone (its history is still shown); a
        malformed id is "not found", not an error."""
        try:
            return self.model.objects.filter(pk=unquote(object_id)).first()
        except (ValueError, ValidationError):
            raise Http404(f"No {self.opts.verbose_name} with this id.")

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related("history_user__staff_profile").prefetch_related(
            *versions.history_prefetches(self.model)
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each row's complete changes to the content, word by word (never
        shortened), and what happened, in place of simple-history's deltas,
        which cut long text short and list workflow fields as changes."""
        records = list(historical_records)
        before_oldest = None
        if records and historical_records.has_next():
            # The oldest row on this page is compared with the newest on the next.
            before_oldest = historical_records.paginator.object_list[historical_records.end_index()]
        # Versions are numbered from the oldest: the newest on this page is the count of those from it on.
        newest_number = historical_records.paginator.count - historical_records.start_index() + 1
        versions.annotate_history(self.model, records, before_oldest, newest_number)

    def history_view(self, request, object_id, extra_context=None):
        live = self._object_or_none(object_id)
        extra = {}
        if live is not None:
            revision = workflow.open_revision(live)
            extra = {
                "compare_url": self._compare_url(live),
                "has_pending": revision is not None,
                "pending_revision": revision,
                "live_label": versions.of_live_label(live),
                "decisions": list(ReviewDecision.objects.for_object(live)),
            }
        return super().history_view(request, object_id, {**extra, **(extra_context or {})})

    def compare_view(self, request, object_id):
        """Any two versions of a page side by side: from its history, the live
        version or the pending changes. Content only, word by word."""
        live = self.get_live_object(request, object_id)
        if not self.has_view_permission(request, live):
            raise PermissionDenied("You do not have permission to see this page's versions.")
        from_key, to_key = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
        before = after = changes = None
        error = ""
        if from_key or to_key:
            try:
                if not (from_key and to_key):
                    raise versions.UnknownVersion("Please choose two versions to compare, one in each list.")
                before, after = versions.find(live, from_key), versions.find(live, to_key)
            except versions.UnknownVersion as problem:
                error = str(problem)
            else:
                changes = versions.compare(self.model, before, after)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {live}",
            "opts": self.opts,
            "original": live,
            "live": live,
            "error": error,
            "before": before,
            "after": after,
            "changes": changes,
            "choices": versions.choices(live),
            "from_key": from_key,
            "to_key": to_key,
            "change_url": self._change_url(live),
            "history_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[live.pk]),
        }
        return TemplateResponse(request, "admin/reviewed_content/compare.html", context, status=400 if error else 200)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An earlier version, shown read-only. "Revert" (reviewers only)
        restores its content through the workflow: on published content it
        becomes a pending revision to approve, like any other edit."""
        start_edit(request).viewing_history = True
        if not versions.is_version_id(str(version_id)):
            raise Http404("There is no such version of this page.")
        if request.method != "POST":
            live = self._object_or_none(object_id)
            extra = {}
            if live is not None:
                extra["compare_with_live_url"] = f"{self._compare_url(live)}?from={version_id}&to={versions.LIVE}"
            return super().history_form_view(request, object_id, version_id, {**extra, **(extra_context or {})})
        live = self.get_live_object(request, object_id)
        if not self.has_change_history_permission(request, live):
            raise PermissionDenied("Only a medical reviewer can restore an earlier version.")
        record = get_object_or_404(self.model.history.all(), **{self.opts.pk.attname: live.pk, "history_id": version_id})
        try:
            revision = workflow.restore(live, record, request.user)
        except workflow.WorkflowError as error:
            messages.error(request, f"Nothing was restored. {error}")
            return HttpResponseRedirect(request.path)
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


