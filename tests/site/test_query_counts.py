"""Every public page runs the same number of SQL queries whether the site has
one therapy or thirty: related rows are prefetched, never fetched per row."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import COST_TABLE_MARKER
from pages.models import SitePage
from editorial.models import GlossaryTerm, Reference, StaffProfile
from tests.conftest import LIVE
from tests.database_state import KeptRows
from editorial import workflow
from editorial.models import Revision
from therapies.models import Category, Therapy

pytestmark = pytest.mark.slow

# Per page: what each query is for, on the first request after a change.
# Every page starts by looking for scheduled revisions whose go-live time has
# come ("due"); that and the glossary are then kept until the next change
# (WHILE_NOTHING_CHANGES below). The home,
# emerging and care pages open with a reviewed site text ("intro"): one query,
# added when that text moved out of the templates into the admin.
EXPECTED_QUERIES = {
    # Every page showing prices reads the kinds of figure, with their countries,
    # in one query (prices.countries.country_view, issue 19): the country the
    # address asks for and the kinds it shows. A group's range is worked out
    # from its medicines' own current figures, never read as its own estimate.
    # The cost table is kept until the content changes or the next scheduled
    # change (prices/cost_table.py): on the first request after a change, the
    # time of that change is read too.
    "/": 9,  # due, intro, kinds, schedule, DMT groups, their therapies, medicines' own (one query), latest articles, glossary
    # The chooser works out its filters' options from the one list of therapies (issue 10).
    "/therapies/": 5,  # due, DMT groups, their therapies, kinds, medicines' own
    "/therapies/?route=injection&efficacy=high&t=therapy-0-0": 5,  # the same, therapies filtered and ticked
    "/compare/?t=therapy-0-0&t=emerging-0-0&t=care-0-0": 4,  # due, therapies + groups, kinds, their own prices
    # A price history is a bounded summary (issue 8): its most recent estimates
    # (the first is the current one) and the chart's month points, one query
    # each, whatever the length of the history. The therapy page shows its own
    # figures per product and kind first, and its group's ranges (from its
    # medicines' current figures) as context.
    # A page with an editor's body text reads the glossary once, to show each
    # term's plain meaning after its first use (issue 23, core.markup.explain_terms).
    "/therapies/therapy-0-0/": 11,  # due, therapy + group + approver, articles, references, its forms (issue 18),
    # kinds, its own current ones, its group's medicines' current ones, its recent estimates, its chart, glossary
    # A group's page: its medicines' figures (for their cards and the group's
    # ranges) and the ranges once published for the group itself, listed as
    # history without a chart.
    "/categories/group-0/": 7,  # due, group + approver, its therapies, kinds, their own current ones, its published ranges, glossary
    "/categories/emerging-0/": 7,
    # The sections are kept like the cost table (pages/sections.py): schedule, then the sections' two.
    "/emerging/": 6,  # due, intro, glossary, schedule, sections + approvers (with profiles), their therapies
    "/care/": 6,  # the same, with the crisis lines in the intro's query
    # The decision aid (issue 22): its texts (introduction and questions) in
    # one query; the answers match every medicine from one list, with its
    # approver for the review credit, and their own prices.
    "/decide/": 3,  # due, texts, kinds (the country choice)
    "/decide/answers/?way=tablet&tests=12&pregnancy=yes&cost=yes": 5,  # due, texts, kinds, medicines, their own
    "/decide/summary/?way=clinic&weighing=stronger": 5,  # the same
    "/articles/": 3,  # due, count, one page
    "/articles/article-0/": 5,  # due, article + approver, glossary, its related therapies, its references
    "/articles/with-table/": 10,  # the same + schedule + the cost table's four (kinds, DMT groups, their therapies, medicines' own)
}

# Pages that show a reviewer's credit, and pages with a reference list.
CREDITED = ["/therapies/therapy-0-0/", "/categories/group-0/", "/categories/emerging-0/", "/emerging/", "/care/",
            "/articles/article-0/"]
CITING = ["/therapies/therapy-0-0/", "/articles/article-0/", "/articles/with-table/"]
INTRODUCED = {"/": "home", "/emerging/": "emerging", "/care/": "care"}

SIZES = {"small": (1, 1, 1), "large": (5, 6, 4)}
# Each size's site is built through the models once per test process, and its
# rows written in for the other pages' tests (the large one takes seconds).
KEPT_SITES = {size: KeptRows() for size in SIZES}


@pytest.fixture(autouse=True)
def pages_rendered_every_time(settings):
    """These counts are what rendering a page costs. A page served from the
    page cache costs none (tests/core/test_page_cache.py pins that)."""
    settings.PAGE_CACHE_SECONDS = 0


def cite(count, **subject):
    for n in range(count):
        Reference.objects.create(
            **subject, position=count - n, title=f"Source {n}", publisher="A publisher",
            url=f"https://example.org/source-{n}", accessed_on=datetime.date(2026, 1, 5),
        )


def build_site(make_category, make_therapy, make_estimate, make_article, groups, therapies, estimates):
    """Every record signed off by one of several reviewers (each credit is
    shown; on the large site from their staff profiles), with `estimates`
    references each on therapy and article pages, and the three site texts live."""
    today = timezone.localdate()
    User = get_user_model()
    reviewers = [User.objects.create_user(f"reviewer{n}", first_name="Rev", last_name=f"Iewer {n}") for n in range(groups)]
    if groups > 1:
        for n, reviewer in enumerate(reviewers):
            StaffProfile.objects.create(user=reviewer, display_name=f"Dr Rev {n}", credentials="neurologist")
    for key in SitePage.Key.values:
        SitePage.objects.create(key=key, title=f"Intro {key}", body=f"The {key} text.", **LIVE)
    approved_at = timezone.now() - datetime.timedelta(days=3)
    all_therapies = []
    for g in range(groups):
        for kind, prefix in (
            (Category.Kind.DISEASE_MODIFYING, "group"),
            (Category.Kind.EMERGING, "emerging"),
            (Category.Kind.SUPPORTIVE, "care"),
        ):
            category = make_category(
                kind=kind, name=f"{prefix} {g}", slug=f"{prefix}-{g}", approved_by=reviewers[g], approved_at=approved_at
            )
            for e in range(estimates):
                make_estimate(category, low=Decimal(50000 + e), as_of=today - datetime.timedelta(days=100 * e))
            for t in range(therapies):
                therapy = make_therapy(
                    generic_name=f"{prefix} therapy {g}-{t}",
                    slug=f"{'therapy' if prefix == 'group' else prefix}-{g}-{t}",
                    category=category,
                    route=Therapy.Route.INJECTION if t % 2 == 0 else Therapy.Route.ORAL,
                    development_stage=Therapy.Stage.PHASE_2 if kind == Category.Kind.EMERGING else "",
                    approved_by=reviewers[g],
                    approved_at=approved_at,
                )
                all_therapies.append(therapy)
                cite(estimates, cited_by=therapy)
                if kind == Category.Kind.DISEASE_MODIFYING:
                    for e in range(estimates):
                        make_estimate(therapy, low=Decimal(40000 + e), as_of=today - datetime.timedelta(days=90 * e))
    now = timezone.now()
    for a in range(groups * therapies):
        article = make_article(
            slug=f"article-{a}", published_at=now - datetime.timedelta(hours=a),
            approved_by=reviewers[a % groups], approved_at=approved_at,
        )
        article.related_therapies.set(all_therapies)
        cite(estimates, cited_by=article)
    table_article = make_article(slug="with-table", body=f"Costs:\n\n{COST_TABLE_MARKER}\n")
    table_article.related_therapies.set(all_therapies)
    cite(estimates, cited_by=table_article)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("url", EXPECTED_QUERIES)
def test_query_count_does_not_grow_with_rows(
    client, make_category, make_therapy, make_estimate, make_article, django_assert_num_queries, url, size
):
    KEPT_SITES[size].load(lambda: build_site(make_category, make_therapy, make_estimate, make_article, *SIZES[size]))

    with django_assert_num_queries(EXPECTED_QUERIES[url]):
        response = client.get(url)

    assert response.status_code == 200
    text = response.content.decode()
    if url in CREDITED:
        # The approver (and their profile) came with the record, not in a query of their own.
        credit = "Reviewed by Rev Iewer 0" if size == "small" else "Reviewed by Dr Rev 0, neurologist"
        assert credit in text
    if url in ("/emerging/", "/care/") and size == "large":
        assert "Reviewed by Dr Rev 4, neurologist" in text
    if url in INTRODUCED:
        assert f"The {INTRODUCED[url]} text." in text
    if url in CITING:
        assert text.count("https://example.org/source-") == SIZES[size][2]


def test_the_first_request_after_a_go_live_time_applies_the_change_then_counts_settle(
    client, make_category, make_therapy, make_estimate, make_article, django_assert_num_queries
):
    """Applying a due revision costs queries once; the next request is back to
    the pinned count, less the glossary and the kinds of figure: read once
    the change was applied, they are kept until the next change
    (core.kept.KeptWhileContentUnchanged)."""
    build_site(make_category, make_therapy, make_estimate, make_article, *SIZES["small"])
    therapy = Therapy.objects.get(slug="therapy-0-0")
    data = workflow.snapshot(therapy)
    data["summary"] = "The scheduled summary."
    Revision.objects.create(
        content_type=ContentType.objects.get_for_model(Therapy), object_id=therapy.pk, data=data,
        status=Revision.Status.SCHEDULED, go_live_at=timezone.now() - datetime.timedelta(seconds=1),
    )

    assert "The scheduled summary." in client.get("/therapies/therapy-0-0/").content.decode()
    with django_assert_num_queries(EXPECTED_QUERIES["/therapies/therapy-0-0/"] - 2):
        response = client.get("/therapies/therapy-0-0/")
    assert "The scheduled summary." in response.content.decode()


# The second request, with nothing changed: no due, glossary or kinds query,
# and the home page's cost table kept.
WHILE_NOTHING_CHANGES = {
    "/": 2,  # intro, latest articles
    "/therapies/therapy-0-0/": EXPECTED_QUERIES["/therapies/therapy-0-0/"] - 3,
    "/care/": 1,  # intro and crisis lines (the sections kept)
    "/articles/article-0/": EXPECTED_QUERIES["/articles/article-0/"] - 2,
    "/articles/with-table/": 3,  # article + approver, its related therapies, its references
}


@pytest.mark.parametrize("url", WHILE_NOTHING_CHANGES)
def test_while_nothing_changes_a_page_reads_neither_the_schedule_nor_the_glossary_again(
    client, make_category, make_therapy, make_estimate, make_article, django_assert_num_queries, url
):
    """Every public page checks for scheduled revisions that are due, and most
    read the reviewed glossary: both are kept in the process until the
    content changes. A change (here a newly checked glossary term) reads them
    again, and its page shows it at once."""
    KEPT_SITES["small"].load(lambda: build_site(make_category, make_therapy, make_estimate, make_article, *SIZES["small"]))
    client.get(url)
    with django_assert_num_queries(WHILE_NOTHING_CHANGES[url]):
        client.get(url)

    GlossaryTerm.objects.create(
        term="text", plain_meaning="written words", checked_by=get_user_model().objects.first(), checked_at=timezone.now()
    )
    with django_assert_num_queries(EXPECTED_QUERIES[url]):
        response = client.get(url)
    if url == "/care/":
        assert "(written words)" in response.content.decode()
