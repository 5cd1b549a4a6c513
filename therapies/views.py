"""Public pages about therapies, their groups and their costs.

Views stay thin: the queries live in therapies.queries, the presentation in
the templates."""

from django.shortcuts import render

from articles.queries import latest_articles
from therapies import queries
from therapies.forms import RouteFilterForm
from therapies.models import Category


def home(request):
    return render(
        request,
        "therapies/home.html",
        {"categories": queries.dmt_categories(), "latest_articles": latest_articles(3)},
    )


def therapy_list(request):
    form = RouteFilterForm(request.GET or None, routes=queries.dmt_route_choices())
    route = form.selected_route()
    return render(
        request,
        "therapies/therapy_list.html",
        {"form": form, "route": route, "categories": queries.dmt_categories(route=route)},
    )


def therapy_detail(request, slug):
    therapy = queries.published_therapy(slug)
    return render(
        request,
        "therapies/therapy_detail.html",
        {"therapy": therapy, "category": therapy.category, "cost": queries.therapy_cost(therapy)},
    )


def category_detail(request, slug):
    return render(request, "therapies/category_detail.html", {"category": queries.published_category(slug)})


def emerging(request):
    return render(request, "therapies/emerging.html", {"sections": queries.sections(Category.Kind.EMERGING)})


def care(request):
    return render(request, "therapies/care.html", {"sections": queries.sections(Category.Kind.SUPPORTIVE)})
