"""What every public page does before it reads any content.

Scheduling needs no cron job: a reviewer can approve a change to go live at a
later time (a scheduled Revision), and the first public request after that
time applies it, so no reader ever sees the old version after the go-live
time. This runs once per request, here and nowhere else: every public view
(and the staff preview) is wrapped in `public_page`.

Why a decorator and not a middleware: only the views that show content need
it, so the admin, static files and unknown addresses never pay the query, and
a new public view opts in visibly. When nothing is due it costs one cached
value read: the first go-live time, read from the table once after each
change (workflow.publish_due_revisions).

Also here: the shared answer to an address that matches no live record, which
may be an old address of a renamed record (SlugRedirect).
"""

import functools

from django.http import Http404, HttpResponsePermanentRedirect

from editorial import workflow
from editorial.models import SlugRedirect


def public_page(view):
    """Apply revisions whose go-live time has come, then run `view`."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        workflow.publish_due_revisions()
        return view(request, *args, **kwargs)

    return wrapper


def redirect_renamed(request, model, slug, live_queryset):
    """A 301 to the current address of the record that used to live at `slug`,
    if readers may see it (it is in `live_queryset`); otherwise 404. The query
    string goes along (a page number, a filter, a campaign tag in a link).

    Only called once the normal lookup has failed, so a page found at its
    current address never pays for it."""
    target = SlugRedirect.target_for(model, slug)
    if target is None or not live_queryset.filter(pk=target.pk).exists():
        raise Http404(f"No {model._meta.verbose_name} is published at {slug!r}.")
    return permanent_redirect_keeping_query(request, target.get_absolute_url())


def permanent_redirect_keeping_query(request, url):
    """A 301 to `url` with the request's query string (a page number, a
    filter, a campaign tag in a link)."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
