"""Every public page runs the same number of SQL queries whether the site has
one therapy or thirty: related rows are prefetched, never fetched per row."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.models import COST_TABLE_MARKER
from therapies.models import Category, Therapy

# Per page: what each query is for.
EXPECTED_QUERIES = {
    "/": 4,  # DMT groups, their therapies, their estimates, latest articles
    "/therapies/": 4,  # routes in use, DMT groups, their therapies, their estimates
    "/therapies/?route=injection": 4,  # the same, therapies filtered
    "/therapies/therapy-0-0/": 4,  # therapy + group, its estimates, group's estimates, articles
    "/categories/group-0/": 3,  # group, its therapies, its estimates
    "/categories/emerging-0/": 3,
    "/emerging/": 2,  # sections, their therapies
    "/care/": 2,
    "/articles/": 2,  # count, one page
    "/articles/article-0/": 2,  # article, its related therapies
    "/articles/with-table/": 5,  # the same + the cost table's three
}

SIZES = {"small": (1, 1, 1), "large": (5, 6, 4)}


def build_site(make_category, make_therapy, make_estimate, make_article, groups, therapies, estimates):
    today = timezone.localdate()
    all_therapies = []
    for g in range(groups):
        for kind, prefix in (
            (Category.Kind.DISEASE_MODIFYING, "group"),
            (Category.Kind.EMERGING, "emerging"),
            (Category.Kind.SUPPORTIVE, "care"),
        ):
            category = make_category(kind=kind, name=f"{prefix} {g}", slug=f"{prefix}-{g}")
            for e in range(estimates):
                make_estimate(category, low=Decimal(50000 + e), as_of=today - datetime.timedelta(days=100 * e))
            for t in range(therapies):
                therapy = make_therapy(
                    generic_name=f"{prefix} therapy {g}-{t}",
                    slug=f"{'therapy' if prefix == 'group' else prefix}-{g}-{t}",
                    category=category,
                    route=Therapy.Route.INJECTION if t % 2 == 0 else Therapy.Route.ORAL,
                    development_stage=Therapy.Stage.PHASE_2 if kind == Category.Kind.EMERGING else "",
                )
                all_therapies.append(therapy)
                if kind == Category.Kind.DISEASE_MODIFYING:
                    for e in range(estimates):
                        make_estimate(therapy, low=Decimal(40000 + e), as_of=today - datetime.timedelta(days=90 * e))
    now = timezone.now()
    for a in range(groups * therapies):
        article = make_article(slug=f"article-{a}", published_at=now - datetime.timedelta(hours=a))
        article.related_therapies.set(all_therapies)
    table_article = make_article(slug="with-table", body=f"Costs:\n\n{COST_TABLE_MARKER}\n")
    table_article.related_therapies.set(all_therapies)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("url", EXPECTED_QUERIES)
def test_query_count_does_not_grow_with_rows(
    client, make_category, make_therapy, make_estimate, make_article, django_assert_num_queries, url, size
):
    build_site(make_category, make_therapy, make_estimate, make_article, *SIZES[size])

    with django_assert_num_queries(EXPECTED_QUERIES[url]):
        response = client.get(url)

    assert response.status_code == 200
