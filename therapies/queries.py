"""The queries behind the catalogue's public pages.

Each function returns everything one page (or one block of a page) needs in a
fixed number of SQL queries, whatever the number of rows: related rows come
through prefetch_related with explicit querysets. What other apps add to
these pages (prices, articles) comes through therapies.extensions, with the
same rule. Only published content ever leaves this module, except through the
`prepare_*` functions: they attach the same related rows to a record an
editor previews (which need not be live), so the preview page is built exactly
like the public one.

Pages that show review dates and reviewer credit select `approved_by` and its
staff profile (the reviewer's display name and credentials) in the same query
as the record, so the credit costs no query of its own.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify

from editorial.models import Reference, live_q
from therapies.models import Category, Therapy, TherapyForm
from therapies.models.choices import ms_type_field


def published_therapies():
    """Therapies readers may see: live themselves and in a live category."""
    return Therapy.objects.live().filter(live_q("category__")).order_by("generic_name")


def _live_therapies():
    """published_therapies() for a prefetch from categories already chosen as
    live (or, in an editor's preview, to be shown as if live): the
    category's own rule again, in a join, cost a sixth of a section page's
    time and changed nothing."""
    return Therapy.objects.live().order_by("generic_name")


def _therapies(queryset=None):
    """A category's therapies readers may see, as `.published_therapies`."""
    if queryset is None:
        queryset = _live_therapies()
    return Prefetch("therapies", queryset=queryset, to_attr="published_therapies")


def _references():
    """The sources a page cites, in the editors' order, as `.reference_list`."""
    return Prefetch("references", queryset=Reference.objects.order_by("position", "id"), to_attr="reference_list")


# What the cost table shows of each medicine (and its prices need): loading
# a therapy's forty-odd fact-sheet columns for every medicine of every group
# took longer than the rest of the query.
COST_TABLE_THERAPY_FIELDS = ("id", "slug", "generic_name", "brand_names", "category", "route")


def dmt_categories():
    """Published disease-modifying therapy categories in the editors' order, each
    with `.published_therapies` (only COST_TABLE_THERAPY_FIELDS: the cost
    table's). Two queries."""
    return list(
        Category.objects.published()
        .filter(kind=Category.Kind.DISEASE_MODIFYING)
        .order_by("display_order", "name")
        .prefetch_related(_therapies(_live_therapies().only(*COST_TABLE_THERAPY_FIELDS)))
    )


def decision_aid_medicines():
    """Every published medicine of a published disease-modifying group, by
    name, with its approver for the review credit: what the decision aid
    weighs (pages.decision_match). One query."""
    return list(
        published_therapies()
        .filter(category__kind=Category.Kind.DISEASE_MODIFYING)
        .exclude(route__in=[Therapy.Route.PROCEDURE, Therapy.Route.NON_DRUG])
        .select_related("approved_by__staff_profile")
    )


# What a therapy's card (includes/therapy_card.html) and an emerging
# section's list show of each therapy: the forty-odd fact-sheet columns
# took longer to load than the rest of a section page's queries.
CARD_THERAPY_FIELDS = ("id", "slug", "generic_name", "brand_names", "category", "route", "frequency", "summary", "development_stage")


def sections(kind):
    """Published categories of one kind (emerging or supportive) in the editors'
    order, each with `.published_therapies` (only CARD_THERAPY_FIELDS). Two queries."""
    return list(
        Category.objects.published()
        .filter(kind=kind)
        .select_related("approved_by__staff_profile")
        .order_by("display_order", "name")
        .prefetch_related(_therapies(_live_therapies().only(*CARD_THERAPY_FIELDS)))
    )


# Emerging and supportive sections are shown in full on their parent page.
SECTION_PAGES = {Category.Kind.EMERGING: "pages:emerging", Category.Kind.SUPPORTIVE: "pages:care"}


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
    """One published category (with its approver) with its therapies (only
    CARD_THERAPY_FIELDS: the page shows them as cards), or 404. Three queries."""
    queryset = (
        Category.objects.published()
        .select_related("approved_by__staff_profile")
        .prefetch_related(_therapies(_live_therapies().only(*CARD_THERAPY_FIELDS)))
    )
    return get_object_or_404(queryset, slug=slug)


def prepare_category(category):
    """What published_category() attaches, for a category already in memory
    (an editor's working copy). The category itself need not be live, so its
    therapies are those that will show once it is: the live ones."""
    prefetch_related_objects([category], _therapies())
    return category


def _forms():
    """A medicine's forms and versions, in the editors' order, as `.form_list`."""
    return Prefetch("forms", queryset=TherapyForm.objects.order_by("position", "id"), to_attr="form_list")


def _therapy_prefetches():
    return [_references(), _forms()]


def published_therapy(slug):
    """One published therapy in a published category (with its approver), with
    the sources it cites and its forms; or 404. Three queries. What other apps show on its page
    (its prices, the articles that mention it) they add through
    therapies.extensions."""
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
    given, at most COMPARE_MAX) and what could not be compared and why."""

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
    One query whatever the number: the therapies with their groups."""
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
    `.published_therapies` (those matching the filters); `offered` = for
    each filter, the (value, label, count) options worth offering; `picked` =
    the ticked therapies, in the order given, `picked_hidden` those of them
    the filters hide; `every_group` and `everything`, every published DMT
    group and medicine, shown or not."""

    categories: list
    every_group: list
    everything: list
    offered: dict
    picked: list
    picked_hidden: list
    total: int
    shown: int


# What the chooser filters on and its compact list shows of each medicine
# (includes/chooser_items.html): its other thirty-odd fact-sheet columns
# were a fifth of the list's time.
CHOOSER_THERAPY_FIELDS = (
    "id", "slug", "generic_name", "brand_names", "category", "route", "frequency", "dose_interval", "taken_where",
    "efficacy_tier", *(ms_type_field(code) for code, _ in Therapy.MS_TYPES),
)


def chooser(chosen, picked_slugs=()):
    """The chooser for `chosen` filters ({name: value or None}). Two
    queries whatever the number of therapies (groups, their therapies): the
    filters are worked out here, from the one list.

    An option is offered only when it narrows the list: judged against the
    list the other filters leave (so a chosen value can be swapped for
    another), it must keep some therapies and drop some. A chosen value is
    always offered, so the form shows what is in force."""
    categories = list(
        Category.objects.published()
        .filter(kind=Category.Kind.DISEASE_MODIFYING)
        .order_by("display_order", "name")
        .prefetch_related(_therapies(_live_therapies().only(*CHOOSER_THERAPY_FIELDS)))
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
    return Chooser(
        categories=visible,
        every_group=categories,
        everything=everything,
        offered=offered,
        picked=picked,
        picked_hidden=[therapy for therapy in picked if id(therapy) not in shown],
        total=len(everything),
        shown=len(shown),
    )
