"""The queries behind the public pages.

Each function returns everything one page (or one block of a page) needs in a
fixed number of SQL queries, whatever the number of rows: related rows come
through prefetch_related with explicit querysets, and the current estimate is
derived in Python from the prefetched history (newest first) instead of being
asked for row by row. Only published content ever leaves this module, except through the
`prepare_*` functions: they attach the same related rows to a record an
editor previews (which need not be live), so the preview page is built exactly
like the public one.

Pages that show review dates and reviewer credit select `approved_by` and its
staff profile (the reviewer's display name and credentials) in the same query
as the record, so the credit costs no query of its own.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404

from editorial.models import Reference, live_q
from therapies.models import Category, CostEstimate, Therapy, current_estimate


def published_therapies():
    """Therapies readers may see: live themselves and in a live category."""
    return Therapy.objects.live().filter(live_q("category__")).order_by("generic_name")


def _estimates(lookup="cost_estimates"):
    """The whole price history of `lookup`'s rows, newest first, as `.estimate_list`."""
    return Prefetch(lookup, queryset=CostEstimate.objects.active().newest_first(), to_attr="estimate_list")


def _therapies(queryset=None):
    if queryset is None:
        queryset = published_therapies()
    return Prefetch("therapies", queryset=queryset, to_attr="published_therapies")


def _references():
    """The sources a page cites, in the editors' order, as `.reference_list`."""
    return Prefetch("references", queryset=Reference.objects.order_by("position", "id"), to_attr="reference_list")


def _with_current_estimate(categories):
    for category in categories:
        category.current_estimate = current_estimate(category.estimate_list)
    return categories


def dmt_categories(route=None):
    """Published disease-modifying therapy categories in the editors' order, each
    with `.published_therapies` (only those given by `route`, if one is given),
    `.estimate_list` (newest first) and `.current_estimate`. Three queries."""
    therapies = published_therapies()
    if route:
        therapies = therapies.filter(route=route)
    categories = (
        Category.objects.published()
        .filter(kind=Category.Kind.DISEASE_MODIFYING)
        .order_by("display_order", "name")
        .prefetch_related(_therapies(therapies), _estimates())
    )
    categories = _with_current_estimate(list(categories))
    if route:
        categories = [category for category in categories if category.published_therapies]
    return categories


def dmt_route_choices():
    """(value, label) for each way of giving a medicine that at least one
    published DMT uses, in the order the model lists them. One query."""
    present = set(
        published_therapies()
        .filter(category__kind=Category.Kind.DISEASE_MODIFYING)
        .order_by()
        .values_list("route", flat=True)
        .distinct()
    )
    return [(value, label) for value, label in Therapy.Route.choices if value in present]


def sections(kind):
    """Published categories of one kind (emerging or supportive) in the editors'
    order, each with `.published_therapies`. Two queries."""
    return list(
        Category.objects.published()
        .filter(kind=kind)
        .select_related("approved_by__staff_profile")
        .order_by("display_order", "name")
        .prefetch_related(_therapies())
    )


def _category_prefetches(therapies=None):
    return [_therapies(therapies), _estimates()]


def published_category(slug):
    """One published category (with its approver) with its therapies and price
    history, or 404. Three queries."""
    queryset = (
        Category.objects.published()
        .select_related("approved_by__staff_profile")
        .prefetch_related(*_category_prefetches())
    )
    category = get_object_or_404(queryset, slug=slug)
    return _with_current_estimate([category])[0]


def prepare_category(category):
    """What published_category() attaches, for a category already in memory
    (an editor's working copy). The category itself need not be live, so its
    therapies are those that will show once it is: the live ones."""
    live_therapies = Therapy.objects.live().order_by("generic_name")
    prefetch_related_objects([category], *_category_prefetches(live_therapies))
    return _with_current_estimate([category])[0]


@dataclass
class TherapyCost:
    """What a therapy page says about cost: the therapy's own current estimate
    when it has one, otherwise its group's, clearly labelled as the group's."""

    current: CostEstimate | None
    history: list = field(default_factory=list)
    is_group_estimate: bool = False


def therapy_cost(therapy):
    own = current_estimate(therapy.estimate_list)
    if own is not None:
        return TherapyCost(current=own, history=therapy.estimate_list)
    group = current_estimate(therapy.category.estimate_list)
    return TherapyCost(current=group, history=therapy.category.estimate_list, is_group_estimate=group is not None)


def _therapy_prefetches():
    from articles.models import Article  # articles.models imports therapies.models

    return [
        _estimates(),
        _estimates("category__cost_estimates"),
        Prefetch(
            "articles",
            queryset=Article.objects.published().order_by("-published_at", "-id"),
            to_attr="published_articles",
        ),
        _references(),
    ]


def published_therapy(slug):
    """One published therapy in a published category (with its approver), with
    both price histories (its own and its category's), the articles readers may
    see that mention it and the sources it cites; or 404. Five queries."""
    queryset = (
        published_therapies()
        .select_related("category", "approved_by__staff_profile")
        .prefetch_related(*_therapy_prefetches())
    )
    return get_object_or_404(queryset, slug=slug)


def prepare_therapy(therapy):
    """What published_therapy() attaches, for a therapy already in memory (an
    editor's working copy, whose category may differ from the saved one)."""
    prefetch_related_objects([therapy], "category", *_therapy_prefetches())
    return therapy
