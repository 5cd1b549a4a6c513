"""The editors' panel on the admin index: what is waiting for a medical
reviewer and what is overdue for its review, across every kind of reviewed
content. A fixed number of queries however much content there is; each list is
capped at PANEL_LIMIT entries, with a link to the full list."""

import datetime

from django import template
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from editorial.models import EditorialStatus, add_months, open_revision_exists, reviewed_models

register = template.Library()

PANEL_LIMIT = 25
# A little slack around the month arithmetic of the database pre-filter; the
# exact rule (ReviewedContent.is_review_overdue) is applied to the rows fetched.
OVERDUE_SLACK = datetime.timedelta(days=4)


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _entry(obj, note):
    return {"obj": obj, "kind": obj._meta.verbose_name, "url": _change_url(obj), "note": note}


def awaiting_review(model):
    rows = (
        model.objects.annotate(pending=open_revision_exists(model))
        .filter(Q(status=EditorialStatus.IN_REVIEW) | Q(status=EditorialStatus.PUBLISHED, pending=True))
        .order_by("-updated_at")[: PANEL_LIMIT + 1]
    )
    return [
        _entry(obj, "pending changes to the live page" if obj.pending else "new or unpublished: in review")
        for obj in rows
    ]


def overdue(model, today):
    """Published content whose next review date has passed. The database
    narrows the rows (last reviewed before today minus the interval, for the
    default and for each shorter interval in use); Python applies the exact
    month arithmetic."""
    default = settings.REVIEW_INTERVAL_MONTHS
    intervals = {default}
    intervals.update(
        model.objects.filter(review_interval_months__isnull=False)
        .values_list("review_interval_months", flat=True)
        .distinct()
        .order_by()
    )
    condition = Q()
    for months in intervals:
        cutoff = add_months(today, -months) + OVERDUE_SLACK
        interval_q = Q(review_interval_months=months)
        if months == default:
            interval_q |= Q(review_interval_months__isnull=True)
        condition |= interval_q & Q(last_reviewed__lt=cutoff)
    rows = (
        model.objects.filter(status=EditorialStatus.PUBLISHED, last_reviewed__isnull=False)
        .filter(condition)
        .order_by("last_reviewed")[: PANEL_LIMIT + 10]
    )
    return [_entry(obj, f"review was due {obj.next_review_due:%d %b %Y}") for obj in rows if obj.is_review_overdue(today)]


def _perm(user, model, action):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


@register.inclusion_tag("admin/editorial/editorial_panel.html", takes_context=True)
def editorial_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    today = timezone.localdate()
    waiting, late, editable = [], [], []
    for model in reviewed_models():
        if not _perm(user, model, "change"):
            continue
        editable.append(model)
        waiting.extend(awaiting_review(model))
        late.extend(overdue(model, today))
    late.sort(key=lambda entry: entry["obj"].next_review_due)
    return {
        "show": bool(editable),
        "awaiting": waiting[:PANEL_LIMIT],
        "awaiting_more": len(waiting) > PANEL_LIMIT,
        "overdue": late[:PANEL_LIMIT],
        "overdue_more": len(late) > PANEL_LIMIT,
        "review_interval_months": settings.REVIEW_INTERVAL_MONTHS,
        "changelists": [(model._meta.verbose_name_plural, _changelist_url(model)) for model in editable],
    }
