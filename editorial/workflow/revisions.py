"""What a revision holds: the content an editor writes, as data, and the
version of a record an editor works on."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from editorial import diffing
from editorial.models import Revision
from editorial.workflow.decisions import latest_send_back


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


def as_stored(data):
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
