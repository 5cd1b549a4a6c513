"""Two people edited the same page: what each of them changed, and how their
versions combine.

A change form carries the content it was opened with (`base`), signed so it
cannot be altered on the way. When the save is refused because someone else
saved first (`theirs`), comparing both with what the editor typed (`mine`)
says who changed which field, and `merge` combines them.
"""

import json
from dataclasses import dataclass, field

from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder

SNAPSHOT_SALT = "editorial.merging.base-snapshot"
THEIRS, MINE = "theirs", "mine"


def normalise(data):
    """Content as it survives JSON (dates as text, many-to-many as sorted pk
    lists), so values read from the form, the database and a signed token compare equal."""
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return {name: sorted(value) if isinstance(value, list) else value for name, value in data.items()}


def _identity(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def sign_snapshot(obj, version, data):
    """A tamper-proof token of `obj`'s content at edit version `version`."""
    payload = {"of": _identity(obj), "v": version, "data": normalise(data)}
    return signing.dumps(payload, salt=SNAPSHOT_SALT, compress=True)


def read_snapshot(token, obj, version):
    """The content a token holds, if it is genuine and belongs to `obj` at
    `version`; otherwise None (nothing is known about the opened version)."""
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("of") != _identity(obj) or payload.get("v") != version:
        return None
    data = payload.get("data")
    return data if isinstance(data, dict) else None


@dataclass
class Merge:
    data: dict  # the merged content
    theirs_changed: list = field(default_factory=list)  # fields they changed since `base`
    mine_changed: list = field(default_factory=list)  # fields I changed since `base`
    conflicts: list = field(default_factory=list)  # fields we both changed, to different values


def merge(base, theirs, mine, choices=None):
    """Three-way merge of one record's content, field by field.

    A field only I changed takes my value, a field only they changed keeps
    theirs; a field we both changed to different values is a conflict and
    takes theirs unless `choices` ({field: "mine"}) says otherwise. With no
    `base` (the opened version is unknown), every field where the two differ
    counts as changed by both: their version is never dropped unasked."""
    choices = choices or {}
    result = Merge(data={})
    for name, their_value in theirs.items():
        my_value = mine.get(name, their_value)
        if base is None or name not in base:
            they_changed = i_changed = my_value != their_value
        else:
            they_changed, i_changed = base[name] != their_value, base[name] != my_value
        if they_changed:
            result.theirs_changed.append(name)
        if i_changed:
            result.mine_changed.append(name)
        if they_changed and i_changed and my_value != their_value:
            result.conflicts.append(name)
            result.data[name] = my_value if choices.get(name) == MINE else their_value
        elif i_changed:
            result.data[name] = my_value
        else:
            result.data[name] = their_value
    return result
