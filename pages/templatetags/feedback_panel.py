"""The admin index's count of readers' problem reports nobody has picked up
yet, with a link to them. One query; shown to staff who may read reports."""

from django import template
from django.urls import reverse

from pages.models import Feedback

register = template.Library()


@register.inclusion_tag("admin/pages/feedback_panel.html", takes_context=True)
def feedback_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("pages.view_feedback"):
        return {"show": False}
    return {
        "show": True,
        "new_count": Feedback.objects.filter(status=Feedback.Status.NEW).count(),
        "url": reverse("admin:pages_feedback_changelist") + f"?status__exact={Feedback.Status.NEW}",
    }
