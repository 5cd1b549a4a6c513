"""The flags as the medical reviewers' dashboard shows them: each flagged
page, what changed in which trial or label (old → new), the link to the
record, and where to clear it. Only pages of the kinds the user may publish.
A fixed number of queries however many flags: the flags with their
identifiers, then the flagged pages, one query per kind of page."""

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from editorial.models import EvidenceFlag


def _admin_url(obj, view):
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])
    except NoReverseMatch:
        return ""


def flagged_pages(models, limit):
    """Entries for the flags on pages of `models` (those the user may
    publish), most recently changed first; at most `limit` + 1, so the
    caller can tell there are more."""
    if not models:
        return []
    content_types = ContentType.objects.get_for_models(*models).values()
    flags = (
        EvidenceFlag.objects.filter(content_type__in=content_types)
        .select_related("identifier")
        .prefetch_related("page")
        .order_by("-updated_at", "-id")[: limit + 1]
    )
    entries = []
    for flag in flags:
        page = flag.page
        if page is None:  # the page went; its references and flag go with it
            continue
        entries.append(
            {
                "obj": page,
                "kind": page._meta.verbose_name,
                "url": _admin_url(page, "review") or _admin_url(page, "change"),
                "flag": flag,
                "identifier": flag.identifier,
                "changes": flag.changes,
                "clear_url": _admin_url(page, "evidence_checked"),
            }
        )
    return entries
