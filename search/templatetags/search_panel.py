"""The admin index's "Searched for but not found" panel: the terms readers
searched for most in the last 30 days that found no page, with how often.
One query; shown to staff who may see the query log."""

from datetime import timedelta

from django import template
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from search.models import SearchTerm

register = template.Library()

DAYS = 30
SHOWN = 10


def not_found_terms(today=None, days=DAYS, limit=SHOWN):
    """[(term, searches)] for searches that found nothing since `days` ago, most searched first."""
    since = (today or timezone.localdate()) - timedelta(days=days - 1)
    return list(
        SearchTerm.objects.filter(day__gte=since, results=0)
        .values("term")
        .annotate(total=Sum("searches"))
        .order_by("-total", "term")
        .values_list("term", "total")[:limit]
    )


@register.inclusion_tag("admin/search/search_panel.html", takes_context=True)
def search_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("search.view_searchterm"):
        return {"show": False}
    return {
        "show": True,
        "days": DAYS,
        "terms": not_found_terms(),
        "url": reverse("admin:search_searchterm_changelist") + "?results=0",
    }
