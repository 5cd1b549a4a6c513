"""What other apps add to the catalogue's pages.

A therapy's page, a group's page, the chooser and the comparison show more
than the catalogue holds: prices, the articles that mention a medicine. The
catalogue names none of the apps that hold those (they depend on it, not it
on them). Instead each such app registers, from its AppConfig.ready(), a
function that adds to a page's context, and the catalogue's context builders
run them. The staff preview builds its page through the same builders, so it
shows the same additions."""

PAGES = ("therapy", "category", "chooser", "comparison")

_additions = {page: [] for page in PAGES}


def adds_to(page):
    """Register `function(context, query)` to add to `page`'s context (in
    place). `query` is the page address's parameters (request.GET; None in a
    staff preview), for what a reader chooses there, such as the country
    whose prices a page shows."""
    if page not in _additions:
        raise ValueError(f"The catalogue has no page called {page!r}: choose one of {', '.join(PAGES)}.")

    def register(function):
        if function not in _additions[page]:
            _additions[page].append(function)
        return function

    return register


def extended(page, context, query=None):
    """`context` with every registered addition for `page` made to it."""
    for add in _additions[page]:
        add(context, query)
    return context
