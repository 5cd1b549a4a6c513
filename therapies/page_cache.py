"""Which stored pages a change to the catalogue touches (core.cache's
subjects), so approving one medicine does not empty every page."""

from core import watching
from therapies.models import Category, Therapy, TherapyForm


def therapy_page_subjects(therapy):
    """What a therapy's page shows besides what every page shows: the
    therapy itself (its forms, sources, prices, the articles that mention
    it), and its group, whose price range is made from every medicine in it."""
    return {watching.subject(Therapy, therapy.pk), watching.subject(Category, therapy.category_id)}


def _form_subjects(form):
    return therapy_page_subjects(form.therapy)


def connect():
    """Called once the app registry is ready (TherapiesConfig.ready). Groups
    are not narrowed: their names and whether they are published show on
    many pages, so a change to one empties every page."""
    watching.watch_subjects(Therapy, therapy_page_subjects)
    watching.watch_subjects(TherapyForm, _form_subjects)
    for model in (Therapy, TherapyForm):
        watching.watch_history(model)
