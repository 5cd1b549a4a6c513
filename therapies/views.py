"""Public pages about therapies, their groups and their costs.

Views stay thin: the queries live in therapies.queries, the presentation in
the templates. What a detail page shows is built from the record by one
function per page (`therapy_context`, `category_context`), used by the public
view and by the staff preview alike, so a preview is the public page."""

from urllib.parse import urlencode

from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from articles.models import SitePage
from articles.queries import latest_articles, live_site_page
from therapies import queries
from therapies.forms import TherapyFilterForm
from therapies.models import Category, Therapy
from editorial.public import permanent_redirect_keeping_query, public_page, redirect_renamed

THERAPY_TEMPLATE = "therapies/therapy_detail.html"
CATEGORY_TEMPLATE = "therapies/category_detail.html"
HOME_TEMPLATE = "therapies/home.html"
EMERGING_TEMPLATE = "therapies/emerging.html"
CARE_TEMPLATE = "therapies/care.html"
PRICES_TEMPLATE = "therapies/price_history_full.html"


def therapy_context(therapy):
    """The therapy page's context. `therapy` comes from queries.published_therapy()
    or queries.prepare_therapy()."""
    return {
        "therapy": therapy,
        "category": therapy.category,
        "cost": queries.therapy_cost(therapy),
        "references": therapy.reference_list,
    }


def category_context(category):
    """The category page's context. `category` comes from
    queries.published_category() or queries.prepare_category()."""
    therapies = category.published_therapies
    return {
        "category": category,
        "medicines": [therapy for therapy in therapies if therapy.is_medicine],
        "procedures": [therapy for therapy in therapies if not therapy.is_medicine],
    }


# The pages a site text introduces: {key: (template, context from the text)}.
# `introduction` is the live SitePage, an editor's working copy in the
# preview, or None: the page then shows its heading without the text, as
# nothing unreviewed reaches readers.


def home_context(introduction):
    return {
        "introduction": introduction,
        "categories": queries.dmt_categories(),
        "latest_articles": latest_articles(3),
    }


def emerging_context(introduction):
    return {"introduction": introduction, "sections": queries.sections(Category.Kind.EMERGING)}


def care_context(introduction):
    return {"introduction": introduction, "sections": queries.sections(Category.Kind.SUPPORTIVE)}


INTRODUCED_PAGES = {
    SitePage.Key.HOME_INTRODUCTION: (HOME_TEMPLATE, home_context),
    SitePage.Key.EMERGING_INTRODUCTION: (EMERGING_TEMPLATE, emerging_context),
    SitePage.Key.CARE_INTRODUCTION: (CARE_TEMPLATE, care_context),
}


def introduced_page(request, key):
    template, context = INTRODUCED_PAGES[key]
    return render(request, template, context(live_site_page(key)))


@public_page
def home(request):
    return introduced_page(request, SitePage.Key.HOME_INTRODUCTION)


@public_page
def therapy_list(request):
    """The chooser: DMTs by group, filtered, with a tick box each to compare them."""
    form = TherapyFilterForm(request.GET or None, choices=queries.filter_choices())
    chosen = form.chosen()
    chooser = queries.chooser(chosen, request.GET.getlist("t"))
    form.offer(chooser.offered)
    return render(
        request,
        "therapies/therapy_list.html",
        {
            "form": form,
            "filtering": any(chosen.values()),
            "chooser": chooser,
            "categories": chooser.categories,
            "picked": chooser.picked,
        },
    )


@public_page
def compare(request):
    """Two to four therapies side by side. The chooser's form also sends its
    filters; the shareable address has only the therapies, in the order given."""
    slugs = request.GET.getlist("t")

    def address(slugs):
        return f"{reverse('therapies:compare')}?{urlencode([('t', slug) for slug in slugs])}"

    if set(request.GET) - {"t"}:
        return redirect(address(slugs))
    result = queries.comparison(slugs)
    renamed = queries.renamed_therapy_slugs(result.unknown) if result.unknown else {}
    if renamed:
        return redirect(address([renamed.get(slug.strip(), slug) for slug in slugs]), permanent=True)
    return render(
        request,
        "therapies/compare.html",
        {
            "comparison": result,
            "therapies": result.therapies,
            "compare_min": queries.COMPARE_MIN,
            "compare_max": queries.COMPARE_MAX,
            "choose_url": f"{reverse('therapies:therapy_list')}?{urlencode([('t', t.slug) for t in result.therapies])}",
        },
    )


@public_page
def therapy_detail(request, slug):
    try:
        therapy = queries.published_therapy(slug)
    except Http404:
        try:
            return redirect_renamed(request, Therapy, slug, queries.published_therapies())
        except Http404:
            meant = queries.therapy_for_alias(slug)
            if meant is None:
                raise
            return permanent_redirect_keeping_query(request, meant.get_absolute_url())
    return render(request, THERAPY_TEMPLATE, therapy_context(therapy))


@public_page
def category_detail(request, slug):
    try:
        category = queries.published_category(slug)
    except Http404:
        return redirect_renamed(request, Category, slug, Category.objects.live())
    if not queries.has_own_page(category):
        # A section with nothing listed in it would only repeat what its
        # parent page already says in full: readers go to it there.
        return redirect(queries.place_on_parent_page(category), permanent=True)
    return render(request, CATEGORY_TEMPLATE, category_context(category))



@public_page
def emerging(request):
    return introduced_page(request, SitePage.Key.EMERGING_INTRODUCTION)


@public_page
def care(request):
    return introduced_page(request, SitePage.Key.CARE_INTRODUCTION)


def _full_price_history_page(request, subject, name, group=None):
    try:
        page = queries.full_price_history(subject, request.GET.get("page"))
    except InvalidPage as error:
        raise Http404(f"No such page of the price history: {error}") from error
    return render(
        request,
        PRICES_TEMPLATE,
        {"subject": subject, "subject_name": name, "page": page, "paginator": page.paginator, "group": group},
    )


@public_page
def therapy_prices(request, slug):
    therapy = queries.published_therapy_for_prices(slug)
    return _full_price_history_page(request, therapy, therapy.generic_name, group=therapy.category)


@public_page
def category_prices(request, slug):
    category = queries.published_category_for_prices(slug)
    return _full_price_history_page(request, category, category.name)
