"""Public pages of the catalogue: therapies, their groups, the chooser and
the comparison.

Views stay thin: the queries live in therapies.queries, the presentation in
the templates. What a detail page shows is built from the record by one
function per page (`therapy_context`, `category_context`), used by the public
view and by the staff preview alike, so a preview is the public page."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from therapies import extensions, queries
from therapies.forms import TherapyFilterForm
from therapies.group_lists import therapy_lists
from therapies.models import Category, Therapy
from therapies.page_cache import therapy_page_subjects
from core import cache
from core.sharing import canonical_query
from editorial.public import permanent_redirect_keeping_query, public_page, redirect_renamed

THERAPY_TEMPLATE = "therapies/therapy_detail.html"
CATEGORY_TEMPLATE = "therapies/category_detail.html"


def therapy_context(therapy, query=None):
    """The therapy page's context. `therapy` comes from queries.published_therapy()
    or queries.prepare_therapy(); `query` is the address's parameters."""
    context = {
        "therapy": therapy,
        "category": therapy.category,
        "references": therapy.reference_list,
        "forms": therapy.form_list,
    }
    return extensions.extended("therapy", context, query)


def category_context(category, query=None):
    """The category page's context. `category` comes from
    queries.published_category() or queries.prepare_category(); `query` is
    the address's parameters."""
    therapies = category.published_therapies
    context = {
        "category": category,
        "medicines": [therapy for therapy in therapies if therapy.is_medicine],
        "procedures": [therapy for therapy in therapies if not therapy.is_medicine],
    }
    extensions.extended("category", context, query)
    # After the extensions: the cards show the figures prices attach.
    context["therapy_lists"] = therapy_lists(category, context["medicines"], context["procedures"])
    return context


@canonical_query("country")
@public_page
def therapy_list(request):
    """The chooser: DMTs by group, filtered, with a tick box each to compare them."""
    form = TherapyFilterForm(request.GET or None, choices=queries.filter_choices())
    chosen = form.chosen()
    chooser = queries.chooser(chosen, request.GET.getlist("t"))
    form.offer(chooser.offered)
    context = {
        "form": form,
        "filtering": any(chosen.values()),
        "chooser": chooser,
        "categories": chooser.categories,
        "picked": chooser.picked,
    }
    return render(request, "therapies/therapy_list.html", extensions.extended("chooser", context, request.GET))


@canonical_query("t", "country")
@public_page
def compare(request):
    """Two to four therapies side by side. The chooser's form also sends its
    filters; the shareable address has only the therapies, in the order given."""
    slugs = request.GET.getlist("t")

    def address(slugs):
        # The country of prices a reader chose (prices.countries) stays.
        chosen = [("country", code) for code in request.GET.getlist("country")[-1:]]
        return f"{reverse('therapies:compare')}?{urlencode([('t', slug) for slug in slugs] + chosen)}"

    if set(request.GET) - {"t", "country"}:
        return redirect(address(slugs))
    result = queries.comparison(slugs)
    renamed = queries.renamed_therapy_slugs(result.unknown) if result.unknown else {}
    if renamed:
        return redirect(address([renamed.get(slug.strip(), slug) for slug in slugs]), permanent=True)
    context = {
        "comparison": result,
        "therapies": result.therapies,
        "compare_min": queries.COMPARE_MIN,
        "compare_max": queries.COMPARE_MAX,
        "choose_url": f"{reverse('therapies:therapy_list')}?{urlencode([('t', t.slug) for t in result.therapies])}",
    }
    return render(request, "therapies/compare.html", extensions.extended("comparison", context, request.GET))


@canonical_query("country")
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
    cache.page_depends_on(request, therapy_page_subjects(therapy))
    return render(request, THERAPY_TEMPLATE, therapy_context(therapy, request.GET))


@canonical_query("country")
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
    return render(request, CATEGORY_TEMPLATE, category_context(category, request.GET))
