"""The editors' panel on the admin index: what is waiting for a medical
reviewer, what is overdue for its review, and which current prices are out of
date. A fixed number of queries however much content there is; each list is
capped at PANEL_LIMIT entries, with a link to the full list."""

import datetime

from django import template
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from therapies.admin.reviewing import open_revision_exists
from therapies.editorial import EditorialStatus, add_months
from therapies.models import Category, CostEstimate, Therapy, staleness_cutoff

register = template.Library()

PANEL_LIMIT = 25
# A little slack around the month arithmetic of the database pre-filter; the
# exact rule (ReviewedContent.is_review_overdue) is applied to the rows fetched.
OVERDUE_SLACK = datetime.timedelta(days=4)


def _content_models():
    from articles.models import Article  # articles depends on therapies, not the reverse

    return [Article, Therapy, Category]


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


def stale_estimates(today):
    """Each category's and therapy's current estimate, when it is older than the
    staleness limit (older estimates of a subject with a newer one are history)."""
    cutoff = staleness_cutoff(today)
    found = []
    for subject in ("therapy", "category"):
        newest = CostEstimate.objects.filter(**{subject: OuterRef(subject)}).order_by("-as_of", "-recorded_at", "-id")
        rows = (
            CostEstimate.objects.filter(**{f"{subject}__isnull": False, "as_of__lt": cutoff})
            .filter(pk=Subquery(newest.values("pk")[:1]))
            .select_related(subject)
            .order_by("as_of")[: PANEL_LIMIT + 1]
        )
        for estimate in rows:
            found.append(
                {
                    "estimate": estimate,
                    "subject": estimate.subject,
                    "subject_url": _change_url(estimate.subject),
                    "url": _change_url(estimate),
                    "add_url": reverse("admin:therapies_costestimate_add") + f"?{subject}={estimate.subject.pk}",
                }
            )
    found.sort(key=lambda entry: entry["estimate"].as_of)
    return found


def _perm(user, model, action):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


@register.inclusion_tag("admin/includes/editorial_panel.html", takes_context=True)
def editorial_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    today = timezone.localdate()
    waiting, late, editable = [], [], []
    for model in _content_models():
        if not _perm(user, model, "change"):
            continue
        editable.append(model)
        waiting.extend(awaiting_review(model))
        late.extend(overdue(model, today))
    show_prices = _perm(user, CostEstimate, "view")
    stale = stale_estimates(today) if show_prices else []
    late.sort(key=lambda entry: entry["obj"].next_review_due)
    return {
        "show": bool(editable) or show_prices,
        "show_content": bool(editable),
        "show_prices": show_prices,
        "awaiting": waiting[:PANEL_LIMIT],
        "awaiting_more": len(waiting) > PANEL_LIMIT,
        "overdue": late[:PANEL_LIMIT],
        "overdue_more": len(late) > PANEL_LIMIT,
        "stale": stale[:PANEL_LIMIT],
        "stale_more": len(stale) > PANEL_LIMIT,
        "staleness_months": settings.PRICE_STALENESS_MONTHS,
        "review_interval_months": settings.REVIEW_INTERVAL_MONTHS,
        "changelists": [(model._meta.verbose_name_plural, _changelist_url(model)) for model in editable],
        "can_add_estimate": _perm(user, CostEstimate, "add"),
    }
