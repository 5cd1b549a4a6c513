"""The watched sources' part of the admin index: what waits for this editor
(a fetched file to confirm) and the sources of their concern that keep
failing or have fallen behind. Two queries however many sources there are."""

from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from watches.kinds import concerns
from watches.models import FAILURES_SHOWN_AFTER, WatchedSource

register = template.Library()


def panel_entries(user, now=None):
    now = now or timezone.now()
    waiting, troubled = [], []
    # The database picks the candidates; each one's own interval decides whether it is overdue.
    could_be_overdue = now - 2 * min(WatchedSource.INTERVALS.values())
    sources = WatchedSource.objects.filter(enabled=True).filter(
        ~Q(attention="")
        | Q(failures_in_a_row__gte=FAILURES_SHOWN_AFTER)
        | Q(last_succeeded_at__isnull=True)
        | Q(last_succeeded_at__lt=could_be_overdue)
    )
    for source in sources:
        if not concerns(source.kind, user):
            continue
        url = reverse("admin:watches_watchedsource_change", args=[source.pk])
        if source.attention:
            waiting.append({"source": source, "text": source.attention, "url": source.attention_url or url})
        if source.is_failing or source.is_overdue:
            troubled.append({"source": source, "url": url, "failing": source.is_failing, "overdue": source.is_overdue})
    return waiting, troubled


@register.inclusion_tag("watches/panel.html", takes_context=True)
def watched_sources_panel(context):
    user = context["request"].user
    waiting, troubled = panel_entries(user)
    return {"waiting": waiting, "troubled": troubled}
