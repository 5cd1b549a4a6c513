"""What the catalogue's pages show of prices (registered with
therapies.extensions by prices.apps), in the country the address names.
Each addition is a fixed number of queries, whatever the number of
medicines or the length of their history."""

from prices.countries import country_for
from prices.queries import attach_group_ranges, attach_own_estimates, group_ranges, price_history, therapy_cost
from therapies.extensions import adds_to


@adds_to("therapy")
def therapy_page_cost(context, query):
    context["prices"] = view = country_for(query)
    context["cost"] = therapy_cost(context["therapy"], view)


@adds_to("category")
def group_page_prices(context, query):
    context["prices"] = view = country_for(query)
    category = context["category"]
    attach_own_estimates(category.published_therapies, view)
    attach_group_ranges([category], view)
    # The group's own estimates are the ranges published before its
    # medicines' figures were recorded: dated history, never the current range.
    category.price_history = price_history(category, view, chart=False)  # listed, never charted


@adds_to("chooser")
def chooser_prices(context, query):
    context["prices"] = view = country_for(query)
    chooser = context["chooser"]
    attach_own_estimates(chooser.everything, view)
    # From every medicine of the group, not only those the filters leave shown.
    figures = {}
    for therapy in chooser.everything:
        figures.setdefault(therapy.category_id, []).extend(therapy.own_estimates)
    for group in chooser.every_group:
        group.group_ranges = group_ranges(figures.get(group.pk, []), view)


@adds_to("comparison")
def comparison_prices(context, query):
    context["prices"] = view = country_for(query)
    therapies = context["comparison"].therapies
    attach_own_estimates(therapies, view)
    # One row per kind of figure any of them has: figures of different kinds
    # are never set side by side as if they were one comparison.
    context["cost_rows"] = [
        (kind, [(therapy, [figure for figure in therapy.own_estimates if figure.kind_id == kind.pk]) for therapy in therapies])
        for kind in view.kinds
        if any(figure.kind_id == kind.pk for therapy in therapies for figure in therapy.own_estimates)
    ]
