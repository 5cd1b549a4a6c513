"""The review workflow for articles, therapies and categories.

One place decides what an edit does: content that readers can already see is
never changed by an editor's save. The edit waits as a Revision until a
medical reviewer approves it, and only then (or at the approved time) does the
live record change. The admin and the public views both call these functions.
"""

import logging
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F, JSONField, OuterRef, Subquery
from django.utils import timezone

from core import cache
from editorial import diffing
from editorial.models import EditorialStatus, ReviewDecision, Revision, person_name

logger = logging.getLogger(__name__)


class EditConflict(Exception):
    """Someone saved the record after this editor opened it."""

    def __init__(self, saved_by, saved_at, who=""):
        self.saved_by = saved_by
        self.saved_at = saved_at
        # `who`: the name kept on the record when the account itself is gone.
        self.who = person_name(saved_by) or who or "Someone else"
        super().__init__(
            f"{self.who} saved this page at {timezone.localtime(saved_at):%H:%M on %d %b %Y} after you opened it. "
            "Your changes are still in the form below and have not been saved."
        )


class WorkflowError(Exception):
    """A review action that does not fit the record's current state."""


def publish_permission(model):
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model):
    return user.has_perm(publish_permission(model))


def require_publisher(user, model):
    if not can_publish(user, model):
        raise PermissionDenied("Only a medical reviewer can approve, publish or unpublish this.")


# --- The record of decisions -------------------------------------------------------------


def record(obj, action, actor, note="", revision=None, go_live_at=None):
    """Keep one review decision: in the editorial log (for good, with the
    person's name) and in the admin's "Recent actions"."""
    note = (note or "").strip()
    if action in ReviewDecision.NEEDS_NOTE and not note:
        raise WorkflowError("Please say why: the editors and the record need the reason.")
    decision = ReviewDecision.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        action=action,
        actor=actor,
        actor_name=person_name(actor) or "the site",
        note=note,
        revision=revision,
        go_live_at=go_live_at,
    )
    if actor is not None:
        message = decision.action_label + (f": {note}" if note else "")
        LogEntry.objects.log_actions(actor.pk, [obj], CHANGE, change_message=message[:2000], single_object=True)
    return decision


def latest_send_back(obj):
    """The reviewer's latest note, if the item is back with its editors now:
    sent back, and not submitted or approved since."""
    latest = ReviewDecision.objects.for_object(obj).between_editors_and_reviewers().first()
    return latest if latest is not None and latest.action == ReviewDecision.Action.SENT_BACK else None


def with_latest_decision(queryset):
    """`queryset` (of one kind of reviewed content) with each item's latest
    review decision as annotations (latest_action, latest_note, latest_by,
    latest_actor_id, latest_at), the revision it was about and who wrote it
    (latest_revision_id, latest_revision_author_id,
    latest_revision_contributions), and who last submitted the item
    (latest_submitter_id). Subqueries: a list of any length is one query."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    decisions = ReviewDecision.objects.filter(content_type=content_type, object_id=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    latest = decisions.between_editors_and_reviewers()
    submitted = decisions.filter(action=ReviewDecision.Action.SUBMITTED)

    def latest_value(name, output_field=None):
        return Subquery(latest.values(name)[:1], output_field=output_field)

    return queryset.annotate(
        latest_action=latest_value("action"),
        latest_note=latest_value("note"),
        latest_by=latest_value("actor_name"),
        latest_actor_id=latest_value("actor"),
        latest_at=latest_value("created_at"),
        latest_revision_id=latest_value("revision"),
        latest_revision_author_id=latest_value("revision__created_by"),
        latest_revision_contributions=latest_value("revision__contributions", JSONField()),
        latest_submitter_id=Subquery(submitted.values("actor")[:1]),
    )


def is_sent_back_to(item, user):
    """Is `item` (annotated by with_latest_decision, without an open revision)
    back with `user` to fix? It is if a reviewer sent it back and `user` wrote
    the text sent back (started the revision or wrote part of it), submitted
    the draft, or has edited it since."""
    if item.latest_action != ReviewDecision.Action.SENT_BACK:
        return False
    authors = {item.latest_revision_author_id, *(item.latest_revision_contributions or {}).values()}
    if item.latest_revision_id is None:
        authors.add(item.latest_submitter_id)
    # Sending back marks the reviewer as the record's last editor; that does
    # not make the text theirs.
    if item.last_edited_by_id != item.latest_actor_id:
        authors.add(item.last_edited_by_id)
    return user.pk in authors


def _credit(revision, reviewer):
    """(author, change reason) for the history row an approval writes: the
    text is credited to whoever wrote it, field by field, not to the reviewer."""
    contributions = (revision.contributions or {}) if revision is not None else {}
    if not contributions:
        author = revision.created_by if revision is not None else None
        return author or reviewer, f"Approved by {person_name(reviewer)}."
    people = {user.pk: user for user in get_user_model().objects.filter(pk__in=set(contributions.values()))}
    fields_by_person = {}
    for field_name, user_pk in contributions.items():
        fields_by_person.setdefault(user_pk, []).append(field_name)
    parts = [
        f"{person_name(people.get(pk)) or 'a deleted account'} ({', '.join(sorted(names))})"
        for pk, names in sorted(fields_by_person.items(), key=lambda item: -len(item[1]))
    ]
    main_author = people.get(max(fields_by_person, key=lambda pk: len(fields_by_person[pk])))
    return main_author or reviewer, f"Written by {'; '.join(parts)}. Approved by {person_name(reviewer)}."


# --- What a revision holds -------------------------------------------------------------


def content_fields(model):
    """The fields an editor's revision carries: everything editable except
    the workflow's own fields."""
    return [
        field
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if field.editable and not field.primary_key and field.name not in model.WORKFLOW_FIELDS
    ]


def snapshot(obj, m2m=None):
    """The content of `obj` as JSON-ready data. `m2m` gives many-to-many
    values from a form or a revision (field name to objects or pks) where
    they are not saved yet."""
    data = {}
    for field in content_fields(type(obj)):
        if field.many_to_many:
            values = m2m[field.name] if m2m and field.name in m2m else getattr(obj, field.name).all()
            data[field.name] = sorted(getattr(item, "pk", item) for item in values)
        else:
            value = field.value_from_object(obj)
            # Browsers send textarea text with CRLF line ends; stored text has
            # LF. Without this, an untouched Save would count as an edit.
            data[field.name] = value.replace("\r\n", "\n") if isinstance(value, str) else value
    return data


def _serialisable(data):
    return Revision._meta.get_field("data").get_prep_value(data)


def materialise(obj, data):
    """`obj` with the revision's content set on it (not saved), and the
    many-to-many values as {field name: [pk, ...]}."""
    m2m = {}
    for field in content_fields(type(obj)):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.many_to_many:
            m2m[field.name] = value
        elif field.is_relation:
            setattr(obj, field.attname, value)
        else:
            setattr(obj, field.attname, field.to_python(value))
    return obj, m2m


@dataclass
class FieldChange:
    """One changed field: its value before (`live`) and after (`pending`),
    and `diff`, the word-by-word difference as safe HTML (`diff.before`,
    `diff.after`, `diff.inline`)."""

    label: str
    live: object
    pending: object
    name: str = ""
    diff: diffing.WordDiff = None

    def __post_init__(self):
        if self.diff is None:
            self.diff = diffing.word_diff(self.live, self.pending)


def changes(live, revision):
    """Field by field, what approving `revision` would change on `live`."""
    model = type(live)
    pending, pending_m2m = materialise(model.objects.get(pk=live.pk), revision.data)
    result = []
    for field in content_fields(model):
        if field.many_to_many:
            before = list(getattr(live, field.name).all())
            after = list(field.related_model.objects.filter(pk__in=pending_m2m.get(field.name, [])))
            if {item.pk for item in before} != {item.pk for item in after}:
                result.append(
                    FieldChange(field.verbose_name, ", ".join(map(str, before)), ", ".join(map(str, after)), field.name)
                )
            continue
        before, after = field.value_from_object(live), field.value_from_object(pending)
        if before != after:
            if field.choices:
                before, after = dict(field.flatchoices).get(before, before), dict(field.flatchoices).get(after, after)
            elif field.is_relation:
                before, after = _related_or_gone(live, field), _related_or_gone(pending, field)
            result.append(FieldChange(field.verbose_name, before, after, field.name))
    return result


def _related_or_gone(obj, field):
    try:
        return getattr(obj, field.name)
    except ObjectDoesNotExist:
        return f"(deleted: #{field.value_from_object(obj)})"


# --- Reading ------------------------------------------------------------------------------


def open_revision(obj):
    return Revision.objects.open().for_object(obj).first()


def sent_back_revision(obj):
    """The revision a reviewer has just sent back, while that is still the
    latest word on the item (nothing submitted, approved or reopened since):
    the editor's text, to fix and save again."""
    decision = latest_send_back(obj)
    if decision is None or decision.revision_id is None:
        return None
    return Revision.objects.filter(pk=decision.revision_id, status=Revision.Status.REJECTED).first()


def working_copy(obj, sent_back=False):
    """The version an editor works on: the open revision if there is one
    (applied in memory), else the record itself. Returns (obj, m2m, revision).

    With `sent_back`, a revision just sent back counts too, so the editor
    fixes their own text rather than starting again from the live version;
    it is no longer open, so saving it makes a new pending revision."""
    revision = open_revision(obj)
    if revision is None and sent_back:
        revision = sent_back_revision(obj)
    if revision is None:
        return obj, None, None
    copy, m2m = materialise(type(obj).objects.get(pk=obj.pk), revision.data)
    return copy, m2m, revision


def is_protected(obj):
    """Content a reader can see, or that a reviewer has approved to go live:
    editing it must go through review."""
    return obj.status == EditorialStatus.PUBLISHED


# --- Editing -----------------------------------------------------------------------------


def last_saved(live):
    """(user, when, name) of the latest change to `live`'s edit version: a save
    of the record, a save of its open revision (both leave their editor in
    `last_edited_by`), or a review decision such as an approval or a send-back
    (which leaves `last_edited_by` alone or names someone else)."""
    saved_by_id, saved_at = live.last_edited_by_id, live.updated_at
    revision = open_revision(live)
    if revision is not None and revision.updated_at > saved_at:
        saved_at = revision.updated_at
    decision = (
        ReviewDecision.objects.for_object(live)
        .exclude(action=ReviewDecision.Action.SUBMITTED)  # a submission leaves the version as it is
        .select_related("actor")
        .first()
    )
    if decision is not None and decision.created_at >= saved_at:
        return decision.actor, decision.created_at, decision.actor_name
    saved_by = get_user_model().objects.filter(pk=saved_by_id).first() if saved_by_id else None
    return saved_by, saved_at, ""


def _check_version(live, base_version):
    if base_version is not None and live.edit_version != base_version:
        raise EditConflict(*last_saved(live))


def _bump_version(live, user):
    # Only the version and the editor: `updated_at` is what readers see as
    # "last updated", and a pending edit has not changed the page.
    type(live).objects.filter(pk=live.pk).update(edit_version=F("edit_version") + 1, last_edited_by=user)


@transaction.atomic
def save_edit(obj, user, m2m=None, base_version=None):
    """Save an editor's changes to `obj` (a new record or an edited one).

    Drafts and content in review are saved directly. Published content keeps
    its live version: the edit is stored (or merged into) the record's open
    revision for a reviewer to approve. Returns the revision, or None."""
    model = type(obj)
    obj._history_user = user
    if obj.pk is None:
        obj.last_edited_by = user
        obj.save()
        _save_m2m(obj, m2m)
        return None

    live = model.objects.select_for_update().get(pk=obj.pk)
    _check_version(live, base_version)
    if not is_protected(live):
        obj.edit_version = live.edit_version + 1
        obj.last_edited_by = user
        # The form must not move the record through the workflow.
        for name in model.WORKFLOW_FIELDS - {"edit_version", "last_edited_by", "updated_at"}:
            setattr(obj, name, getattr(live, name))
        obj.save()
        _save_m2m(obj, m2m)
        return None

    data = _serialisable(snapshot(obj, m2m))
    live_data = _serialisable(snapshot(live))
    revision = Revision.objects.open().for_object(live).select_for_update().first()
    resubmitted = None
    if revision is None:
        if data == live_data:
            return None
        revision = Revision(
            content_type=ContentType.objects.get_for_model(model), object_id=live.pk, created_by=user
        )
        # Fixing a sent-back revision: its writers keep the credit for the
        # fields this save leaves as they wrote them.
        resubmitted = sent_back_revision(live)
        before = resubmitted.data if resubmitted else live_data
        contributions = dict(resubmitted.contributions or {}) if resubmitted else {}
    else:
        before = revision.data
        contributions = dict(revision.contributions or {})
    for name, value in data.items():
        if before.get(name) != value and user is not None:
            contributions[name] = user.pk
    # A field set back to its live value is no one's change.
    revision.contributions = {name: pk for name, pk in contributions.items() if data.get(name) != live_data.get(name)}
    revision.data = data
    # An edit to an approved-but-scheduled revision needs approving again.
    revision.status = Revision.Status.PENDING
    revision.go_live_at = None
    revision.expires_at = None
    revision.save()
    _bump_version(live, user)
    if resubmitted is not None:
        # The reviewer's send-back has been answered: the item is waiting for
        # review again, and no longer "sent back" to its editors.
        record(live, ReviewDecision.Action.SUBMITTED, user, "Changed after it was sent back.", revision=revision)
    return revision


def _save_m2m(obj, m2m):
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)


@transaction.atomic
def submit_for_review(obj, user, note=""):
    if obj.status not in (EditorialStatus.DRAFT, EditorialStatus.UNPUBLISHED):
        raise WorkflowError("Only a draft or unpublished page can be sent for review.")
    obj.status = EditorialStatus.IN_REVIEW
    obj.last_edited_by = user
    obj._history_user = user
    obj._change_reason = "Submitted for review."
    obj.save(update_fields=["status", "last_edited_by", "updated_at"])
    record(obj, ReviewDecision.Action.SUBMITTED, user, note)


KEEP = object()  # approve(): leave the current expiry as it is


@transaction.atomic
def approve(obj, reviewer, note="", go_live_at=None, expires_at=KEEP, seen_version=None):
    """Sign off `obj` (and its pending revision, if any) and publish it at
    `go_live_at` (now if not given). Content already live with a revision
    scheduled for later keeps its current version until then.

    `seen_version` is the edit version the reviewer looked at: if anyone has
    saved since, the approval is refused rather than publishing unseen text."""
    model = type(obj)
    require_publisher(reviewer, model)
    now = timezone.now()
    requested_go_live = go_live_at
    go_live_at = go_live_at or now

    live = model.objects.select_for_update().get(pk=obj.pk)
    if seen_version is not None and live.edit_version != seen_version:
        raise WorkflowError(
            "This page was changed after you opened the review. Nothing was approved: "
            "look at the changes again before approving."
        )
    if expires_at is KEEP:
        expires_at = live.expires_at
    if expires_at is not None and expires_at <= go_live_at:
        raise WorkflowError("The content must go live before it is hidden.")
    revision = Revision.objects.open().for_object(live).select_for_update().first()
    review = {"reviewed_by": reviewer, "reviewed_at": now, "review_note": note}

    if revision is not None and live.is_live and go_live_at > now:
        Revision.objects.filter(pk=revision.pk).update(
            status=Revision.Status.SCHEDULED, go_live_at=go_live_at, expires_at=expires_at, **review
        )
        # The live page is unchanged, but it now has a go-live time that a
        # stored page must not outlast (an update sends no signal).
        cache.content_changed()
        record(live, ReviewDecision.Action.SCHEDULED, reviewer, note, revision=revision, go_live_at=go_live_at)
        return live

    m2m = None
    author, reason = _credit(revision, reviewer)
    if revision is not None:
        live, m2m = materialise(live, revision.data)
        _check_still_valid(live, m2m)
        Revision.objects.filter(pk=revision.pk).update(status=Revision.Status.APPLIED, **review)
    if requested_go_live is None and live.status == EditorialStatus.PUBLISHED:
        # An update to published content keeps its original publication date;
        # readers see when it was last updated and reviewed instead.
        go_live_at = live.published_at
    _mark_approved(live, reviewer, note, go_live_at, expires_at, now, author=author, reason=reason)
    _save_m2m(live, m2m)
    later = go_live_at > now
    record(
        live,
        ReviewDecision.Action.SCHEDULED if later else ReviewDecision.Action.APPROVED,
        reviewer,
        note,
        revision=revision,
        go_live_at=go_live_at if later else None,
    )
    return live


def _check_still_valid(obj, m2m):
    """A revision was valid when saved; since then its address may have been
    taken or a record it points to deleted. Refuse to apply it then."""
    try:
        obj.full_clean(exclude=list(type(obj).WORKFLOW_FIELDS))
        for name, values in (m2m or {}).items():
            pks = [getattr(value, "pk", value) for value in values]
            related = obj._meta.get_field(name).related_model
            if related.objects.filter(pk__in=pks).count() != len(set(pks)):
                raise ValidationError({name: "Some of the chosen records have been deleted since."})
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        raise WorkflowError(f"These changes can no longer be applied as they are ({problems}). Edit the page and save again.")


def _mark_approved(live, reviewer, note, go_live_at, expires_at, now, author=None, reason=""):
    live.status = EditorialStatus.PUBLISHED
    live.published_at = go_live_at
    live.expires_at = expires_at
    live.approved_by = reviewer
    live.approved_at = now
    live.approval_note = note
    live.last_reviewed = timezone.localdate(now)
    live.edit_version = live.edit_version + 1
    live._history_user = author or reviewer
    live._change_reason = reason or f"Approved by {person_name(reviewer)}."
    live.save()


@transaction.atomic
def send_back(obj, reviewer, note):
    """A reviewer declines, saying why: a pending revision is closed unapplied,
    content in review returns to draft. The live version is untouched. The
    note is kept in the decision record, where the editor sees it."""
    model = type(obj)
    require_publisher(reviewer, model)
    if not (note or "").strip():
        raise WorkflowError("Please add a note for the editors: say what needs changing.")
    revision = Revision.objects.open().for_object(obj).select_for_update().first()
    if revision is not None:
        revision.status = Revision.Status.REJECTED
        revision.reviewed_by, revision.reviewed_at, revision.review_note = reviewer, timezone.now(), note
        revision.save()
    elif obj.status == EditorialStatus.IN_REVIEW:
        obj.status = EditorialStatus.DRAFT
        obj._history_user = reviewer
        obj._change_reason = "Sent back to the editors."
        obj.save(update_fields=["status", "updated_at"])
    else:
        raise WorkflowError("There is nothing waiting for review here.")
    record(obj, ReviewDecision.Action.SENT_BACK, reviewer, note, revision=revision)
    # An editor whose form still shows the sent-back text must be told, not
    # quietly start a new revision from it.
    _bump_version(obj, reviewer)


@transaction.atomic
def unpublish(obj, reviewer, reason):
    require_publisher(reviewer, type(obj))
    if obj.status != EditorialStatus.PUBLISHED:
        raise WorkflowError("Only published content can be unpublished.")
    if not (reason or "").strip():
        raise WorkflowError("Please give the reason for unpublishing: it is kept in the record.")
    live = type(obj).objects.select_for_update().get(pk=obj.pk)
    # Unpublished content is edited directly, so pending edits move into the
    # record now; otherwise a later approval would lay them over newer work.
    revision = Revision.objects.open().for_object(live).select_for_update().first()
    m2m = None
    if revision is not None:
        live, m2m = materialise(live, revision.data)
        Revision.objects.filter(pk=revision.pk).update(
            status=Revision.Status.APPLIED,
            reviewed_by=reviewer,
            reviewed_at=timezone.now(),
            review_note="Moved into the unpublished page for further editing.",
        )
    live.status = EditorialStatus.UNPUBLISHED
    live.edit_version += 1
    live._history_user = reviewer
    live._change_reason = f"Unpublished: {reason.strip()}"
    live.save()
    _save_m2m(live, m2m)
    record(live, ReviewDecision.Action.UNPUBLISHED, reviewer, reason, revision=revision)


def restore(obj, historical_record, reviewer):
    """Bring back an earlier version. It follows the same rule as any edit:
    on published content it becomes a pending revision to approve."""
    require_publisher(reviewer, type(obj))
    earlier = historical_record.instance
    earlier._state.adding = False  # the same row, not a new one
    m2m = None
    m2m_fields = [field for field in content_fields(type(obj)) if field.many_to_many]
    if m2m_fields:
        m2m = {}
        for field in m2m_fields:
            through = getattr(historical_record, field.name, None)
            if through is None:
                continue
            target = field.m2m_reverse_field_name()
            m2m[field.name] = [getattr(row, target) for row in through.all()]
    for name in type(obj).WORKFLOW_FIELDS | {"last_reviewed", "review_interval_months"}:
        setattr(earlier, name, getattr(obj, name))
    _check_still_valid(earlier, m2m)
    when = timezone.localtime(historical_record.history_date)
    earlier._change_reason = f"Restored the version of {when:%H:%M on %d %b %Y}."
    with transaction.atomic():
        revision = save_edit(earlier, reviewer, m2m=m2m, base_version=None)
        record(obj, ReviewDecision.Action.RESTORED, reviewer, f"The version of {when:%H:%M on %d %b %Y}.", revision=revision)
    return revision


def publish_due_revisions(now=None):
    """Apply revisions a reviewer approved for a time that has now come.

    Called at the start of each public request, so scheduled changes go live
    on time with no cron job: one indexed query when nothing is due."""
    now = now or timezone.now()
    due = list(Revision.objects.due(now).values_list("pk", flat=True))
    for pk in due:
        try:
            _apply_scheduled(pk, now)
        except (DatabaseError, ValidationError, ObjectDoesNotExist) as error:
            # Since this runs in every public request, one approved change that
            # can no longer be saved (its new address was taken meanwhile, its
            # record is gone) must not break every page, request after request.
            # It goes back to the reviewers with the reason; readers keep the
            # live version.
            logger.exception("Scheduled revision %s could not go live", pk)
            _return_to_review(pk, error)
    return len(due)


def _apply_scheduled(pk, now):
    with transaction.atomic():
        revision = Revision.objects.select_for_update().filter(pk=pk, status=Revision.Status.SCHEDULED).first()
        if revision is None:
            return  # Another request applied it first.
        model = revision.content_type.model_class()
        live = model.objects.select_for_update().get(pk=revision.object_id)
        author, reason = _credit(revision, revision.reviewed_by) if revision.reviewed_by else (None, "")
        live, m2m = materialise(live, revision.data)
        _mark_approved(
            live,
            revision.reviewed_by,
            revision.review_note,
            revision.go_live_at if live.status != EditorialStatus.PUBLISHED else live.published_at,
            revision.expires_at,
            revision.reviewed_at or now,
            author=author,
            reason=reason,
        )
        _save_m2m(live, m2m)
        revision.status = Revision.Status.APPLIED
        revision.save(update_fields=["status", "updated_at"])
        # No one acted at this moment: the record names the reviewer who set the time.
        record(live, ReviewDecision.Action.WENT_LIVE, revision.reviewed_by, revision=revision, go_live_at=revision.go_live_at)


def _return_to_review(pk, error):
    revision = Revision.objects.filter(pk=pk, status=Revision.Status.SCHEDULED).first()
    if revision is None:
        return
    reason = f"Could not go live as scheduled ({type(error).__name__}: {error}). Please check and approve again."
    revision.status = Revision.Status.PENDING
    revision.go_live_at = None
    revision.review_note = f"{revision.review_note}\n\n{reason}".strip()
    revision.save(update_fields=["status", "go_live_at", "review_note", "updated_at"])


def is_deletable(obj):
    """Published content is unpublished, never deleted, so its history and
    the reviewer's sign-off stay on record."""
    return not obj.has_been_published

