"""How the site shows money and price histories.

One format for every amount: "US$60,000 to US$80,000 a year"."""

import math
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.http import QueryDict
from django.template.loader import get_template
from django.utils.dateformat import format as format_date

register = template.Library()

CURRENCY_PREFIXES = {"USD": "US$", "GBP": "£", "EUR": "€", "CAD": "CA$", "AUD": "A$"}
DATE_FORMAT = "j F Y"  # 15 January 2026: the same in every template


@register.filter
def money(amount, currency="USD"):
    """US$60,000; whole units, because these are yearly estimates."""
    if amount in (None, ""):
        return ""
    whole = Decimal(amount).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    prefix = CURRENCY_PREFIXES.get(currency)
    return f"{prefix}{whole:,}" if prefix else f"{currency} {whole:,}"


@register.filter
def unit_money(amount, currency="USD"):
    """US$60.97: a price per unit keeps its pence and cents (US$30,936.15)."""
    if amount in (None, ""):
        return ""
    exact = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if exact == exact.to_integral_value():
        exact = exact.quantize(Decimal("1"))  # £4,790, not £4,790.00
    prefix = CURRENCY_PREFIXES.get(currency)
    return f"{prefix}{exact:,}" if prefix else f"{currency} {exact:,}"


# Units counted as an amount, not as things: "1,200 mg", not "1,200 mgs".
MEASURES = {"mg", "g", "mcg", "µg", "ml", "mL", "l", "unit", "units", "iu", "IU"}


def units_text(count, unit):
    """1,200 mg (an amount), or 4 (so many of the unit: vials, pens)."""
    shown = f"{Decimal(count).normalize():,f}"
    return f"{shown} {unit}" if unit in MEASURES else shown


@register.filter
def unit_arithmetic(estimate):
    """US$60.97 per mg × 1,200 mg a year, or £4,790 per 300 mg vial × 4 a
    year: how a year's figure comes from a price per unit. Empty when the
    figure was given for a year."""
    if getattr(estimate, "unit_price", None) is None:
        return ""
    unit_price = unit_money(estimate.unit_price, estimate.currency)
    return f"{unit_price} per {estimate.unit} × {units_text(estimate.units_per_year, estimate.unit)} a year"


@register.simple_tag(takes_context=True)
def price_kind(context, kind):
    """The label of a kind of figure (includes/price_kind.html), rendered once
    per kind in a page: a cost table shows the same few kinds beside dozens
    of figures, and an include costs about as much again as what it renders."""
    labels = context.render_context.dicts[0].setdefault("price_kind_labels", {})
    if kind.pk not in labels:
        labels[kind.pk] = get_template("includes/price_kind.html").render({"kind": kind})
    return labels[kind.pk]


@register.filter
def as_of_text(estimate):
    """The as-of date as precisely as the source gives it (CostEstimate.as_of_text)."""
    return getattr(estimate, "as_of_text", None) or format_date(estimate.as_of, DATE_FORMAT)


@register.filter
def cost_range(estimate):
    """US$60,000 to US$80,000 a year (or US$60,000 a year when low equals high)."""
    if estimate is None:
        return ""
    low = money(estimate.low, estimate.currency)
    high = money(estimate.high, estimate.currency)
    if low == high:
        return f"{low} a year"
    return f"{low} to {high} a year"


# --- Price history chart -----------------------------------------------------------------

WIDTH, HEIGHT = 480, 240
MARKED_POINTS = 24  # more points than this get no marker each (see price_chart)
LEFT, RIGHT, TOP, BOTTOM = 116, 16, 16, 44


def _nice_ceiling(value):
    """A round number a little above value, for the top of the scale."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def price_chart(points, other_currencies=False):
    """Geometry for an SVG band chart (lowest to highest yearly cost over the
    as-of dates). `points` are the estimates to plot, all in one currency (the
    current one's, so one axis never mixes currencies): at most one a month, as
    queries.month_points gives them. None when fewer than two points remain."""
    points = sorted(points, key=lambda e: (e.as_of, e.recorded_at, e.id))
    if len(points) < 2:
        return None
    currency = points[-1].currency
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first, last = points[0].as_of, points[-1].as_of
    span = (last - first).days or 1
    top_value = _nice_ceiling(float(max(e.high for e in points)) * 1.1)

    def x(day):
        return round(LEFT + (day - first).days / span * plot_w, 1)

    def y(value):
        return round(TOP + plot_h - float(value) / top_value * plot_h, 1)

    def label(e):
        return f"{format_date(e.as_of, DATE_FORMAT)}: {cost_range(e)}"

    plotted = [{"estimate": e, "x": x(e.as_of), "y_low": y(e.low), "y_high": y(e.high)} for e in points]
    # Markers (each with its figures) on a short history; on a long one they
    # would overlap, so only the latest is marked and the description sums
    # the rest up: the recent table and the full history page list them.
    marked = plotted if len(plotted) <= MARKED_POINTS else plotted[-1:]
    for p in marked:
        p["label"] = label(p["estimate"])
    summary = None
    if len(plotted) > MARKED_POINTS:
        summary = {
            "count": len(plotted),
            "lowest": money(min(e.low for e in points), currency),
            "highest": money(max(e.high for e in points), currency),
            "latest": marked[-1]["label"],
        }
    band = [(p["x"], p["y_low"]) for p in plotted] + [(p["x"], p["y_high"]) for p in reversed(plotted)]
    ticks = [
        {"y": y(value), "label": money(Decimal(str(value)), currency)}
        for value in (0, top_value / 2, top_value)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "points": plotted,
        "marked": marked,
        "summary": summary,
        "band": " ".join(f"{px},{py}" for px, py in band),
        "high_line": " ".join(f"{p['x']},{p['y_high']}" for p in plotted),
        "low_line": " ".join(f"{p['x']},{p['y_low']}" for p in plotted),
        "ticks": ticks,
        "first_label": {"x": plotted[0]["x"], "text": format_date(first, DATE_FORMAT)},
        "last_label": {"x": plotted[-1]["x"], "text": format_date(last, DATE_FORMAT)},
        "currency": currency,
        "first": first,
        "last": last,
        "other_currencies": other_currencies,
    }


@register.inclusion_tag("includes/price_history.html")
def price_history(history, subject):
    """The price history block: chart (one point a month) and the most recent
    estimates, with a link to the full history when there are more. Shown only
    when there is more than one estimate. `history` is a queries.PriceHistory."""
    recent = list(history.recent)
    current = recent[0] if recent else None
    show = len(recent) > 1
    # The chart draws one kind and product; the table lists the others.
    other_currencies = (
        any((e.kind_id, e.product) != (current.kind_id, current.product) for e in recent) if current else False
    )
    return {
        "estimates": recent,
        "current_ids": history.current_ids,
        "query": history.query,
        "chart_kind": current.kind.name if current is not None else "",
        "any_product": any(estimate.product for estimate in recent),
        "has_more": history.has_more,
        "full_history_url": history.full_history_url,
        "subject": subject,
        "chart_subject": f"{subject}, {current.product}" if current is not None and current.product else subject,
        "show": show,
        "chart": price_chart(history.points, other_currencies) if show else None,
    }


@register.filter
def any_stale(estimates):
    """Is any of these estimates older than the staleness limit?"""
    return any(estimate.is_stale() for estimate in estimates)


@register.filter
def country_choices(view, query):
    """(country, query string, chosen?) for each country a reader can switch to.
    `query` is the page's request.GET, or '' when the template has no request
    (an article's cost table is rendered without one)."""
    return list(view.choices(query if isinstance(query, QueryDict) else None))
