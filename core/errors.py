"""Error pages that know which side of the site they are on.

The project's templates/403.html is the public site's page, 400.html the
page for a request the site cannot read, and 403_csrf.html the one for a
form whose security check failed (csrf_failure, the CSRF_FAILURE_VIEW). Staff refused
something inside the admin stay in the admin: same header, same navigation,
and a way back to what they were doing.

When the database is down, locked or too slow, every page answers 503 (not
500) with Retry-After, and an editor whose save failed is told so and shown
what they sent (server_error, the project's handler500)."""

import logging
import re
import sqlite3
import sys

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import utils as db_utils
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.views import defaults

try:
    import psycopg2
except ImportError:  # PostgreSQL is optional; SQLite needs no driver.
    psycopg2 = None


def permission_denied(request, exception):
    if request.path.startswith(reverse("admin:index")):
        context = {
            **admin.site.each_context(request),
            "title": "You can't do this",
            "reason": str(exception or ""),
        }
        return render(request, "admin/403.html", context, status=403)
    return defaults.permission_denied(request, exception)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form whose security check failed gets the site's
    own page (templates/403_csrf.html), not Django's bare one. It touches no
    database. An editor's text sent to the admin is shown back, as the 503
    page does, so a session that expired mid-edit loses nothing."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    unsaved = []
    if request.path.startswith(reverse("admin:index")) and not is_sign_in(request):
        unsaved = submitted_fields(request)
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE, "unsaved": unsaved}
    response = HttpResponse(render_to_string("403_csrf.html", context, request=request), status=403)
    # An editor's text echoed back: neither a proxy nor the browser keeps it.
    response["Cache-Control"] = "no-store"
    return response


# --- The database is down, locked or too slow: 503, not 500 ----------------------------

logger = logging.getLogger("msinfo.database")

# Errors that mean "the database is not there or did not answer in time", as
# Django raises them (it wraps the driver's) and as a driver raises them where
# Django does not wrap. An IntegrityError or a ProgrammingError is a bug, not an
# outage, and stays a 500.
_UNAVAILABLE = [db_utils.OperationalError, db_utils.InterfaceError, sqlite3.OperationalError, sqlite3.InterfaceError]
if psycopg2 is not None:
    _UNAVAILABLE += [psycopg2.OperationalError, psycopg2.InterfaceError]
DATABASE_UNAVAILABLE_ERRORS = tuple(_UNAVAILABLE)

# Submitted fields never shown back: secrets, and the form machinery.
NEVER_SHOWN = ("password", "otp", "token", "secret")
FORMSET_MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
# The sign-in steps (password, then the second factor or setting it up): a
# failure there is "not signed in yet", not an unsaved change.
SIGN_IN_VIEWS = {"admin:login", "accounts:login", "accounts:verify", "accounts:enrol"}
INLINE_FIELD = re.compile(r"^(?P<prefix>.+)-(?P<row>[0-9]+)-(?P<field>[^-]+)$")


def is_database_unavailable(error):
    """True if `error`, or the error it was raised from or while handling, says
    the database is down, locked past its busy timeout, or timed out."""
    for _ in range(5):
        if error is None:
            return False
        if isinstance(error, DATABASE_UNAVAILABLE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name="500.html"):
    """handler500. Django calls it from inside its `except` block, at whichever
    layer the exception surfaced (a view, or a middleware such as sessions or
    authentication), so sys.exc_info() is the error being answered."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable(request, error)
    return defaults.server_error(request, template_name)


def database_unavailable(request, error):
    """The branded 503 page. It must not touch the database itself, and is
    rendered with a plain fallback should the template fail anyway."""
    retry_after = settings.DB_UNAVAILABLE_RETRY_AFTER
    logger.error(
        "Database unavailable: answered 503 to %s %s (%s)",
        request.method,
        request.path,
        error,
        exc_info=(type(error), error, error.__traceback__),
    )
    session = getattr(request, "session", None)
    if session is not None:
        # SessionMiddleware would try to save it on the way out, to the
        # database that just failed: a second error, logged again.
        session.modified = False
    context = {"retry_after_minutes": max(1, round(retry_after / 60)), "unsaved": None, "sign_in": False}
    if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
        context["sign_in"] = is_sign_in(request)
        context["unsaved"] = [] if context["sign_in"] else submitted_fields(request)
    try:
        page = render_to_string("503.html", context, request=request)
    except Exception:
        logger.exception("The 503 page could not be rendered; sent the plain one")
        page = plain_unavailable_page(context)
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(retry_after)
    # Neither the page cache, the proxy nor the browser may keep a page about
    # an outage, nor an editor's text echoed back.
    response["Cache-Control"] = "no-store"
    # Logged above with the method and the cause; Django would log it again.
    response._has_been_logged = True
    return response


def _resolve(request):
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def is_sign_in(request):
    match = _resolve(request)
    return bool(match and match.view_name in SIGN_IN_VIEWS)


def submitted_fields(request):
    """What an editor sent, as [{"label", "value", "rows"}], so a save that
    failed loses nothing: secrets, empty fields, buttons and the formsets'
    bookkeeping left out. Uploaded files are named, not echoed."""
    try:
        data, files = request.POST, request.FILES
    except Exception:  # An unreadable body: nothing to show back.
        return []
    labels = FieldLabels(_resolve(request))
    fields = []
    for name in data:
        if _never_shown(name):
            continue
        value = "\n".join(item for item in data.getlist(name) if item.strip())
        if value:
            fields.append({"label": labels.label(name), "value": value, "rows": min(12, value.count("\n") + 1)})
    for name in files:
        if not _never_shown(name):
            names = ", ".join(upload.name for upload in files.getlist(name))
            fields.append({"label": labels.label(name), "value": f"{names} (a file: choose it again)", "rows": 1})
    return fields


def _never_shown(name):
    lowered = name.lower()
    return (
        name.startswith("_")
        or name.endswith(FORMSET_MANAGEMENT)
        or any(word in lowered for word in NEVER_SHOWN)
    )


class FieldLabels:
    """Field names to the labels an editor saw, from the admin page's model and
    its inlines (model metadata only: no database)."""

    def __init__(self, match):
        model_admin = getattr(match.func, "model_admin", None) if match else None
        self.model = model_admin.model if model_admin else None
        self.inline_models = [inline.model for inline in getattr(model_admin, "inlines", ())]

    def label(self, name):
        inline = INLINE_FIELD.match(name)
        if inline:
            for model in self.inline_models:
                if model._meta.model_name in inline["prefix"] or inline["prefix"] in _accessor_names(model, self.model):
                    row = int(inline["row"]) + 1
                    return f"{capfirst(model._meta.verbose_name)} {row}: {_field_label(model, inline['field'])}"
            return name
        return _field_label(self.model, name)


def _accessor_names(model, parent):
    names = set()
    for field in model._meta.get_fields():
        # A generic relation (a therapy's references) has no reverse accessor name.
        accessor = getattr(field.remote_field, "get_accessor_name", None)
        if getattr(field, "many_to_one", False) and field.related_model is parent and accessor:
            names.add(accessor(model=False).replace("+", ""))
    return names


def _field_label(model, name):
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return capfirst(name.replace("_", " "))


def plain_unavailable_page(context):
    """The 503 page's message, and an editor's text, without any template."""
    unsaved = context["unsaved"] is not None and not context["sign_in"]
    heading = "Your change was NOT saved" if unsaved else "Sorry, the site is not available just now"
    advice = (
        "Your browser's Back button returns you to the form with your text still in it. "
        "Here is what you sent:"
        if unsaved
        else "Please try again in a few minutes."
    )
    fields = format_html_join("", "<h2>{}</h2><pre>{}</pre>", ((f["label"], f["value"]) for f in context["unsaved"] or ()))
    return format_html(
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{} | MS treatment explained</title>'
        "</head><body><h1>{}</h1><p>The site's database is not answering. {}</p>{}</body></html>",
        heading,
        heading,
        advice,
        fields,
    )
