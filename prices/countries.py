"""Which country's prices a page shows.

The country is in the page's address (`?country=uk`), never in a cookie
alone, so a shared link shows what its sender saw and the page cache keeps
one copy per country. No `country` means the first country (the United
States); an unknown code or the default's own code is sent to the address
without it (CountryChoiceMiddleware), so every country has exactly one
address per page."""

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.http import HttpResponseRedirect

from core.kept import KeptWhileContentUnchanged
from prices.models import Country, PriceKind

PARAMETER = "country"


@dataclass
class CountryView:
    """The chosen country, its kinds of figure in their order, and the
    countries a reader can switch to. One query builds it."""

    country: Country | None
    kinds: list = field(default_factory=list)
    countries: list = field(default_factory=list)

    @property
    def is_default(self):
        return not self.countries or self.country == self.countries[0]

    @cached_property
    def kind_ids(self):
        return [kind.pk for kind in self.kinds]

    @cached_property
    def kind_by_id(self):
        return {kind.pk: kind for kind in self.kinds}

    @property
    def query(self):
        """The address's query for this country: '' for the default."""
        return "" if self.is_default else f"?{urlencode({PARAMETER: self.country.code})}"

    def choices(self, query=None):
        """(country, relative link to it, chosen?) for the country switch,
        keeping the page's other parameters (`query`: a QueryDict, or None).
        A link is a query ('?country=uk') or './', which browsers resolve
        against the page's own path, so a table rendered without the request
        (an article's cost table) links the same way."""
        for country in self.countries:
            kept = query.copy() if query is not None else None
            if kept is not None:
                kept.pop(PARAMETER, None)
                kept.pop("page", None)  # another country's list has other pages
                if country != self.countries[0]:
                    kept[PARAMETER] = country.code
                text = kept.urlencode()
            else:
                text = "" if country == self.countries[0] else urlencode({PARAMETER: country.code})
            yield country, f"?{text}" if text else "./", country == self.country


# Every kind of figure with its country, in the order pages list them. Every
# page that shows a price reads them, and they change only when an editor
# edits a kind or a country, a change readers see: kept until then.
_every_kind = KeptWhileContentUnchanged(
    lambda: list(PriceKind.objects.select_related("country").order_by("country__position", "country__name", "position", "id"))
)


def country_view(code=None):
    """The CountryView for `code` (a Country code; None or unknown: the
    default country). One query (every kind with its country) on the first
    request after a change, none after (core.kept.KeptWhileContentUnchanged)."""
    kinds = _every_kind()
    countries = []
    for kind in kinds:
        if kind.country not in countries:
            countries.append(kind.country)
    chosen = next((country for country in countries if country.code == code), countries[0] if countries else None)
    return CountryView(chosen, [kind for kind in kinds if kind.country == chosen], countries)


def country_for(query):
    """The CountryView a request's query string (request.GET) asks for."""
    return country_view(query.get(PARAMETER) if query is not None else None)


class CountryChoiceMiddleware:
    """On a page whose content the country chooses (its view keeps `country`
    in its canonical address: core.sharing.canonical_query), `?country=`
    naming the default country or a country without prices goes to the
    address without it: one address per page and country, for links, the
    canonical tag and the page cache. Other addresses (the open data files
    answer an unknown country with their own 404) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        codes_given = request.GET.getlist(PARAMETER)
        if not codes_given or PARAMETER not in getattr(view_func, "canonical_query", ()):
            return None
        code = codes_given[-1]
        codes = list(
            Country.objects.filter(price_kinds__isnull=False).distinct().order_by("position", "name")
            .values_list("code", flat=True)
        )
        if code in codes[1:] and len(codes_given) == 1:
            return None
        kept = request.GET.copy()
        kept.pop(PARAMETER)
        if code in codes[1:]:
            kept[PARAMETER] = code  # said more than once: the last, once
        return HttpResponseRedirect(request.path + (f"?{kept.urlencode()}" if kept else ""))
