"""A medical reviewer's "Checked: no change needed" for a page flagged by
the evidence watch (editorial.evidence): a POST from the dashboard's "Check
against new evidence" list, with a note saying what they checked. The other
way to clear a flag is approving the page (workflow.approve)."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from editorial import workflow
from editorial.models import EvidenceFlag

NOTE_LIMIT = 1000


class EvidenceActionsMixin:
    """The evidence page of a ReviewedContentAdmin."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/evidence-checked/",
                wrap(self.evidence_checked_view),
                name="%s_%s_evidence_checked" % info,
            ),
            *super().get_urls(),
        ]

    def evidence_checked_view(self, request, object_id):
        if not workflow.can_publish(request.user, self.model):
            raise PermissionDenied("Only a medical reviewer can check a page against new evidence.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        back = HttpResponseRedirect(reverse("admin:index") + "#panel-evidence")
        live = self.get_live_object(request, object_id)
        flag_id = request.POST.get("flag", "")
        flag = (
            EvidenceFlag.objects.filter(
                pk=int(flag_id) if flag_id.isdigit() else None,
                content_type=ContentType.objects.get_for_model(live),
                object_id=live.pk,
            )
            .select_related("identifier")
            .first()
        )
        if flag is None:
            messages.info(request, f"“{live}” has no such change waiting: it was cleared already.")
            return back
        note = request.POST.get("note", "").strip()[:NOTE_LIMIT]
        if not note:
            messages.error(
                request, f"Nothing was recorded for “{live}”: say what you checked in the note, then press the button."
            )
            return back
        try:
            workflow.checked_no_change_needed(flag, request.user, note)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
            return back
        messages.success(request, f"Recorded: “{live}” was checked against {flag.identifier.label} and needs no change.")
        return back
