"""What the editorial engine tells the page cache (core.cache): which models
readers may see, so a change to them empties it, and what time alone will
change (content going live or expiring, revisions scheduled to go live).

Readers see every model of the engine and of each app that holds reviewed
content, except the review log and models that declare
`readers_never_see = True` (readers' problem reports: a reader sending one
must not empty the cache for everyone). They also see reviewers' names
("Reviewed by" falls back to the account's full name, then its user name)."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, signals

from core import cache, watching
from editorial.models import EditorialStatus, Reference, ReviewDecision, Revision, reviewed_models

# Fields of a user account that readers can see, through reviewer credits.
READER_VISIBLE_USER_FIELDS = frozenset({"username", "first_name", "last_name"})


def reader_visible_models():
    labels = {"editorial"} | {model._meta.app_label for model in reviewed_models()}
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels
        and model is not ReviewDecision
        and not getattr(model, "readers_never_see", False)
    ]


def scheduled_moments(now):
    """Content published to go live later, live content that expires, and
    approved revisions waiting for their go-live time (one already due
    counts too: it changes the page as soon as a public request applies it)."""
    moments = []
    for model in reviewed_models():
        published = model._default_manager.filter(status=EditorialStatus.PUBLISHED)
        moments.append(published.filter(published_at__gt=now).annotate(moment=F("published_at")))
        moments.append(published.filter(expires_at__gt=now).annotate(moment=F("expires_at")))
    moments.append(Revision.objects.filter(status=Revision.Status.SCHEDULED).annotate(moment=F("go_live_at")))
    return moments


def _user_saved(sender, created, update_fields, using=None, **kwargs):
    # A login saves last_login and a password change the password: neither
    # is on any page, and logins must not empty the cache.
    if created or (update_fields is not None and not READER_VISIBLE_USER_FIELDS & set(update_fields)):
        return
    cache.content_changed(using)


def _user_deleted(sender, using=None, **kwargs):
    cache.content_changed(using)


def _content_object_subjects(record):
    """A revision or a source belongs to one page's record: it touches what
    that record touches, if its app has said (core.watching.watch_subjects),
    and every page otherwise."""
    model = ContentType.objects.get_for_id(record.content_type_id).model_class()
    owner = model._default_manager.filter(pk=record.object_id).first() if model is not None else None
    return watching.subjects_of(owner) if owner is not None else None


def connect():
    """Called once the app registry is ready (EditorialConfig.ready)."""
    watching.watch(*reader_visible_models())
    for model in (Revision, Reference, Reference.history.model):
        watching.watch_subjects(model, _content_object_subjects)
    cache.add_schedule(scheduled_moments)
    user_model = get_user_model()
    signals.post_save.connect(_user_saved, sender=user_model, dispatch_uid="page_cache_user_saved")
    signals.post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="page_cache_user_deleted")
