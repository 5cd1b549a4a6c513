"""Which changes to the database empty which stored pages (core.cache).

The apps that hold what readers see name their models here, from their
AppConfig.ready(): `watch()` for a model any change to which may show on any
page, `watch_subjects()` for one whose change shows only on the pages of
certain subjects (a therapy's change on its own page, its group's and the
articles that mention it). A page says which subjects it shows with
core.cache.page_depends_on. The cache itself names no app."""

from django.db.models import signals

from core.cache import content_changed, subjects_changed

# model -> functions naming the subjects a change to one of its records touches.
_subject_finders = {}


def subject(model, pk):
    """The name of one record as a page's subject: "therapies.therapy:12"."""
    return f"{model._meta.concrete_model._meta.label_lower}:{pk}"


def subjects_of(record):
    """The subjects a change to `record` touches, or None if it may touch
    any page (its model is not narrowed, or a finder cannot tell)."""
    finders = _subject_finders.get(type(record)._meta.concrete_model)
    if not finders:
        return None
    found = set()
    for finder in finders:
        subjects = finder(record)
        if subjects is None:
            return None
        found.update(subjects)
    return found


def _remember_subjects_before(sender, instance, raw=False, using=None, **kwargs):
    # A change can take a record away from a subject (a therapy moving to
    # another group): the pages of the subjects it had are touched too.
    if raw or instance._state.adding or instance.pk is None:
        return
    stored = sender._default_manager.using(using).filter(pk=instance.pk).first()
    instance._page_cache_subjects_before = subjects_of(stored) if stored is not None else set()


def _model_saved(sender, instance, using=None, **kwargs):
    subjects = subjects_of(instance)
    before = instance.__dict__.pop("_page_cache_subjects_before", set())
    if subjects is None or before is None:
        content_changed(using)
    else:
        subjects_changed(subjects | before, using)


def _model_deleted(sender, using=None, **kwargs):
    # What pointed at a deleted record is gone by now; every page is safer.
    content_changed(using)


def _relation_changed(sender, instance, action, model, pk_set=None, using=None, **kwargs):
    """A link added or removed shows on the pages of both its ends: what the
    record whose relation changed touches, and each record linked or
    unlinked as a subject itself (not all that it touches: linking an
    article to ninety medicines would otherwise ask after each of them)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    narrowed = pk_set is not None and model._meta.concrete_model in _subject_finders
    subjects = subjects_of(instance) if narrowed else None
    if subjects is None:
        content_changed(using)
    else:
        subjects_changed(subjects | {subject(model, pk) for pk in pk_set}, using)


def watch(*models):
    """Readers may see these models: a save, a delete or a change of their
    many-to-many relations empties the cache on commit (only the pages of
    the subjects it touches, for a model narrowed with `watch_subjects`;
    every page, for a delete). Each model is
    connected by name rather than listening to every model's signals: a
    delete signal with listeners stops Django's fast bulk deletes, which
    session clean-up and the lockout tables rely on."""
    for model in models:
        signals.post_save.connect(_model_saved, sender=model, dispatch_uid="page_cache_saved")
        signals.post_delete.connect(_model_deleted, sender=model, dispatch_uid="page_cache_deleted")
        signals.m2m_changed.connect(_relation_changed, sender=model, dispatch_uid="page_cache_relation")


def watch_subjects(model, finder):
    """A saved `model` record (or a change of its many-to-many relations)
    touches only the subjects `finder(record)` names, as it is stored after
    the change and as it was before; a finder that returns None means any
    page. Several apps may add finders for one model (a therapy's articles
    are the articles app's to name). Deletes still empty every page."""
    model = model._meta.concrete_model
    watch(model)
    _subject_finders.setdefault(model, [])
    if finder not in _subject_finders[model]:
        _subject_finders[model].append(finder)
    signals.pre_save.connect(_remember_subjects_before, sender=model, dispatch_uid="page_cache_before")


def _history_row_subjects(row):
    return subjects_of(row.instance)


def watch_history(model):
    """The history rows of `model` (django-simple-history's, written with
    each save) touch what the record they copy touches."""
    watch_subjects(model.history.model, _history_row_subjects)
