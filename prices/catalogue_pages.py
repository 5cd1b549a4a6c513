"""What the catalogue's pages show of prices (registered with
therapies.extensions by prices.apps). Each addition is a fixed number of
queries, whatever the number of medicines or the length of their history."""

from prices.queries import attach_current_estimates, attach_own_estimates, price_history, therapy_cost
from therapies.extensions import adds_to


@adds_to("therapy")
def therapy_page_cost(context):
    context["cost"] = therapy_cost(context["therapy"])


@adds_to("category")
def group_page_price_history(context):
    category = context["category"]
    category.price_history = price_history(category)
    category.current_estimate = category.price_history.current


@adds_to("chooser")
def chooser_prices(context):
    chooser = context["chooser"]
    attach_current_estimates(chooser.every_group)
    attach_own_estimates(chooser.everything)


@adds_to("comparison")
def comparison_prices(context):
    therapies = context["comparison"].therapies
    attach_own_estimates(therapies)
    # Each therapy has its own copy of its group (select_related): price every copy.
    attach_current_estimates([therapy.category for therapy in therapies])
    # The first column with a price carries the price disclaimer, once.
    context["first_priced_slug"] = next(
        (therapy.slug for therapy in therapies if therapy.own_estimates or therapy.category.current_estimate), None
    )
