"""The price-change feed (/prices/feed/, Atom): every estimate recorded,
corrected or withdrawn for a category or therapy readers can see, newest
first, with its subject, its kind of figure (a list price and a payment
limit are different things, so every title names it), figures (formatted as
the pages show money, and the unit price behind a figure worked out from
one), as-of date (as precisely as it is known) and source, and for a
correction or a withdrawal the reason.

Each event is its own entry with an id that never changes: recording an
estimate (new, or a correction of another) and withdrawing it are two
entries, so a feed reader shows a withdrawal as news rather than silently
editing the old entry; an entry, once in the feed, never changes. Ids are tag URIs (RFC 4151) made of the site's host
and the estimate's number, not the page's address, so renaming a page does
not make old entries look new.

Also here, for both feeds (articles/feeds.py uses them): `SiteFeed`, which
names entries and links under settings.SITE_URL when it is set (Django's
feeds otherwise use the request's host: the Sites framework is not installed).
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from editorial.public import public_page
from core.sharing import SITE_NAME
from core.site_url import absolute_url
from prices.models import CostEstimate
from prices.open_data import published_estimates
from prices.templatetags.prices import CURRENCY_PREFIXES, cost_range

PRICE_FEED_ENTRIES = 50
# The year in each tag URI: any date on which the site held its host name.
TAG_YEAR = 2026


def feed_authority(request):
    """The host that names the site's feed entries: SITE_URL's, else the request's."""
    host = urlsplit(settings.SITE_URL).hostname if settings.SITE_URL else request.get_host()
    return (host or "localhost").split(":")[0].lower()


def tag_uri(authority, specific):
    return f"tag:{authority},{TAG_YEAR}:{specific}"


class SiteFeed(Feed):
    """An Atom feed whose addresses are absolute under SITE_URL when it is
    set. Its `obj` is the request, so the feed's own methods can use it."""

    feed_type = Atom1Feed
    author_name = SITE_NAME
    feed_path = ""  # a URL name

    def get_object(self, request, *args, **kwargs):
        return request

    def feed_url(self, request):
        return absolute_url(reverse(self.feed_path), request)

    def feed_guid(self, request):
        return tag_uri(feed_authority(request), f"feed:{self.feed_path}")


@dataclass
class PriceEvent:
    """One entry: an estimate `recorded` (new, or correcting another) or `withdrawn`."""

    kind: str
    estimate: CostEstimate
    moment: object
    authority: str

    @property
    def subject(self):
        return self.estimate.subject

    @property
    def is_correction(self):
        return self.kind == "recorded" and self.estimate.replaces_id is not None


def _priced(estimate):
    """'ocrelizumab, Ocrevus (brand): US Medicare Part B payment limit
    US$73,164 a year': the kind always, since figures of different kinds
    (a list price, a payment limit) are not comparable."""
    product = f", {estimate.product}" if estimate.product else ""
    return f"{estimate.subject}{product}: {estimate.kind.name} {cost_range(estimate)}"


def _priced_as_of(estimate):
    """_priced() and its date, so two estimates of the same figure at
    different dates read differently in a feed reader's list."""
    return f"{_priced(estimate)}, as of {estimate.as_of_text}"


def _per_unit(estimate):
    """'US$36,582 per 300 mg vial, 2 a year': the arithmetic behind a year's
    figure worked out from a unit price, or '' for one given as a year's."""
    if estimate.unit_price is None:
        return ""
    units = f"{estimate.units_per_year.normalize():,f}"
    return f"{_unit_money(estimate.unit_price, estimate.currency)} per {estimate.unit}, {units} a year"


def _unit_money(value, currency):
    """A unit price to the cent, or to the four places it is kept in when
    it has them (a price per mg can be fractions of a cent): money() rounds
    to whole units, right for a year's figure only."""
    cents = value.quantize(Decimal("0.01"))
    text = f"{cents if cents == value else value.normalize():,f}"
    prefix = CURRENCY_PREFIXES.get(currency)
    return f"{prefix}{text}" if prefix else f"{currency} {text}"


def price_events(request, limit=PRICE_FEED_ENTRIES):
    """The `limit` newest price events, newest first. Two queries, whatever
    the number of estimates: the newest recorded and the newest withdrawn,
    each read in the order of an index (CostEstimate.Meta.indexes:
    estimate_recorded_newest, estimate_withdrawn_newest), not by sorting
    every estimate."""
    authority = feed_authority(request)
    published = published_estimates().select_related("category", "therapy", "replaces", "kind")
    recorded = published.order_by("-recorded_at", "-id")[:limit]
    withdrawn = published.filter(state=CostEstimate.State.WITHDRAWN).order_by("-withdrawn_at", "-id")[:limit]
    events = [PriceEvent("recorded", estimate, estimate.recorded_at, authority) for estimate in recorded]
    events += [PriceEvent("withdrawn", estimate, estimate.withdrawn_at, authority) for estimate in withdrawn]
    events.sort(key=lambda event: (event.moment, event.kind == "withdrawn", event.estimate.id), reverse=True)
    return events[:limit]


class PriceChangesFeed(SiteFeed):
    title = f"{SITE_NAME}: price changes"
    subtitle = (
        "Every new, corrected or withdrawn yearly cost estimate on the site, newest first. "
        "The figures are estimates, not quotes: see the price disclaimer on the site."
    )
    feed_path = "prices:price_feed"

    def link(self, request):
        return absolute_url(reverse("prices:reuse_data"), request)

    def items(self, request):
        return price_events(request)

    def item_title(self, event):
        if event.kind == "withdrawn":
            return f"Price withdrawn: {_priced_as_of(event.estimate)}"
        if event.is_correction:
            return f"Price corrected: {_priced_as_of(event.estimate)}"
        return f"New price: {_priced_as_of(event.estimate)}"

    def item_description(self, event):
        """HTML (Atom's summary type="html"): every value escaped.

        Made only from what was true at the event's moment, never from the
        estimate's state now: an entry's `updated` is that moment, so a
        summary that later changed (say, to add that the figures were since
        corrected) would go unseen by feed readers, which refresh an entry
        only when its `updated` moves. A later correction or withdrawal is
        its own entry and says so there."""
        estimate = event.estimate
        source = (
            format_html('<a href="{}">{}</a>', estimate.source_url, estimate.source_name)
            if estimate.source_url
            else estimate.source_name
        )
        parts = [format_html(
            "<p>{}. Figures as of {}. Source: {}.</p>",
            _priced(estimate), estimate.as_of_text, source,
        )]
        if estimate.unit_price is not None:
            parts.append(format_html("<p>Worked out from the unit price: {}.</p>", _per_unit(estimate)))
        parts.append(format_html("<p>{}: {}</p>", estimate.kind.name, estimate.kind.explanation))
        if event.kind == "withdrawn":
            parts.append(format_html(
                "<p>This estimate has been withdrawn: the site no longer shows it. Reason: {}</p>",
                estimate.withdrawal_reason,
            ))
        elif event.is_correction:
            parts.append(format_html(
                "<p>This corrects the earlier figures, {}. Reason: {}</p>",
                cost_range(estimate.replaces), estimate.correction_reason,
            ))
        return "".join(parts)

    def item_link(self, event):
        return absolute_url(event.subject.get_absolute_url())

    def item_guid(self, event):
        return tag_uri(event.authority, f"price-estimate:{event.estimate.id}:{event.kind}")

    def item_pubdate(self, event):
        return event.moment

    def item_updateddate(self, event):
        return event.moment


price_changes_feed = public_page(require_safe(PriceChangesFeed()))
