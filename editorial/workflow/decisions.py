"""The record of decisions: every review step, kept for good with the
person's name, and what the latest decision on an item says about it."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import JSONField, OuterRef, Subquery

from editorial.models import ReviewDecision, person_name
from editorial.workflow.errors import WorkflowError


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


def credit_for_approval(revision, reviewer):
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
