"""What every open data file shares: the licence and the disclaimer, what is
published, the country a file is asked for, and the validators (ETag,
Last-Modified) that answer a conditional request before anything is built."""

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, Max, Q
from django.http import HttpResponseNotFound
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.http import condition, require_safe

from core.page_keys import code_fingerprint
from core.site_url import absolute_url
from editorial.models import live_q
from editorial.public import public_page
from prices.models import CostEstimate, Country, PriceKind
from therapies.models import Category, Therapy

# An open licence made for data; the publisher must confirm it (README).
DEFAULT_LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
DEFAULT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
COUNTRY_PARAMETER = "country"


def licence():
    """{"name", "url"}: MSINFO_DATA_LICENCE_NAME / _URL, CC BY 4.0 by default."""
    return {
        "name": settings.MSINFO_DATA_LICENCE_NAME or DEFAULT_LICENCE_NAME,
        "url": settings.MSINFO_DATA_LICENCE_URL or DEFAULT_LICENCE_URL,
    }


@functools.cache
def price_disclaimer():
    """The price disclaimer's text, as plain words, from the template every
    page shows it with (read once per process: templates change with a release)."""
    return " ".join(strip_tags(render_to_string("includes/price_disclaimer.html")).split())


def published_estimates():
    """Estimates of the categories and therapies readers may see (no query yet)."""
    of_category = Q(category__isnull=False) & live_q("category__")
    of_therapy = Q(therapy__isnull=False) & live_q("therapy__") & live_q("therapy__category__")
    return CostEstimate.objects.filter(of_category | of_therapy)


# --- Which country's figures ------------------------------------------------------------------


@dataclass
class Selection:
    """The figures a file holds: every country's (`code` None) or one's.
    `kinds` are the kinds in it, in the site's order; `kind_by_id` has every
    kind, so a row can name its own."""

    code: str | None
    kinds: list
    kind_by_id: dict = field(default_factory=dict)

    @property
    def kind_ids(self):
        return [kind.pk for kind in self.kinds]

    @property
    def countries(self):
        return list({kind.country.code: kind.country for kind in self.kind_by_id.values()}.values())


def all_kinds(request):
    """Every kind with its country, in the site's order: one query, kept on the request."""
    if not hasattr(request, "_open_data_kinds"):
        request._open_data_kinds = list(
            PriceKind.objects.select_related("country").order_by("country__position", "country__code", "position", "id")
        )
    return request._open_data_kinds


def selection(request):
    """The Selection `?country=` asks for, or None for a country the site
    does not know. A known country with no kinds yet has an empty file."""
    if hasattr(request, "_open_data_selection"):
        return request._open_data_selection
    kinds = all_kinds(request)
    code = request.GET.get(COUNTRY_PARAMETER, "").strip().lower() or None
    chosen = kinds if code is None else [kind for kind in kinds if kind.country.code == code]
    found = Selection(code, chosen, {kind.pk: kind for kind in kinds})
    if code is not None and not chosen and not Country.objects.filter(code=code).exists():
        found = None
    request._open_data_selection = found
    return found


def unknown_country(request):
    """A 404 a data user's script can print: plain text, naming the codes there are.
    The code asked for is not repeated (it could be anything)."""
    codes = ", ".join(f"{country.code} ({country.name})" for country in Country.objects.order_by("position", "name"))
    return HttpResponseNotFound(
        f"No country has that code. Use ?{COUNTRY_PARAMETER}= with one of: {codes}; "
        f"or leave it out for every country's figures.\n",
        content_type="text/plain; charset=utf-8",
    )


# --- Validators ---------------------------------------------------------------------------------


class DataVersion(NamedTuple):
    """What the files' validators are made of: `moment`, the newest change
    (Last-Modified), and `counts`, how many estimates, withdrawals,
    categories and therapies there are (in the ETag only)."""

    moment: datetime.datetime | None
    counts: tuple


def data_version(request=None):
    """The data's version, from three aggregate queries, kept on the request
    so the ETag and Last-Modified share them.

    `moment` is the newest estimate recorded or withdrawn, subject edited
    (a publish, an unpublish, a rename) or subject going live or expiring by
    its schedule. A timestamp alone can miss a change: a price import stamps
    its estimates' recorded_at when it starts and commits them later, so a
    client who fetched a file while it ran would hold the same newest moment
    after the commit and keep getting 304. The row counts, read in the same
    queries, change with every estimate recorded or withdrawn and every
    subject added, whatever its timestamps say."""
    if request is not None and hasattr(request, "_open_data_version"):
        return request._open_data_version
    now = timezone.now()
    estimates = CostEstimate.objects.aggregate(
        recorded=Max("recorded_at"),
        withdrawn=Max("withdrawn_at"),
        estimates=Count("id"),
        withdrawals=Count("withdrawn_at"),
    )
    moments = [estimates["recorded"], estimates["withdrawn"]]
    counts = [estimates["estimates"], estimates["withdrawals"]]
    for model in (Category, Therapy):
        subjects = model._base_manager.aggregate(
            edited=Max("updated_at"),
            went_live=Max("published_at", filter=Q(published_at__lte=now)),
            expired=Max("expires_at", filter=Q(expires_at__lte=now)),
            count=Count("id"),
        )
        moments += [subjects["edited"], subjects["went_live"], subjects["expired"]]
        counts.append(subjects["count"])
    version = DataVersion(
        moment=max((moment for moment in moments if moment is not None), default=None),
        counts=tuple(counts),
    )
    if request is not None:
        request._open_data_version = version
    return version


def last_change(request=None):
    """When the prices or their subjects last changed in a way the files
    show, or None (data_version's `moment`; the sitemap uses it too)."""
    return data_version(request).moment


def _last_modified(request, *args, **kwargs):
    return last_change(request)


def _etag(request, *args, **kwargs):
    """Changes with the data (its newest change and its row counts), the
    kinds and countries the rows name (they have no timestamp: a renamed
    kind changes the ETag only), the release (the columns), the licence,
    the site's address, the file and the country asked for. Weak (W/): two
    responses with one ETag hold the same data, not always the same bytes
    (the JSON's `generated` time)."""
    version = data_version(request)
    chosen = getattr(request, "_open_data_selection", None)
    kinds = [(kind.pk, kind.slug, kind.name, kind.country.code) for kind in all_kinds(request)]
    parts = [
        request.path,
        chosen.code or "" if chosen else "",
        version.moment.isoformat() if version.moment else "",
        ",".join(map(str, version.counts)),
        repr(kinds),
        code_fingerprint(),
        repr(licence()),
        settings.SITE_URL,
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def open_data_file(view=None, *, by_country=True):
    """A public data file: GET and HEAD only, ETag / Last-Modified, 304.
    With `by_country`, `?country=` is checked first, so an unknown country
    is a 404 (never a 304 from a validator) and the view gets the
    Selection as `request.open_data`."""
    if view is None:
        return functools.partial(open_data_file, by_country=by_country)
    validated = condition(etag_func=_etag, last_modified_func=_last_modified)(view)

    @functools.wraps(view)
    def with_country(request, *args, **kwargs):
        if by_country:
            chosen = selection(request)
            if chosen is None:
                return unknown_country(request)
            request.open_data = chosen
        return validated(request, *args, **kwargs)

    return public_page(require_safe(with_country))


def csv_headers(response, request, filename):
    """Content-Disposition, and Link headers to the licence, the page that
    explains the columns and the data package that types them (a CSV has
    no place for either that every parser skips)."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    reuse = absolute_url(reverse("prices:reuse_data"), request)
    package = absolute_url(reverse("prices:datapackage"), request)
    response["Link"] = (
        f'<{licence()["url"]}>; rel="license", <{reuse}>; rel="describedby", '
        f'<{package}>; rel="describedby"; type="application/json"'
    )
    return response
