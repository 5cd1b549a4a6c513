"""The queries behind the public pages.

Each function returns everything one page (or one block of a page) needs in a
fixed number of SQL queries, whatever the number of rows: related rows come
through prefetch_related with explicit querysets. Prices are found by the
database, so what a page loads does not grow with the price history: the
current estimate of many subjects comes in one query (a subquery picks each
subject's newest active estimate), and a price history is a bounded summary
(`PriceHistory`: the most recent entries and one chart point a month). Only published content ever leaves this module, except through the
`prepare_*` functions: they attach the same related rows to a record an
editor previews (which need not be live), so the preview page is built exactly
like the public one.

Pages that show review dates and reviewer credit select `approved_by` and its
staff profile (the reviewer's display name and credentials) in the same query
as the record, so the credit costs no query of its own.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import DateField, Max, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Trunc
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify

from editorial.models import Reference, add_months, live_q
from therapies.models import Category, CostEstimate, Therapy

RECENT_ESTIMATES = 12  # rows in a page's price history table
CHART_MONTHS = 60  # the chart's reach: five years, at most one point a month (the full history page has the rest)
FULL_HISTORY_PAGE_SIZE = 50


def published_therapies():
    """Therapies readers may see: live themselves and in a live category."""
    return Therapy.objects.live().filter(live_q("category__")).order_by("generic_name")


# --- Prices -------------------------------------------------------------------------------


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
    name = "therapies:therapy_prices" if isinstance(subject, Therapy) else "therapies:category_prices"
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


def _therapies(queryset=None):
    if queryset is None:
        queryset = published_therapies()
    return Prefetch("therapies", queryset=queryset, to_attr="published_therapies")


def _references():
    """The sources a page cites, in the editors' order, as `.reference_list`."""
    return Prefetch("references", queryset=Reference.objects.order_by("position", "id"), to_attr="reference_list")


def _with_price_history(category):
    category.price_history = price_history(category)
    category.current_estimate = category.price_history.current
    return category


def dmt_categories():
    """Published disease-modifying therapy categories in the editors' order, each
    with `.published_therapies` (each with `.own_estimates`) and
    `.current_estimate`. Four queries."""
    categories = (
        Category.objects.published()
        .filter(kind=Category.Kind.DISEASE_MODIFYING)
        .order_by("display_order", "name")
        .prefetch_related(_therapies())
    )
    categories = attach_current_estimates(list(categories))
    attach_own_estimates([therapy for category in categories for therapy in category.published_therapies])
    return categories


def sections(kind):
    """Published categories of one kind (emerging or supportive) in the editors'
    order, each with `.published_therapies`. Two queries."""
    return list(
        Category.objects.published()
        .filter(kind=kind)
        .select_related("approved_by__staff_profile")
        .order_by("display_order", "name")
        .prefetch_related(_therapies())
    )


# Emerging and supportive sections are shown in full on their parent page.
SECTION_PAGES = {Category.Kind.EMERGING: "therapies:emerging", Category.Kind.SUPPORTIVE: "therapies:care"}


def categories_with_own_page():
    """Live categories whose address shows a page of their own: every DMT
    group, and an emerging or supportive section only when something is
    listed in it (otherwise its address redirects to its place on its parent
    page, see `has_own_page`). For the sitemap."""
    listing = ~Q(kind__in=SECTION_PAGES) | Q(pk__in=published_therapies().values("category"))
    return Category.objects.live().filter(listing)


def has_own_page(category, listed=None):
    """`categories_with_own_page()` for one category. `listed`: whether a
    therapy is listed in it; by default from its `.published_therapies`
    (published_category())."""
    if listed is None:
        listed = bool(category.published_therapies)
    return category.kind not in SECTION_PAGES or listed


def place_on_parent_page(category):
    """Where an emerging or supportive section is read on its parent page."""
    return f"{reverse(SECTION_PAGES[category.kind])}#section-{category.slug}"


def reading_url(category, listed):
    """Where readers read `category`: its own page, or its place on its parent page."""
    return category.get_absolute_url() if has_own_page(category, listed) else place_on_parent_page(category)


def published_category(slug):
    """One published category (with its approver) with its therapies,
    `.price_history` and `.current_estimate`, or 404. Five queries."""
    queryset = (
        Category.objects.published()
        .select_related("approved_by__staff_profile")
        .prefetch_related(_therapies())
    )
    return _with_price_history(get_object_or_404(queryset, slug=slug))


def prepare_category(category):
    """What published_category() attaches, for a category already in memory
    (an editor's working copy). The category itself need not be live, so its
    therapies are those that will show once it is: the live ones."""
    live_therapies = Therapy.objects.live().order_by("generic_name")
    prefetch_related_objects([category], _therapies(live_therapies))
    return _with_price_history(category)


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


def _therapy_prefetches():
    from articles.models import Article  # articles.models imports therapies.models

    return [
        Prefetch(
            "articles",
            queryset=Article.objects.published().order_by("-published_at", "-id"),
            to_attr="published_articles",
        ),
        _references(),
    ]


def published_therapy(slug):
    """One published therapy in a published category (with its approver), with
    the articles readers may see that mention it and the sources it cites; or
    404. Three queries; its prices come from therapy_cost()."""
    queryset = (
        published_therapies()
        .select_related("category", "approved_by__staff_profile")
        .prefetch_related(*_therapy_prefetches())
    )
    return get_object_or_404(queryset, slug=slug)


def prepare_therapy(therapy):
    """What published_therapy() attaches, for a therapy already in memory (an
    editor's working copy, whose category may differ from the saved one)."""
    prefetch_related_objects([therapy], "category", *_therapy_prefetches())
    return therapy


# --- Comparing therapies and choosing them ---------------------------------------------------

COMPARE_MIN = 2
COMPARE_MAX = 4
COMPARE_SLUGS_READ = 20  # more `t=` values than this are not looked at: a hand-made address, not a reader's choice


@dataclass
class Comparison:
    """What /compare/ shows: the therapies found (published, in the order
    given, at most COMPARE_MAX), each with `.own_estimates` and its group's
    `.current_estimate`, and what could not be compared and why."""

    therapies: list = field(default_factory=list)
    unknown: list = field(default_factory=list)  # slugs with no published therapy (never says which exist as drafts)
    duplicates: list = field(default_factory=list)
    left_out: list = field(default_factory=list)  # published, but beyond COMPARE_MAX

    @property
    def too_few(self):
        return len(self.therapies) < COMPARE_MIN

    @property
    def is_complete(self):
        return not (self.too_few or self.unknown or self.duplicates or self.left_out)

    @property
    def first_priced_slug(self):
        """The first column with a price: the price disclaimer goes there, once."""
        for therapy in self.therapies:
            if therapy.own_estimates or therapy.category.current_estimate:
                return therapy.slug
        return None

    @property
    def shows(self):
        """Which fact-sheet rows to show: those at least one therapy has
        (a row empty for every column says nothing)."""
        def any_has(value):
            return any(value(therapy) for therapy in self.therapies)

        return {
            "ms_types": any_has(lambda t: t.ms_type_codes),
            "efficacy": any_has(lambda t: t.efficacy_tier or t.efficacy_result.strip()),
            "side_effects": any_has(lambda t: t.side_effect_list),
            "risks": any_has(lambda t: t.serious_risk_list),
            "monitoring": any_has(lambda t: t.monitoring_list),
            "pregnancy": any_has(lambda t: t.pregnancy.strip() or t.pregnancy_washout.strip()),
        }


def comparison(slugs):
    """The comparison of the therapies named by `slugs` (in that order).
    Three queries whatever the number: the therapies with their groups, their
    own current estimates, their groups' current estimates."""
    result = Comparison()
    wanted = []
    for raw in slugs[:COMPARE_SLUGS_READ]:
        slug = raw.strip()
        if not slug:
            continue
        if slug in wanted:
            if slug not in result.duplicates:
                result.duplicates.append(slug)
            continue
        wanted.append(slug)
    found = {}
    if wanted:
        queryset = published_therapies().filter(slug__in=wanted).select_related("category")
        found = {therapy.slug: therapy for therapy in queryset}
    in_order = [found[slug] for slug in wanted if slug in found]
    result.unknown = [slug for slug in wanted if slug not in found]
    result.therapies, result.left_out = in_order[:COMPARE_MAX], in_order[COMPARE_MAX:]
    attach_own_estimates(result.therapies)
    # Each therapy has its own copy of its group (select_related): price every copy.
    attach_current_estimates([therapy.category for therapy in result.therapies])
    return result


def therapy_for_alias(name):
    """The published therapy a reader means by `name` in its address: a brand
    name or the address in other capitals. None when no therapy, or more than
    one, answers to it (an ambiguous brand is better a 404 than a wrong page).
    One query; asked only when the address matches no therapy."""
    wanted = slugify(name)
    matches = [
        therapy
        for therapy in published_therapies().only("slug", "brand_names")
        if wanted in therapy.address_aliases
    ]
    return matches[0] if len(matches) == 1 else None


def renamed_therapy_slugs(slugs):
    """{old slug: current slug} for each of `slugs` that is an earlier
    address of a published therapy (a renamed medicine keeps its shared
    comparisons working). Two queries; asked only when a slug is unknown."""
    from django.contrib.contenttypes.models import ContentType

    from editorial.models import SlugRedirect

    moved = dict(
        SlugRedirect.objects.filter(content_type=ContentType.objects.get_for_model(Therapy), old_slug__in=slugs)
        .values_list("old_slug", "object_id")
    )
    if not moved:
        return {}
    current = dict(published_therapies().filter(pk__in=moved.values()).values_list("pk", "slug"))
    return {old: current[pk] for old, pk in moved.items() if pk in current}


# The chooser's filters: GET parameter -> does this therapy match this value.
# Worked out in Python over the one list of published DMTs (a few dozen), so
# the options each filter offers cost no query of their own.
CHOOSER_FILTERS = {
    "route": lambda therapy, value: therapy.route == value,
    "how_often": lambda therapy, value: therapy.dose_interval == value,
    "ms_type": lambda therapy, value: value in therapy.ms_type_codes,
    "efficacy": lambda therapy, value: therapy.efficacy_tier == value,
}


def filter_choices():
    """Every value each filter accepts, (value, label) in the model's order."""
    return {
        "route": list(Therapy.Route.choices),
        "how_often": list(Therapy.Interval.choices),
        "ms_type": list(Therapy.MS_TYPES),
        "efficacy": list(Therapy.Efficacy.choices),
    }


def _matching(therapies, chosen, leave_out=None):
    return [
        therapy for therapy in therapies
        if all(CHOOSER_FILTERS[name](therapy, value) for name, value in chosen.items() if value and name != leave_out)
    ]


@dataclass
class Chooser:
    """What /therapies/ shows: the DMT groups (editors' order) each with
    `.published_therapies` (those matching the filters) and
    `.current_estimate`; `offered` = for each filter, the (value, label,
    count) options worth offering; `picked` = the ticked therapies, in the
    order given, `picked_hidden` those of them the filters hide."""

    categories: list
    offered: dict
    picked: list
    picked_hidden: list
    total: int
    shown: int


def chooser(chosen, picked_slugs=()):
    """The chooser for `chosen` filters ({name: value or None}). Four
    queries whatever the number of therapies (groups, their therapies, their
    current estimates, the medicines' own): the filters are worked out here,
    from the one list.

    An option is offered only when it narrows the list: judged against the
    list the other filters leave (so a chosen value can be swapped for
    another), it must keep some therapies and drop some. A chosen value is
    always offered, so the form shows what is in force."""
    categories = list(
        Category.objects.published()
        .filter(kind=Category.Kind.DISEASE_MODIFYING)
        .order_by("display_order", "name")
        .prefetch_related(Prefetch(
            "therapies",
            queryset=published_therapies(),
            to_attr="published_therapies",
        ))
    )
    everything = [therapy for category in categories for therapy in category.published_therapies]
    offered = {}
    for name, choices in filter_choices().items():
        pool = _matching(everything, chosen, leave_out=name)
        options = []
        for value, label in choices:
            count = sum(1 for therapy in pool if CHOOSER_FILTERS[name](therapy, value))
            if value == chosen.get(name) or 0 < count < len(pool):
                options.append((value, label, count))
        offered[name] = options
    shown = set(id(therapy) for therapy in _matching(everything, chosen))
    for category in categories:
        category.published_therapies = [t for t in category.published_therapies if id(t) in shown]
    by_slug = {therapy.slug: therapy for therapy in everything}
    picked = []
    for slug in picked_slugs[:COMPARE_SLUGS_READ]:
        therapy = by_slug.get(slug.strip())
        if therapy is not None and therapy not in picked:
            picked.append(therapy)
    visible = [category for category in categories if category.published_therapies]
    attach_current_estimates(categories)
    attach_own_estimates(everything)
    return Chooser(
        categories=visible,
        offered=offered,
        picked=picked,
        picked_hidden=[therapy for therapy in picked if id(therapy) not in shown],
        total=len(everything),
        shown=len(shown),
    )
