"""The queries behind what pages show of prices.

Prices are found by the database, so what a page loads does not grow with
the price history: the current estimate of many subjects comes in one query
(a subquery picks each subject's newest active estimate), and a price history
is a bounded summary (`PriceHistory`: the most recent entries and one chart
point a month)."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import DateField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Trunc
from django.shortcuts import get_object_or_404
from django.urls import reverse

from editorial.models import add_months
from prices.models import CostEstimate
from therapies.models import Category, Therapy
from therapies.queries import published_therapies

RECENT_ESTIMATES = 12  # rows in a page's price history table
CHART_MONTHS = 60  # the chart's reach: five years, at most one point a month (the full history page has the rest)
FULL_HISTORY_PAGE_SIZE = 50


def _subject_field(subject):
    return "therapy" if isinstance(subject, Therapy) else "category"


def _subject_estimates(subject):
    """The estimates readers may see for one category or therapy (no query yet)."""
    return CostEstimate.objects.active().filter(**{_subject_field(subject): subject.pk})


def current_estimate_ids(model, pks):
    """A subquery: the id of the current estimate (newest active by as-of
    date, recording time, id) of each row of `model` among `pks`. Each is one
    index seek, so the cost does not grow with the history."""
    subject_field = "therapy" if issubclass(model, Therapy) else "category"
    newest = (
        CostEstimate.objects.active()
        .filter(**{subject_field: OuterRef("pk")})
        .newest_first()
        .values("id")[:1]
    )
    return model._base_manager.filter(pk__in=pks).annotate(current_id=Subquery(newest)).values("current_id")


def attach_current_estimates(subjects):
    """Set `.current_estimate` (or None) on each category or therapy in
    `subjects`, which may mix the two: one query, whatever the history."""
    subjects = [subject for subject in subjects if subject is not None]
    for subject in subjects:
        subject.current_estimate = None
    condition = Q()
    for model in (Category, Therapy):
        pks = [subject.pk for subject in subjects if isinstance(subject, model) and subject.pk is not None]
        if pks:
            condition |= Q(id__in=current_estimate_ids(model, pks))
    if not condition:
        return subjects
    found = {}
    for estimate in CostEstimate.objects.filter(condition):
        found[("therapy", estimate.therapy_id) if estimate.therapy_id else ("category", estimate.category_id)] = estimate
    for subject in subjects:
        subject.current_estimate = found.get((_subject_field(subject), subject.pk))
    return subjects


def attach_own_estimates(therapies):
    """Set `.own_estimates` on each therapy: its current estimate for each
    product it is priced as (brand, generic, or '' for the medicine as a
    whole), cheapest first. One query, whatever the history: the named
    products are a range of the (therapy, product, date) index, and each
    product's newest estimate is one seek in it."""
    therapies = [therapy for therapy in therapies if therapy is not None and therapy.pk is not None]
    for therapy in therapies:
        therapy.own_estimates = []
    if not therapies:
        return therapies
    pks = [therapy.pk for therapy in therapies]
    active = CostEstimate.objects.active()
    newest_of_product = (
        active.filter(therapy=OuterRef("therapy"), product=OuterRef("product")).newest_first().values("id")[:1]
    )
    named = (
        # `product > ''` (not `!= ''`) is a range on the (therapy, product) index.
        active.filter(therapy__in=pks, product__gt="").order_by().values("therapy", "product").distinct()
        .annotate(current_id=Subquery(newest_of_product)).values("current_id")
    )
    whole = active.filter(therapy=OuterRef("pk"), product="").newest_first().values("id")[:1]
    unnamed = Therapy._base_manager.filter(pk__in=pks).annotate(current_id=Subquery(whole)).values("current_id")
    by_therapy = {}
    for estimate in CostEstimate.objects.filter(Q(id__in=named) | Q(id__in=unnamed)).order_by("low", "product"):
        by_therapy.setdefault(estimate.therapy_id, []).append(estimate)
    for therapy in therapies:
        therapy.own_estimates = by_therapy.get(therapy.pk, [])
    return therapies


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
    month in the current estimate's currency and for its product (a brand and
    its generic are different prices, not one line), over the `months` months
    up to the current one (so the current estimate is always the last point).

    The database finds each month's latest as-of date (GROUP BY month over the
    subject's index), then returns only the estimates of those dates: at most
    `months` dates, the newest estimate of each kept here. Points are rows
    with id, as_of, recorded_at, low, high and currency."""
    if current is None:
        return []
    since = add_months(current.as_of.replace(day=1), -(months - 1))
    same_currency = _subject_estimates(subject).filter(currency=current.currency, product=current.product)
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
    """What a page shows of a subject's price history: the most recent
    estimates (newest first; `recent[0]` is the current one), whether there are
    older ones, and the chart's points (one a month, oldest first)."""

    recent: list = field(default_factory=list)
    has_more: bool = False
    points: list = field(default_factory=list)
    full_history_url: str = ""

    @property
    def current(self):
        return self.recent[0] if self.recent else None

    def __len__(self):
        return len(self.recent)


def full_history_url(subject):
    name = "prices:therapy_prices" if isinstance(subject, Therapy) else "prices:category_prices"
    return reverse(name, args=[subject.slug])


def price_history(subject, recent=RECENT_ESTIMATES):
    """The price history summary of one category or therapy: two bounded
    queries when it has estimates, one when it has none (none when unsaved)."""
    if subject is None or subject.pk is None:
        return PriceHistory()
    rows = list(_subject_estimates(subject).newest_first()[: recent + 1])
    history = PriceHistory(recent=rows[:recent], has_more=len(rows) > recent, full_history_url=full_history_url(subject))
    history.points = month_points(subject, history.current)
    return history


def full_price_history(subject, page_number):
    """One page (FULL_HISTORY_PAGE_SIZE estimates, newest first) of a
    subject's whole active history: a count and one page of rows. Raises
    InvalidPage for a page number that is not a number or out of range."""
    paginator = Paginator(_subject_estimates(subject).newest_first(), FULL_HISTORY_PAGE_SIZE)
    return paginator.page(page_number or 1)


def published_therapy_for_prices(slug):
    """One published therapy in a published category, with its category, or 404."""
    return get_object_or_404(published_therapies().select_related("category"), slug=slug)


def published_category_for_prices(slug):
    """One published category, or 404."""
    return get_object_or_404(Category.objects.published(), slug=slug)


def _with_price_history(category):
    category.price_history = price_history(category)
    category.current_estimate = category.price_history.current
    return category


@dataclass
class TherapyCost:
    """What a therapy page says about cost: the therapy's own current
    estimates (one per product, e.g. brand and generic) first when it has
    any, with its group's current range as context; otherwise the group's,
    clearly labelled as the group's. `history` is the shown one's PriceHistory."""

    current: CostEstimate | None
    history: PriceHistory = field(default_factory=PriceHistory)
    is_group_estimate: bool = False
    own: list = field(default_factory=list)
    group: CostEstimate | None = None


def therapy_cost(therapy):
    """Four queries when the therapy has its own estimates (its current ones,
    its recent ones, its chart, its group's current range), three when the
    group's are shown instead."""
    own = attach_own_estimates([therapy])[0].own_estimates if therapy.pk is not None else []
    if own:
        attach_current_estimates([therapy.category])
        history = price_history(therapy)
        return TherapyCost(current=history.current, history=history, own=own, group=therapy.category.current_estimate)
    group = price_history(therapy.category)
    return TherapyCost(
        current=group.current, history=group, is_group_estimate=group.current is not None, group=group.current
    )


def attach_prices(categories):
    """Each DMT group in `categories` (from therapies.queries.dmt_categories())
    with its `.current_estimate`, and each of its `.published_therapies` with
    its `.own_estimates`: the cost table's figures. Two queries."""
    attach_current_estimates(categories)
    attach_own_estimates([therapy for category in categories for therapy in category.published_therapies])
    return categories
