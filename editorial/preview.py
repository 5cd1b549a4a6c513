"""The staff preview: /preview/<app_label>/<model_name>/<pk>/.

Editors and reviewers see a draft, or the pending revision of published
content, exactly as a reader would: the page is built by the same context
function and rendered with the same template as the public page, from the
record's working copy (workflow.working_copy applies the open revision in
memory; nothing is saved). A banner on top says it is a preview and what
state the content is in.

Who may look: active staff with view permission on the model. Anyone else who
is not staff is sent to the admin login and never gets the page; staff without
the permission get 403. The response is never cached or indexed.
"""

import functools
from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from editorial import workflow
from editorial.models import EditorialStatus, Revision


@dataclass(frozen=True)
class PreviewPage:
    model: type
    template: str
    build: object  # (working copy, m2m or None) -> template context


# Filled by each content app's AppConfig.ready() through register(): the
# engine knows how to preview a page without importing the app that owns it.
PAGES = {}


def register(model, template, build):
    """Let staff preview `model` with the public page's `template`, its context
    made by `build(working_copy, m2m)` exactly as the public view makes it."""
    PAGES[(model._meta.app_label, model._meta.model_name)] = PreviewPage(model, template, build)


def preview_url(obj):
    """The preview address of an article, therapy or category (for the admin)."""
    return reverse("preview", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


@dataclass
class PreviewState:
    """What the banner tells the editor about the version on screen."""

    status: str
    hidden_from_readers: bool
    revision: Revision | None = None
    notes: list = field(default_factory=list)
    public_url: str = ""
    admin_url: str = ""


def _when(moment):
    return date_format(timezone.localtime(moment), "j F Y \\a\\t H:i")


def preview_state(live, copy, revision):
    """`live` is the saved record, `copy` the version shown (its working copy)."""
    now = timezone.now()
    notes = []
    if live.status == EditorialStatus.PUBLISHED:
        if live.published_at and live.published_at > now:
            status = f"Approved: goes live on {_when(live.published_at)}"
        elif live.expires_at and live.expires_at <= now:
            status = f"Published, but hidden from readers since {_when(live.expires_at)}"
        else:
            status = "Published"
    else:
        status = live.get_status_display()
        if live.status == EditorialStatus.IN_REVIEW:
            status += ": waiting for a medical reviewer"
    notes.extend(copy.preview_notes())
    hidden = revision is not None or not live.is_live or bool(notes)
    try:
        admin_url = reverse(f"admin:{live._meta.app_label}_{live._meta.model_name}_change", args=[live.pk])
    except NoReverseMatch:
        admin_url = ""
    return PreviewState(
        status=status,
        hidden_from_readers=hidden,
        revision=revision,
        notes=notes,
        public_url=live.get_absolute_url() if live.is_live and not notes else "",
        admin_url=admin_url,
    )


def _credit_as_readers_will_see_it(copy, live, revision):
    """The reviewer credit on screen must be for the version on screen: a
    scheduled revision carries its reviewer's sign-off (it is what readers will
    see when it goes live); pending changes, drafts and content in review have
    no sign-off yet; published or unpublished content keeps its own."""
    if revision is not None and revision.status == Revision.Status.SCHEDULED:
        copy.approved_by = revision.reviewed_by
        copy.approved_at = revision.reviewed_at
        if revision.reviewed_at:
            copy.last_reviewed = timezone.localdate(revision.reviewed_at)
    elif revision is not None or live.status in (EditorialStatus.DRAFT, EditorialStatus.IN_REVIEW):
        copy.approved_by = None
        copy.approved_at = None


def private_page(view):
    """Staff-only pages: never cached by a shared cache, never indexed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


@private_page
def preview(request, app_label, model_name, pk):
    user = request.user
    if not (user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path())  # settings.LOGIN_URL: the admin login
    page = PAGES.get((app_label, model_name))
    if page is None:
        raise Http404("Nothing of that kind can be previewed.")
    if not user.has_perm(f"{app_label}.view_{model_name}"):
        raise PermissionDenied("You do not have permission to view this.")
    # Same as every public page, so the preview never shows a state readers have left behind.
    workflow.publish_due_revisions()
    live = get_object_or_404(page.model, pk=pk)
    copy, m2m, revision = workflow.working_copy(live)
    if revision is None:
        # working_copy returns the record itself; keep `live` untouched for the banner.
        copy = page.model.objects.get(pk=live.pk)
    _credit_as_readers_will_see_it(copy, live, revision)
    context = page.build(copy, m2m)
    context["preview"] = preview_state(live, copy, revision)
    return render(request, page.template, context)
