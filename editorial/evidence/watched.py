"""Which identifiers are watched: every NCT number and DailyMed set ID that
any reference records, one WatchedIdentifier each, however many pages cite
it. Saving or deleting a reference brings them in step at once (adding an
identifier to a page's references starts watching it; removing the last
reference to one stops it); each check run reconciles them in full first,
for references written without signals (loaddata, a queryset update).

A flag belongs to a page that cites the identifier: when the page stops
citing it, its flag goes too."""

from django.db.models import Exists, OuterRef, signals

from editorial.models import EvidenceFlag, Reference, WatchedIdentifier

KINDS = WatchedIdentifier.Kind.values  # the Reference fields that hold them: nct_id, dailymed_setid


def _cited(kind):
    return Reference.objects.exclude(**{kind: ""}).values(kind)


def _watch(kind, values):
    WatchedIdentifier.objects.bulk_create(
        [WatchedIdentifier(kind=kind, value=value) for value in sorted(values)], ignore_conflicts=True
    )


def _forget_uncited(kind):
    WatchedIdentifier.objects.filter(kind=kind).exclude(value__in=_cited(kind)).delete()


def _drop_flags_no_longer_cited(kind, **page):
    """Flags (of one page, or all) whose page no longer cites their identifier."""
    still_cited = Reference.objects.filter(
        content_type=OuterRef("content_type"), object_id=OuterRef("object_id"), **{kind: OuterRef("identifier__value")}
    )
    EvidenceFlag.objects.filter(identifier__kind=kind, **page).exclude(Exists(still_cited)).delete()


def sync_watched():
    """Bring the watched identifiers and the flags in step with every reference."""
    for kind in KINDS:
        cited = set(_cited(kind).values_list(kind, flat=True).distinct().order_by())
        watched = set(WatchedIdentifier.objects.filter(kind=kind).values_list("value", flat=True))
        _watch(kind, cited - watched)
        _forget_uncited(kind)
        _drop_flags_no_longer_cited(kind)


def _reference_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the next check run reconciles
        return
    page = {"content_type_id": instance.content_type_id, "object_id": instance.object_id}
    for kind in KINDS:
        value = getattr(instance, kind)
        if value:
            _watch(kind, {value})
        # The reference may have had another value before this save.
        _forget_uncited(kind)
        _drop_flags_no_longer_cited(kind, **page)


def _reference_deleted(sender, instance, **kwargs):
    page = {"content_type_id": instance.content_type_id, "object_id": instance.object_id}
    for kind in KINDS:
        if getattr(instance, kind):
            _forget_uncited(kind)
            _drop_flags_no_longer_cited(kind, **page)


def connect():
    """Called once the app registry is ready (EditorialConfig.ready)."""
    signals.post_save.connect(_reference_saved, sender=Reference, dispatch_uid="evidence_watch_reference_saved")
    signals.post_delete.connect(_reference_deleted, sender=Reference, dispatch_uid="evidence_watch_reference_deleted")
