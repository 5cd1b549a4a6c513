"""{% first_on_page "name" as show %}: true the first time a page asks, false after.

The price disclaimer is included by every block that shows a price (the cost
table, a price, a price history), and a page can have several: readers should
find it once, beside the first price, not repeated after every table."""

from django import template

register = template.Library()

_SEEN = "_first_on_page_seen"


@register.simple_tag(takes_context=True)
def first_on_page(context, name):
    # Kept on the request: an inclusion tag (the price history) renders with a
    # new context, but the same request. Without one (a template rendered
    # outside a view), the bottom layer of this context.
    holder = getattr(context, "request", None)
    if holder is not None:
        seen = getattr(holder, _SEEN, None)
        if seen is None:
            seen = set()
            setattr(holder, _SEEN, seen)
    else:
        seen = context.dicts[0].setdefault(_SEEN, set())
    if name in seen:
        return False
    seen.add(name)
    return True
