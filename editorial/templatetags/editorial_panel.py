"""The editors' panel on the admin index, across every kind of reviewed
content: what was sent back to me and my drafts, what is waiting for a
medical reviewer, what is approved to go live later (and when), what is
overdue for its review, and (for medical reviewers) the pages to check
against new evidence: a cited trial or label changed (editorial.evidence). A fixed number of queries however much content there
is; each list is capped at PANEL_LIMIT entries."""

import datetime

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from editorial import workflow
from editorial.evidence.panel import flagged_pages
from editorial.models import EditorialStatus, ReviewDecision, Revision, add_months, open_revision_exists, reviewed_models

register = template.Library()

PANEL_LIMIT = 25
# Items currently sent back, newest first, looked at to find the user's own:
# far more than are ever waiting at once, and a bound on the work.
SENT_BACK_SCAN = 200
# A little slack around the month arithmetic of the database pre-filter; the
# exact rule (ReviewedContent.is_review_overdue) is applied to the rows fetched.
OVERDUE_SLACK = datetime.timedelta(days=4)


def _admin_url(obj, view):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def _change_url(obj):
    return _admin_url(obj, "change")


def _review_url(obj):
    try:
        return _admin_url(obj, "review")
    except NoReverseMatch:  # a kind of content whose admin has no review page
        return _change_url(obj)


def _changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _entry(obj, note, url=None, **extra):
    return {"obj": obj, "kind": obj.kind_name, "url": url or _change_url(obj), "note": note, **extra}


def _revisions(model, status):
    return Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk"), status=status
    )


def sent_back_to(model, user):
    """Items a reviewer sent back whose text `user` wrote, with the note."""
    rows = (
        workflow.with_latest_decision(model.objects.annotate(reopened=open_revision_exists(model)))
        .filter(latest_action=ReviewDecision.Action.SENT_BACK, reopened=False)
        .order_by("-latest_at")[:SENT_BACK_SCAN]
    )
    return [
        _entry(obj, obj.latest_note, by=obj.latest_by, when=obj.latest_at)
        for obj in rows
        if workflow.is_sent_back_to(obj, user)
    ]


def my_drafts(model, user):
    """Drafts `user` edited last (those sent back are listed as such)."""
    rows = (
        workflow.with_latest_decision(model.objects.filter(status=EditorialStatus.DRAFT, last_edited_by=user))
        .filter(Q(latest_action__isnull=True) | ~Q(latest_action=ReviewDecision.Action.SENT_BACK))
        .order_by("-updated_at")[: PANEL_LIMIT + 1]
    )
    return [_entry(obj, "draft", when=obj.updated_at) for obj in rows]


def awaiting_review(model, reviewing):
    rows = (
        model.objects.annotate(pending=Exists(_revisions(model, Revision.Status.PENDING)))
        .filter(Q(status=EditorialStatus.IN_REVIEW) | Q(status=EditorialStatus.PUBLISHED, pending=True))
        .order_by("-updated_at")[: PANEL_LIMIT + 1]
    )
    return [
        _entry(
            obj,
            "pending changes to the live page" if obj.pending else "new or unpublished: in review",
            _review_url(obj) if reviewing else None,
        )
        for obj in rows
    ]


def scheduled(model, now, reviewing):
    """Approved to go live later: changes to a live page (a scheduled
    revision) and pages that are not live yet, soonest first."""
    rows = (
        model.objects.annotate(change_goes_live=Subquery(_revisions(model, Revision.Status.SCHEDULED).values("go_live_at")[:1]))
        .filter(Q(status=EditorialStatus.PUBLISHED, published_at__gt=now) | Q(change_goes_live__isnull=False))
        .annotate(goes_live=Coalesce("change_goes_live", "published_at"))
        .order_by("goes_live")[: PANEL_LIMIT + 1]
    )
    return [
        _entry(
            obj,
            "changes to the live page" if obj.change_goes_live else "new page",
            _review_url(obj) if reviewing else None,
            when=obj.goes_live,
        )
        for obj in rows
    ]


def overdue(model, today):
    """Published content whose next review date has passed. The database
    narrows the rows (last reviewed before today minus the interval, for the
    default and for each shorter interval in use); Python applies the exact
    month arithmetic."""
    intervals = set(
        model.objects.filter(review_interval_months__isnull=False)
        .values_list("review_interval_months", flat=True)
        .distinct()
        .order_by()
    )
    condition = Q()
    for months in intervals:
        cutoff = add_months(today, -months) + OVERDUE_SLACK
        condition |= Q(review_interval_months=months, last_reviewed__lt=cutoff)
    # Items with no interval of their own fall due after their model's
    # default, which can differ by row (emerging therapies are due sooner).
    for months, rows_q in model.default_review_intervals():
        cutoff = add_months(today, -months) + OVERDUE_SLACK
        condition |= Q(review_interval_months__isnull=True, last_reviewed__lt=cutoff) & rows_q
    rows = (
        model.objects.filter(status=EditorialStatus.PUBLISHED, last_reviewed__isnull=False)
        .filter(condition)
        .select_related(*model.REVIEW_INTERVAL_RELATED)
        .order_by("last_reviewed")[: PANEL_LIMIT + 10]
    )
    return [_entry(obj, f"review was due {obj.next_review_due:%d %b %Y}") for obj in rows if obj.is_review_overdue(today)]


def _perm(user, model, action):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def _capped(name, entries):
    return {name: entries[:PANEL_LIMIT], f"{name}_more": len(entries) > PANEL_LIMIT}


@register.inclusion_tag("admin/editorial/editorial_panel.html", takes_context=True)
def editorial_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    now, today = timezone.now(), timezone.localdate()
    lists = {"sent_back": [], "drafts": [], "awaiting": [], "scheduled": [], "overdue": []}
    editable, publishable = [], []
    for model in reviewed_models():
        if not _perm(user, model, "change"):
            continue
        editable.append(model)
        reviewing = workflow.can_publish(user, model)
        if reviewing:
            publishable.append(model)
        lists["sent_back"].extend(sent_back_to(model, user))
        lists["drafts"].extend(my_drafts(model, user))
        lists["awaiting"].extend(awaiting_review(model, reviewing))
        lists["scheduled"].extend(scheduled(model, now, reviewing))
        lists["overdue"].extend(overdue(model, today))
    lists["sent_back"].sort(key=lambda entry: entry["when"], reverse=True)
    lists["drafts"].sort(key=lambda entry: entry["when"], reverse=True)
    lists["scheduled"].sort(key=lambda entry: entry["when"])
    lists["overdue"].sort(key=lambda entry: entry["obj"].next_review_due)
    result = {
        "show": bool(editable),
        "review_interval_months": settings.REVIEW_INTERVAL_MONTHS,
        "changelists": [(model._meta.verbose_name_plural, _changelist_url(model)) for model in editable],
    }
    for name, entries in lists.items():
        result.update(_capped(name, entries))
    # Only medical reviewers (who may publish) check pages against new evidence.
    result["reviews_evidence"] = bool(publishable)
    result.update(_capped("evidence", flagged_pages(publishable, PANEL_LIMIT)))
    return result
