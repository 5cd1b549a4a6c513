"""Which stored pages a change to a price touches (core.cache's subjects):
a medicine's figure shows on its page and in its group's range, which the
pages of the group's other medicines show too."""

from core import watching
from therapies.models import Category
from therapies.page_cache import therapy_page_subjects
from prices.models import CostEstimate


def _estimate_subjects(estimate):
    if estimate.therapy_id:
        return therapy_page_subjects(estimate.therapy)
    return {watching.subject(Category, estimate.category_id)}


def connect():
    """Called once the app registry is ready (PricesConfig.ready). Countries,
    kinds and the rest are not narrowed: they show on many pages."""
    watching.watch_subjects(CostEstimate, _estimate_subjects)
    watching.watch_history(CostEstimate)
