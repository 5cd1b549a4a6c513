"""A group's page lists what the group holds (its medicines and procedures,
or a supportive section's treatments), each as a card with its own current
figures: rendered once per content and kept (core.fragments). The cards were
the largest part of a group page the page cache did not hold, and they are
the same HTML until something they show changes.

The key is a digest of every value the lists show: the group's loaded
fields, each listed therapy's and each of its own figures' (prices attach
them as `.own_estimates`, with the kind of figure each is, whose label is
shown too); core.fragments adds today's date (a figure goes stale by date)
and the release and settings."""

from core.fragments import kept_render, loaded_values

TEMPLATE = "therapies/includes/category_therapies.html"


def _made_from(category, therapies):
    yield loaded_values(category)
    for therapy in therapies:
        yield loaded_values(therapy)
        for figure in getattr(therapy, "own_estimates", ()):
            yield loaded_values(figure, follow=("kind",))


def therapy_lists(category, medicines, procedures):
    """The lists' HTML for `category` (from queries.published_category() or
    prepare_category(), with what other apps attach: therapies.extensions)."""
    context = {"category": category, "medicines": medicines, "procedures": procedures}
    return kept_render("group-lists", TEMPLATE, context, _made_from(category, [*medicines, *procedures]))
