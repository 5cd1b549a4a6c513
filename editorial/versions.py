"""Versions of a page, side by side: any two from its history, the live
version and the pending changes, compared field by field and word by word.

Only the content an editor writes is compared. Workflow fields (status, go-live
time, sign-off, edit version...) and the review dates record decisions: the
history shows those as what they were ("Approved by ..."), never as changes
to the text."""

from dataclasses import dataclass, field as dataclass_field

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.text import Truncator

from editorial import workflow
from editorial.models import Revision, people_named, person_name

# Set by reviewers and the review actions, not part of what readers read.
REVIEW_DATES = frozenset({"last_reviewed", "review_interval_months"})

LIVE, PENDING, SENT_BACK = "live", "pending", "sent-back"


def compared_fields(model):
    return [field for field in workflow.content_fields(model) if field.name not in REVIEW_DATES]


def record_fields(model):
    """The workflow fields and review dates: what a history row that changes
    no content did change."""
    names = (model.WORKFLOW_FIELDS | REVIEW_DATES) - {"updated_at", "edit_version"}
    return [field for field in model._meta.concrete_fields if field.name in names]


def _history_m2m_accessor(history_model, field):
    """The reverse accessor from a historical record to the rows holding its
    many-to-many value (None where the history does not keep that field).
    simple-history's own attribute for it is a manager that cannot be prefetched."""
    m2m_model = getattr(history_model.__dict__.get(field.name), "model", None)
    for relation in history_model._meta.related_objects:
        if m2m_model is not None and relation.related_model is m2m_model:
            return relation.get_accessor_name()
    return None


def history_prefetches(model):
    """Lookups that load the many-to-many values kept with each historical
    record in one query per field, not one per record."""
    lookups = []
    for field in compared_fields(model):
        accessor = _history_m2m_accessor(model.history.model, field) if field.many_to_many else None
        if accessor:
            lookups.append(f"{accessor}__{field.m2m_reverse_field_name()}")
    return lookups


def _display(obj, field, m2m=None):
    """A field's value as a reader of the comparison understands it."""
    if field.many_to_many:
        if m2m is not None and field.name in m2m:
            related = field.related_model.objects.filter(pk__in=m2m[field.name])
            return ", ".join(sorted(str(item) for item in related))
        return ", ".join(sorted(str(item) for item in getattr(obj, field.name).all()))
    value = field.value_from_object(obj)
    if value is None:
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        try:
            return str(getattr(obj, field.name))
        except ObjectDoesNotExist:
            return f"(deleted: #{value})"
    if hasattr(value, "strftime"):
        return f"{value:%d %b %Y}" if not hasattr(value, "hour") else f"{timezone.localtime(value):%d %b %Y %H:%M}"
    return value


def _historical_m2m(record, field):
    """The many-to-many value kept with a historical record, or None where the
    history does not keep that field."""
    accessor = _history_m2m_accessor(type(record), field)
    if accessor is None:
        return None
    target = field.m2m_reverse_field_name()
    return ", ".join(sorted(str(getattr(row, target)) for row in getattr(record, accessor).all()))


def _values_of_record(record):
    model = record.instance_type
    values = {}
    for field in compared_fields(model):
        if field.many_to_many:
            value = _historical_m2m(record, field)
            if value is not None:
                values[field.name] = value
        else:
            values[field.name] = _display(record, field)
    return values


@dataclass
class Version:
    key: str  # a history id, LIVE or PENDING
    label: str  # what it is: when, and who
    values: dict = dataclass_field(repr=False)  # field name: display value


def when_and_who(record):
    who = person_name(record.history_user) or "no person recorded"
    return f"{timezone.localtime(record.history_date):%d %b %Y %H:%M}, {who}"


# What a history row was, from the reason the workflow wrote on it: the
# versions a reviewer picks from are told apart by what happened, not only by
# when (four saves in one minute read alike).
EVENTS = (
    ("Submitted for review", "Submitted"),
    ("Sent back", "Sent back"),
    ("Approved", "Approved"),
    ("Written by", "Approved"),  # an approval crediting several editors
    ("Unpublished", "Unpublished"),
    ("Restored", "Restored an earlier version"),
    ("Marked as reviewed", "Marked as reviewed"),
)


def event_of(record, sent_back_before=False):
    """"Submitted", "Sent back", "Resubmitted" (submitted after a send-back),
    "Approved", "Created", "Edited"..."""
    reason = (record.history_change_reason or "").strip()
    for start, event in EVENTS:
        if reason.startswith(start):
            return "Resubmitted" if event == "Submitted" and sent_back_before else event
    return {"+": "Created", "-": "Deleted"}.get(record.history_type, "Edited")


def version_label(record, sent_back_before=False, number=None):
    numbered = f" (version {number})" if number is not None else ""
    return f"{event_of(record, sent_back_before)}{numbered}: {when_and_who(record)}"


def labelled(records, newest_number=None):
    """{history id: label} for history rows of a page (any order), each
    numbered from the oldest (`newest_number`: the newest's number when
    `records` are not the whole history); a submission after a send-back is
    labelled a resubmission."""
    labels, sent_back = {}, False
    in_order = sorted(records, key=lambda record: (record.history_date, record.history_id))
    first_number = (len(in_order) if newest_number is None else newest_number) - len(in_order) + 1
    for number, record in enumerate(in_order, start=first_number):
        labels[record.history_id] = version_label(record, sent_back, number)
        event = event_of(record)
        if event == "Sent back":
            sent_back = True
        elif event in ("Approved", "Unpublished"):
            sent_back = False
    return labels


def of_record(record, label=None):
    return Version(str(record.history_id), label or version_label(record), _values_of_record(record))


def of_live_label(obj):
    if obj.is_live:
        return "Live version (what readers see now)"
    return f"Current version ({obj.get_status_display().lower()}, readers do not see it)"


def of_live(obj):
    return Version(LIVE, of_live_label(obj), {field.name: _display(obj, field) for field in compared_fields(type(obj))})


def _of_revision(obj, key, label, revision):
    """The page as `revision` would make it, as a version to compare."""
    model = type(obj)
    edited, m2m = workflow.materialise(model.objects.get(pk=obj.pk), revision.data)
    return Version(key, label, {field.name: _display(edited, field, m2m) for field in compared_fields(model)})


def of_pending(obj, revision):
    return _of_revision(obj, PENDING, of_pending_label(revision), revision)


def last_sent_back(obj):
    """The latest edit a reviewer sent back (on a live page, a revision), or None."""
    return Revision.objects.for_object(obj).filter(status=Revision.Status.REJECTED).order_by("-reviewed_at", "-id").first()


def of_sent_back(obj, revision):
    """The text a reviewer sent back, so a resubmission can be compared with exactly it."""
    return _of_revision(obj, SENT_BACK, of_sent_back_label(revision), revision)


def of_sent_back_label(revision):
    by = person_name(revision.reviewed_by) or "a reviewer"
    when = f" at {timezone.localtime(revision.reviewed_at):%d %b %Y %H:%M}" if revision.reviewed_at else ""
    return f"Sent back by {by}{when}: the text returned to the editor"


def of_pending_label(revision):
    authors = people_named(revision.authors()) or "an editor"
    return f"Pending changes by {authors}, last saved {timezone.localtime(revision.updated_at):%d %b %Y %H:%M}"


def is_version_id(key):
    """Could `key` be a history id? (ASCII digits that fit the database's integers.)"""
    return key.isascii() and key.isdigit() and len(key) <= 18


class UnknownVersion(Exception):
    """A version asked for that this page does not have."""


def history_of(obj):
    return type(obj).history.filter(**{type(obj)._meta.pk.attname: obj.pk})


def find(obj, key):
    """The version `key` names: a history id of this page, "live", "pending"
    or "sent-back" (the latest edit a reviewer sent back)."""
    key = (key or "").strip()
    if key == LIVE:
        return of_live(obj)
    if key == PENDING:
        revision = workflow.open_revision(obj)
        if revision is None:
            raise UnknownVersion("There are no pending changes on this page to compare.")
        return of_pending(obj, revision)
    if key == SENT_BACK:
        revision = last_sent_back(obj)
        if revision is None:
            raise UnknownVersion("No changes to this page have been sent back.")
        return of_sent_back(obj, revision)
    if not is_version_id(key):
        raise UnknownVersion(f"“{Truncator(key).chars(40)}” is not a version of this page. Choose the versions from the lists below.")
    lookups = history_prefetches(type(obj))
    record = (
        history_of(obj).filter(history_id=int(key)).select_related("history_user").prefetch_related(*lookups).first()
    )
    if record is None:
        raise UnknownVersion(f"This page has no version number {key}. Choose the versions from the lists below.")
    # Labelled as in the lists to choose from (a resubmission knows it follows a send-back).
    return of_record(record, labelled(_labelling_rows(obj))[record.history_id])


def record_choices(obj):
    """(key, label) for each version in the page's history, newest first."""
    records = _labelling_rows(obj)
    labels = labelled(records)
    return [(str(record.history_id), labels[record.history_id]) for record in records]


def _labelling_rows(obj):
    """The page's history rows, newest first, with what their labels need only."""
    return list(
        history_of(obj).select_related("history_user__staff_profile").only(
            "history_id", "history_date", "history_user", "history_change_reason", "history_type"
        )
    )


def choices(obj):
    """Every version a comparison can start or end at: the pending changes
    (if any), the live version, then the history, newest first."""
    revision = workflow.open_revision(obj)
    pending = [(PENDING, of_pending_label(revision))] if revision is not None else []
    returned = last_sent_back(obj)
    sent_back = [(SENT_BACK, of_sent_back_label(returned))] if returned is not None else []
    return [*pending, *sent_back, (LIVE, of_live_label(obj)), *record_choices(obj)]


def compare(model, before, after):
    """What changed from version `before` to version `after`, content fields
    only: a FieldChange (with its word-by-word diff) per changed field."""
    changes = []
    for field in compared_fields(model):
        if field.name not in before.values or field.name not in after.values:
            continue  # the history does not keep this field
        old, new = before.values[field.name], after.values[field.name]
        if old != new:
            changes.append(workflow.FieldChange(field.verbose_name, old, new, field.name))
    return changes


# --- The history list ---------------------------------------------------------------------


def _record_changes(model, record, previous):
    """Plain words for what a history row changed outside the content."""
    parts = []
    for field in record_fields(model):
        old, new = _display(previous, field), _display(record, field)
        if old != new:
            parts.append(f"{field.verbose_name} {old or '(none)'} → {new or '(none)'}")
    return parts


def describe(model, record, previous, content_changes):
    """What a history row was: the reason the workflow recorded, or failing
    that, plain words for what happened."""
    reason = (record.history_change_reason or "").strip()
    if reason:
        return reason
    if record.history_type == "+":
        return "Created."
    if record.history_type == "-":
        return "Deleted."
    if content_changes:
        return "Edited."
    if previous is not None:
        parts = _record_changes(model, record, previous)
        if parts:
            return "Publishing and review details only: " + "; ".join(parts) + "."
    return "Saved, with no change to the content."


def annotate_history(model, records, before_oldest=None, newest_number=None):
    """Give each historical record (newest first) the changes to its content
    since the record before it (`content_changes`), what happened
    (`what_happened`) and who did it (`person`). `before_oldest` is the record
    preceding the last one, and `newest_number` the first record's version
    number, when the list is one page of a longer history."""
    earlier = [before_oldest] if before_oldest is not None else []
    labels = labelled([*records, *earlier], newest_number)
    versions = [of_record(record, labels[record.history_id]) for record in records]
    following = [*records[1:], before_oldest]
    following_versions = [*versions[1:], of_record(before_oldest) if before_oldest is not None else None]
    for record, version, previous, previous_version in zip(records, versions, following, following_versions):
        changes = compare(model, previous_version, version) if previous_version is not None else []
        record.content_changes = changes
        record.compared = previous_version is not None
        record.what_happened = describe(model, record, previous, changes)
        record.person = person_name(record.history_user) or "—"
        record.version_label = version.label
    return records
