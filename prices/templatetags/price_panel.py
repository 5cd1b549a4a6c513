"""The price editors' part of the admin index: current prices older than the
staleness limit, each with a link to record a new estimate. A fixed number of
queries however many estimates there are; capped at PANEL_LIMIT entries."""

from django import template
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.http import urlencode
from django.utils import timezone

from prices.models import CostEstimate, staleness_cutoff

register = template.Library()

PANEL_LIMIT = 25


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def stale_estimates(today):
    """Each therapy's current estimate of each product and kind of figure,
    when it is older than the staleness limit (older estimates of the same
    product and kind are history). A group's own estimates are ranges
    published before, kept as dated history: its current range is worked out
    from its medicines' figures, so only theirs can be out of date. Per product and kind, not per
    subject: a brand's old list price is out of date even when a generic's
    NADAC figure is new, and the link to record its successor keeps both."""
    cutoff = staleness_cutoff(today)
    found = []
    for subject in ("therapy",):
        newest = (
            CostEstimate.objects.active()
            .filter(**{subject: OuterRef(subject)}, product=OuterRef("product"), kind=OuterRef("kind"))
            .newest_first()
        )
        rows = (
            CostEstimate.objects.active().filter(**{f"{subject}__isnull": False, "as_of__lt": cutoff})
            .filter(pk=Subquery(newest.values("pk")[:1]))
            .select_related(subject, "kind")
            .order_by("as_of")[: PANEL_LIMIT + 1]
        )
        for estimate in rows:
            query = {subject: estimate.subject.pk, "kind": estimate.kind_id, "currency": estimate.currency}
            if estimate.product:
                query["product"] = estimate.product
            found.append(
                {
                    "estimate": estimate,
                    "subject": estimate.subject,
                    "subject_url": _change_url(estimate.subject),
                    "url": _change_url(estimate),
                    "add_url": f"{reverse('admin:prices_costestimate_add')}?{urlencode(query)}",
                }
            )
    found.sort(key=lambda entry: entry["estimate"].as_of)
    return found


@register.inclusion_tag("admin/prices/stale_prices_panel.html", takes_context=True)
def stale_prices_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("prices.view_costestimate"):
        return {"show": False}
    stale = stale_estimates(timezone.localdate())
    return {
        "show": True,
        "stale": stale[:PANEL_LIMIT],
        "stale_more": len(stale) > PANEL_LIMIT,
        "staleness_months": settings.PRICE_STALENESS_MONTHS,
        "can_add_estimate": user.has_perm("prices.add_costestimate"),
    }
