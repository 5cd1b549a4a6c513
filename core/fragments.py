"""Parts of a page rendered once per content and kept (core.kept.remember):
on a page the page cache does not hold, rendering the same list of records
into the same HTML again was most of the work (the emerging and supportive
care pages' sections, a group's medicines; prices/cost_table.py keeps the
cost table the same way).

A kept fragment's key is a digest of every value it is made from: each
record's loaded fields (and those of the related records it shows, such as
the reviewer a credit names), today's date (a review falls due, a figure goes
stale by date), and the release and the settings pages show
(core.page_keys). A change to any of them is a new key, so a kept fragment
is never out of date; nothing has to empty it. With DEBUG on (`make run`) it
is rendered every time: runserver does not restart for a template edit, and
the release's fingerprint is read once per process.

Rendering a fragment may not query the database: a value the template loads
as it renders (a deferred field, a related record not fetched) is not in the
digest, and a change to it would not show. It raises FragmentQueried
instead, in tests and with DEBUG on as in production."""

import hashlib

from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from core.kept import remember
from core.page_keys import page_fingerprint

KEY = "fragment:{}:{}"


class FragmentQueried(RuntimeError):
    pass


def loaded_values(record, follow=()):
    """The record's model and the values of its loaded fields (a deferred
    field is not read by the fragment: loading it would cost a query), then
    those of each related record named in `follow` ("approved_by",
    "approved_by__staff_profile"): the same as the template reads, loaded
    with the record or, if not, now, and kept on it for the template."""
    if record is None:
        return None
    fields = record._meta.concrete_fields
    values = [record._meta.label, tuple((f.attname, record.__dict__[f.attname]) for f in fields if f.attname in record.__dict__)]
    for path in follow:
        related = record
        for name in path.split("__"):
            # A missing reverse one-to-one (a user without a staff profile)
            # raises a subclass of AttributeError: None, as the template shows.
            related = getattr(related, name, None) if related is not None else None
        values.append((path, loaded_values(related)))
    return tuple(values)


def kept_render(name, template, context, made_from):
    """render_to_string(template, context), kept under `name` and a digest of
    `made_from` (an iterable of every value the fragment shows, e.g.
    loaded_values() of each record, in the order shown) with today's date
    and the page fingerprint."""
    if settings.DEBUG:
        return _render(template, context)
    made_from = [page_fingerprint(), timezone.localdate(), template, *made_from]
    digest = hashlib.sha256(repr(made_from).encode()).hexdigest()
    return remember(KEY.format(name, digest), lambda: _render(template, context))


def _render(template, context):
    def refuse(execute, sql, params, many, query_context):
        raise FragmentQueried(
            f"{template} queried the database as it rendered ({sql[:120]}...): load what it shows "
            "before, and name it in what the fragment is made from, or a change to it would not show."
        )

    with connection.execute_wrapper(refuse):
        return render_to_string(template, context)
