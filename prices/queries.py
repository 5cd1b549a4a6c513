"""The queries behind what pages show of prices.

Prices are found by the database, so what a page loads does not grow with
the price history: the current estimate of many subjects comes in one query
(a subquery picks each subject's newest active estimate), and a price history
is a bounded summary (`PriceHistory`: the most recent entries and one chart
point a month)."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import DateField, Max, QuerySet, Subquery
from django.db.models.functions import Trunc
from django.shortcuts import get_object_or_404
from django.urls import reverse

from editorial.models import add_months
from prices.models import CostEstimate, EstimateState, PriceKind, staleness_cutoff
from therapies.models import Category, Therapy
from therapies.queries import published_therapies

RECENT_ESTIMATES = 12  # rows in a page's price history table
CHART_MONTHS = 60  # the chart's reach: five years, at most one point a month (the full history page has the rest)
FULL_HISTORY_PAGE_SIZE = 50


def _subject_field(subject):
    return "therapy" if isinstance(subject, Therapy) else "category"


def _subject_estimates(subject, view=None):
    """The estimates readers may see for one category or therapy, of the
    view's country's kinds when given (no query yet)."""
    estimates = CostEstimate.objects.active().filter(**{_subject_field(subject): subject.pk})
    return estimates if view is None else estimates.filter(kind__in=view.kind_ids)


# Each (therapy, kind, product)'s newest active estimate: one seek each in
# the (therapy, kind, product, date) index, whatever the history. Written as
# SQL because the ORM took about 10 ms a request to build and compile these
# nested subqueries, against half a millisecond to run them, on every page
# that shows a price (issue 20). {therapies} and {kinds} are lists of
# placeholders, or {therapies} a subquery.
_CURRENT_FIGURES_SQL = """
SELECT * FROM {estimates} WHERE id IN (
    SELECT (
        SELECT newest.id FROM {estimates} newest
        WHERE newest.state = %s AND newest.therapy_id = named.therapy_id
            AND newest.kind_id = named.kind_id AND newest.product = named.product
        ORDER BY newest.as_of DESC, newest.recorded_at DESC, newest.id DESC LIMIT 1
    )
    FROM (
        SELECT DISTINCT therapy_id, kind_id, product FROM {estimates}
        WHERE state = %s AND therapy_id IN ({therapies}) AND kind_id IN ({kinds}) AND product > ''
    ) named
    UNION ALL
    SELECT (
        SELECT newest.id FROM {estimates} newest
        WHERE newest.state = %s AND newest.therapy_id = medicine.id
            AND newest.kind_id = kind.id AND newest.product = ''
        ORDER BY newest.as_of DESC, newest.recorded_at DESC, newest.id DESC LIMIT 1
    )
    FROM {therapy_table} medicine CROSS JOIN {kind_table} kind
    WHERE medicine.id IN ({therapies}) AND kind.id IN ({kinds})
)
ORDER BY as_of DESC, recorded_at DESC, id DESC
"""


def current_figures(therapies, kinds):
    """The current estimate of each product of each of `kinds` (PriceKinds;
    each estimate gets its kind attached), for the therapies `therapies`
    names (a list of primary keys or a queryset of them): {therapy_id:
    [estimate, ...]}, in the kinds' order, cheapest first. One query.
    Products are named ones (`product > ''`, a range on the index) and the
    medicine as a whole (one seek per therapy and kind: a DISTINCT over those
    rows would read every weekly NADAC figure ever imported)."""
    if not kinds:
        return {}
    if isinstance(therapies, QuerySet):
        members, members_params = therapies.order_by().values("pk").query.sql_with_params()
    else:
        members_params = list(therapies)
        if not members_params:
            return {}
        members = ", ".join(["%s"] * len(members_params))
    kind_by_id = {kind.pk: kind for kind in kinds}
    kind_ids = list(kind_by_id)
    sql = _CURRENT_FIGURES_SQL.format(
        estimates=CostEstimate._meta.db_table,
        therapy_table=Therapy._meta.db_table,
        kind_table=PriceKind._meta.db_table,
        therapies=members,
        kinds=", ".join(["%s"] * len(kind_ids)),
    )
    active = EstimateState.ACTIVE
    params = [active, active, *members_params, *kind_ids, active, *members_params, *kind_ids]
    order = {kind.pk: position for position, kind in enumerate(kinds)}
    by_therapy = {}
    estimates = CostEstimate.objects.raw(sql, params)
    for estimate in sorted(estimates, key=lambda e: (order[e.kind_id], e.low, e.product)):
        estimate.kind = kind_by_id[estimate.kind_id]
        by_therapy.setdefault(estimate.therapy_id, []).append(estimate)
    return by_therapy


def attach_own_estimates(therapies, view):
    """Set `.own_estimates` on each therapy: its current figure for each
    product it is priced as (brand, generic, or '' for the medicine as a
    whole) and each kind of the view's country. One query."""
    therapies = [therapy for therapy in therapies if therapy is not None and therapy.pk is not None]
    found = current_figures([therapy.pk for therapy in therapies], view.kinds) if therapies else {}
    for therapy in therapies:
        therapy.own_estimates = found.get(therapy.pk, [])
    return therapies


@dataclass
class GroupRange:
    """A group's yearly cost for one kind of figure, worked out from its
    medicines' current figures of that kind, never typed: it always holds
    every figure beside it. Quacks like an estimate (low, high, currency,
    kind, as_of) for the price templates."""

    kind: object
    figures: list

    @property
    def low(self):
        return min(figure.low for figure in self.figures)

    @property
    def high(self):
        return max(figure.high for figure in self.figures)

    @property
    def currency(self):
        return self.figures[0].currency

    @property
    def as_of(self):
        return max(figure.as_of for figure in self.figures)

    @property
    def oldest(self):
        return min(figure.as_of for figure in self.figures)

    @property
    def medicines(self):
        return len({figure.therapy_id for figure in self.figures})

    @property
    def source_name(self):
        return f"worked out from {len(self.figures)} figure{'s' if len(self.figures) != 1 else ''} for its medicines"

    product = ""
    source_url = ""

    def is_stale(self, today=None):
        return self.oldest < staleness_cutoff(today)


def group_ranges(figures, view):
    """One GroupRange per kind that `figures` (estimates) hold, in the kinds' order."""
    by_kind = {}
    for figure in figures:
        by_kind.setdefault(figure.kind_id, []).append(figure)
    return [GroupRange(kind, by_kind[kind.pk]) for kind in view.kinds if kind.pk in by_kind]


def attach_group_ranges(categories, view):
    """Set `.group_ranges` on each category from its `.published_therapies`'
    `.own_estimates` (attach_own_estimates first): no query."""
    for category in categories:
        figures = [figure for therapy in category.published_therapies for figure in therapy.own_estimates]
        category.group_ranges = group_ranges(figures, view)
    return categories


class MonthOf(Trunc):
    """The month of a date (its first day), to group by. Django's Trunc calls
    a Python function for every row on SQLite; there the month is the date
    text's first seven characters (only grouping uses it: its type does not
    matter)."""

    def __init__(self, expression):
        super().__init__(expression, "month", output_field=DateField())

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"substr({sql}, 1, 7)", params  # SQLite keeps dates as 'YYYY-MM-DD' text


def month_points(subject, current, months=CHART_MONTHS):
    """The chart's points, oldest first: the latest active estimate of each
    month of the current estimate's kind, currency and product (a brand and
    its generic are different prices, a list price and a Medicare payment
    limit different kinds: never one line), over the `months` months
    up to the current one (so the current estimate is always the last point).

    The database finds each month's latest as-of date (GROUP BY month over the
    subject's index), then returns only the estimates of those dates: at most
    `months` dates, the newest estimate of each kept here. Points are rows
    with id, as_of, recorded_at, low, high and currency."""
    if current is None:
        return []
    since = add_months(current.as_of.replace(day=1), -(months - 1))
    same_currency = _subject_estimates(subject).filter(
        kind=current.kind_id, currency=current.currency, product=current.product
    )
    month_latest = (
        same_currency.filter(as_of__gte=since, as_of__lte=current.as_of)
        .annotate(month=MonthOf("as_of"))
        .values("month")
        .annotate(latest=Max("as_of"))
    )
    # No date range here: the database then looks each date up in the index
    # rather than scanning the whole range again.
    rows = (
        same_currency.filter(as_of__in=Subquery(month_latest.values("latest")))
        .order_by("as_of", "recorded_at", "id")
        # Plain rows, not model instances: a chart needs only these figures,
        # and building a hundred deferred models cost more than the query.
        .values_list("id", "as_of", "recorded_at", "low", "high", "currency", named=True)
    )
    by_month = {}
    for estimate in rows:  # oldest first: each month ends with its latest
        by_month[(estimate.as_of.year, estimate.as_of.month)] = estimate
    return list(by_month.values())


@dataclass
class PriceHistory:
    """What a page shows of a subject's price history in one country: the
    most recent estimates (newest first; `recent[0]` is the newest), whether
    there are older ones, and the chart's points (one a month, oldest first,
    of `recent[0]`'s kind and product). `current_ids` are the estimates in
    use (each product's and kind's newest), which the table marks."""

    recent: list = field(default_factory=list)
    has_more: bool = False
    points: list = field(default_factory=list)
    full_history_url: str = ""
    current_ids: set = field(default_factory=set)
    query: str = ""

    @property
    def current(self):
        return self.recent[0] if self.recent else None

    def __len__(self):
        return len(self.recent)


def full_history_url(subject):
    name = "prices:therapy_prices" if isinstance(subject, Therapy) else "prices:category_prices"
    return reverse(name, args=[subject.slug])


def price_history(subject, view, recent=RECENT_ESTIMATES, current=(), chart=True):
    """The price history summary of one category or therapy in the view's
    country: two bounded queries when it has estimates, one when it has
    none or `chart` is false (no chart points: a group's page lists its
    published ranges without a chart); none when unsaved. `current`: the
    estimates in use, to mark."""
    if subject is None or subject.pk is None:
        return PriceHistory()
    rows = list(_subject_estimates(subject, view).newest_first()[: recent + 1])
    for row in rows:
        row.kind = view.kind_by_id[row.kind_id]
    history = PriceHistory(
        recent=rows[:recent], has_more=len(rows) > recent, full_history_url=full_history_url(subject),
        current_ids={estimate.pk for estimate in current}, query=view.query,
    )
    history.points = month_points(subject, history.current) if chart else []
    return history


def full_price_history(subject, page_number, view):
    """One page (FULL_HISTORY_PAGE_SIZE estimates, newest first) of a
    subject's whole active history in the view's country: a count and one
    page of rows. Raises InvalidPage for a page number that is not a number
    or out of range."""
    paginator = Paginator(_subject_estimates(subject, view).newest_first(), FULL_HISTORY_PAGE_SIZE)
    page = paginator.page(page_number or 1)
    for row in page.object_list:
        row.kind = view.kind_by_id[row.kind_id]
    return page


def published_therapy_for_prices(slug):
    """One published therapy in a published category, with its category, or 404."""
    return get_object_or_404(published_therapies().select_related("category"), slug=slug)


def published_category_for_prices(slug):
    """One published category, or 404."""
    return get_object_or_404(Category.objects.published(), slug=slug)


@dataclass
class TherapyCost:
    """What a therapy page says about cost in one country: the therapy's own
    current figures (one per product and kind) when it has any, and its
    group's ranges (one per kind, from its medicines' figures) as context,
    or instead, clearly labelled as the group's. `history` is the therapy's
    own PriceHistory (empty without own figures)."""

    own: list = field(default_factory=list)
    group_ranges: list = field(default_factory=list)
    history: PriceHistory = field(default_factory=PriceHistory)


def therapy_cost(therapy, view):
    """Four queries (its current figures, its group's, its recent ones, its
    chart); three without figures of its own."""
    if therapy.pk is None:
        return TherapyCost()
    own = attach_own_estimates([therapy], view)[0].own_estimates
    siblings = published_therapies().filter(category=therapy.category_id).values("pk")
    group = [figure for figures in current_figures(siblings, view.kinds).values() for figure in figures]
    history = price_history(therapy, view, current=own) if own else PriceHistory()
    return TherapyCost(own=own, group_ranges=group_ranges(group, view), history=history)


def attach_prices(categories, view):
    """Each DMT group in `categories` (from therapies.queries.dmt_categories())
    with its `.group_ranges`, and each of its `.published_therapies` with its
    `.own_estimates`, in the view's country: the cost table's figures. One query."""
    attach_own_estimates([therapy for category in categories for therapy in category.published_therapies], view)
    return attach_group_ranges(categories, view)
