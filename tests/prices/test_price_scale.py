"""Pages stay small and fast however long the price history grows: the
current estimate is picked by the database, the public history is a summary
(recent rows, one chart point a month) with a paginated full history, and the
admin lists a capped number of estimates with a link to all of them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import COST_TABLE_MARKER
from core.cache import content_changed
from tests.page_helpers import PRICE_DISCLAIMER, day, page
from tests.prices.test_estimates_admin import blank_prefix, change_url, estimate_values, form_data
from prices import queries
from prices.countries import country_view
from prices.admin import estimates as content_admin
from prices.models import CostEstimate, EstimateState, main_kind_for_currency

TODAY = timezone.localdate
HISTORY = 500
SIZE_LIMIT = 100 * 1024


@pytest.fixture
def oral(make_category, make_therapy, make_article):
    group = make_category(name="Oral DMTs", slug="oral-dmts")
    make_therapy(generic_name="fingolimod", slug="fingolimod", category=group)
    make_article(slug="with-table", body=f"The costs today:\n\n{COST_TABLE_MARKER}\n")
    return group


def bulk_history(subject, count=HISTORY, every_days=3, **fields):
    """`count` estimates, one every `every_days` days back from today, the
    newest (today's) with the highest figures; newest first."""
    key = "therapy" if subject.__class__.__name__ == "Therapy" else "category"
    today = TODAY()
    fields.setdefault("kind", main_kind_for_currency(fields.get("currency", "USD")))
    rows = [
        CostEstimate(
            **{key: subject},
            low=Decimal(50000 + count - n),
            high=Decimal(70000 + count - n),
            currency="USD",
            as_of=today - datetime.timedelta(days=n * every_days),
            source_name=f"Survey {n}",
            **fields,
        )
        for n in range(count)
    ]
    CostEstimate.objects.bulk_create(rows)
    return list(CostEstimate.objects.filter(**{key: subject}).order_by("-as_of"))


def history_rows(p):
    table = p.html.split('class="table table-sm price-history-table"', 1)[1].split("</table>", 1)[0]
    return [" ".join(row.split()) for row in table.split("<tbody>", 1)[1].split("<tr>")[1:]]


def chart_dates(p):
    """The as-of dates of the chart's points, read from its description."""
    desc = p.html.split("<desc", 1)[1].split("</desc>", 1)[0]
    return [datetime.datetime.strptime(d, "%d %B %Y").date() for d in re.findall(r"(\d{1,2} \w+ \d{4}): ", desc)]


def shows(text, source):
    return re.search(rf"\b{source}\b", text) is not None


def withdraw(estimate):
    CostEstimate.objects.filter(pk=estimate.pk).update(
        state=EstimateState.WITHDRAWN, withdrawn_at=timezone.now(), withdrawal_reason="A typo."
    )
    content_changed()  # an update sends no signal: stored pages must go, as corrections.withdraw_import does


# --- Public pages ------------------------------------------------------------------------


@pytest.mark.parametrize("subject", ["therapy", "category"])
def test_a_long_history_shows_the_recent_estimates_and_a_link_to_the_rest(client, oral, subject):
    target = oral.therapies.get() if subject == "therapy" else oral
    history = bulk_history(target)

    response = client.get(target.get_absolute_url())

    assert len(response.content) < SIZE_LIMIT
    p = page(response)
    if subject == "therapy":
        rows = history_rows(p)
        assert "Current" in rows[0]
        assert "The most recent yearly cost estimates" in p.text
    else:
        # A group's own estimates are ranges published before its medicines'
        # figures: listed as dated history, none of them "current".
        listed = p.html.split('class="published-ranges', 1)[1].split("</ul>", 1)[0]
        rows = [" ".join(item.split()) for item in listed.split("<li>")[1:]]
        assert "Ranges published for the whole group before its medicines' figures were recorded" in p.text
        assert "Current" not in p.text
    assert len(rows) == queries.RECENT_ESTIMATES
    assert day(history[0].as_of) in rows[0]
    assert day(history[queries.RECENT_ESTIMATES - 1].as_of) in rows[-1]
    assert day(history[queries.RECENT_ESTIMATES].as_of) not in p.text
    prices_url = f"{target.get_absolute_url()}prices/"
    assert prices_url in p.links()
    assert "Full price history" in p.text


def test_a_short_history_has_no_link_to_a_full_history(client, oral, make_estimate):
    therapy = oral.therapies.get()
    make_estimate(therapy, as_of=TODAY() - datetime.timedelta(days=40))
    make_estimate(therapy, as_of=TODAY() - datetime.timedelta(days=4))
    make_estimate(oral, as_of=TODAY() - datetime.timedelta(days=400))

    p = page(client.get(therapy.get_absolute_url()))

    assert len(history_rows(p)) == 2
    assert "Full price history" not in p.text and "Every yearly cost estimate" in p.text
    assert "Full price history" not in page(client.get("/categories/oral-dmts/")).text


def line_points(p):
    """How many points the chart's upper line joins."""
    return len(p.html.split('class="line-high" points="', 1)[1].split('"', 1)[0].split())


def test_the_chart_has_one_point_a_month_and_ends_with_the_current_estimate(client, oral, make_estimate):
    therapy = oral.therapies.get()
    history = bulk_history(therapy)  # one every 3 days: about ten a month
    # Another product priced on one month's last day: a different price, not a
    # point of this line (the chart follows the current estimate's product).
    last_day = max(e.as_of for e in history if (e.as_of.year, e.as_of.month) != (TODAY().year, TODAY().month))
    brand = CostEstimate.objects.get(therapy=therapy, as_of=last_day)
    generic = make_estimate(therapy, as_of=last_day, product="generic", low=Decimal("1000"), high=Decimal("2000"))

    from prices.countries import country_view

    points = queries.month_points(therapy, queries.price_history(therapy, country_view()).current)

    months = [(e.as_of.year, e.as_of.month) for e in points]
    assert len(months) == len(set(months)), "at most one point a month"
    assert [e.as_of for e in points] == sorted(e.as_of for e in points)
    assert points[-1].id == history[0].id
    for point in points:
        same_month = [e for e in history if (e.as_of.year, e.as_of.month) == (point.as_of.year, point.as_of.month)]
        assert point.as_of == max(e.as_of for e in same_month)
    assert brand.id in {p.id for p in points} and generic.id not in {p.id for p in points}
    assert len(points) == len({(e.as_of.year, e.as_of.month) for e in history})

    p = page(client.get(therapy.get_absolute_url()))
    assert line_points(p) == len(points)
    assert chart_dates(p)[-1] == history[0].as_of  # the description names the latest
    assert "US list price figures only" in p.text
    assert len(p.html.encode()) < SIZE_LIMIT


def test_a_short_chart_marks_and_describes_every_point(client, oral, make_estimate):
    therapy = oral.therapies.get()
    dates = [TODAY() - datetime.timedelta(days=d) for d in (400, 200, 100, 3)]
    for as_of in dates:
        make_estimate(therapy, as_of=as_of)

    p = page(client.get(therapy.get_absolute_url()))

    assert chart_dates(p) == sorted(dates)
    assert p.html.split("<svg", 1)[1].count("<circle") == 2 * len(dates)


def test_the_chart_reaches_back_at_most_ten_years(client, oral):
    therapy = oral.therapies.get()
    bulk_history(therapy, count=200, every_days=30)  # over sixteen years, about one a month

    from prices.countries import country_view

    points = queries.month_points(therapy, queries.price_history(therapy, country_view()).current)
    p = page(client.get(therapy.get_absolute_url()))

    assert line_points(p) == len(points) <= queries.CHART_MONTHS
    assert points[-1].as_of == TODAY()
    assert points[0].as_of >= TODAY() - datetime.timedelta(days=3660)
    assert p.html.split("<svg", 1)[1].count("<circle") == 2  # only the latest is marked on a long chart


def test_the_full_history_is_paginated_newest_first(client, oral):
    therapy = oral.therapies.get()
    history = bulk_history(therapy, count=120)
    url = f"/therapies/{therapy.slug}/prices/"

    first = page(client.get(url))
    rows = history_rows(first)
    assert len(rows) == queries.FULL_HISTORY_PAGE_SIZE
    assert day(history[0].as_of) in rows[0] and "US list price" in rows[0]
    assert "Kind of figure" in first.text
    assert "Current" not in first.text  # every estimate we have recorded, none singled out
    assert "Page 1 of 3" in first.text and "120 in all" in first.text
    assert "?page=2" in first.links()
    assert PRICE_DISCLAIMER in first.text

    last = page(client.get(url, {"page": 3}))
    rows = history_rows(last)
    assert len(rows) == 20
    assert day(history[-1].as_of) in rows[-1] and "Current" not in last.text

    for bad in ("4", "0", "two", "-1"):
        assert client.get(url, {"page": bad}).status_code == 404, bad


def test_the_category_full_history_and_a_therapy_without_its_own_prices(client, oral, make_estimate):
    make_estimate(oral, source_name="Group survey")
    therapy = oral.therapies.get()

    category_page = page(client.get("/categories/oral-dmts/prices/"))
    assert "Group survey" in category_page.text and PRICE_DISCLAIMER in category_page.text

    therapy_page = page(client.get(f"/therapies/{therapy.slug}/prices/"))
    assert "We have no United States figure for fingolimod alone yet." in therapy_page.text
    assert "/categories/oral-dmts/prices/" in therapy_page.links()


def test_full_history_of_unpublished_subjects_is_not_found(client, make_category, make_therapy, make_estimate):
    hidden = make_category(name="Hidden", slug="hidden", status="draft", published_at=None)
    make_estimate(hidden)
    live_therapy_in_hidden_group = make_therapy(slug="in-hidden", category=hidden)

    assert client.get("/categories/hidden/prices/").status_code == 404
    assert client.get(f"/therapies/{live_therapy_in_hidden_group.slug}/prices/").status_code == 404
    assert client.get("/therapies/no-such-thing/prices/").status_code == 404


def test_withdrawn_and_superseded_rows_are_left_out_of_the_history(client, oral):
    therapy = oral.therapies.get()
    history = bulk_history(therapy, count=30)
    withdraw(history[0])
    CostEstimate.objects.filter(pk=history[1].pk).update(state=EstimateState.SUPERSEDED)

    full = page(client.get(f"/therapies/{therapy.slug}/prices/"))
    assert not shows(full.text, "Survey 0") and not shows(full.text, "Survey 1") and shows(full.text, "Survey 2")
    assert "29 in all" not in full.text and "28 in all" in full.text
    summary = page(client.get(therapy.get_absolute_url()))
    assert not shows(summary.text, "Survey 0") and not shows(summary.text, "Survey 1")
    assert chart_dates(summary)[-1] == history[2].as_of


# --- The current estimate -----------------------------------------------------------------


def test_the_current_estimate_is_the_newest_in_use(client, oral, make_estimate):
    therapy = oral.therapies.get()
    base = TODAY() - datetime.timedelta(days=60)
    older = make_estimate(therapy, low=Decimal("61000"), high=Decimal("71000"), as_of=base)
    newer = make_estimate(therapy, low=Decimal("62000"), high=Decimal("72000"), as_of=base + datetime.timedelta(days=30))
    # A UK figure recorded later for the same day: another country's, shown in its own view.
    same_day_later = make_estimate(therapy, low=Decimal("63000"), high=Decimal("73000"), as_of=newer.as_of,
                                   currency="GBP")
    withdrawn = make_estimate(therapy, low=Decimal("1"), high=Decimal("2"), as_of=base + datetime.timedelta(days=50))
    withdraw(withdrawn)
    superseded = make_estimate(therapy, low=Decimal("3"), high=Decimal("4"), as_of=base + datetime.timedelta(days=55))
    CostEstimate.objects.filter(pk=superseded.pk).update(state=EstimateState.SUPERSEDED)
    assert same_day_later.recorded_at >= newer.recorded_at and older

    for url in ("/", "/therapies/", therapy.get_absolute_url(), "/categories/oral-dmts/", "/articles/with-table/"):
        text = page(client.get(url)).text
        assert "US$62,000 to US$72,000 a year" in text, url
        assert "US$1 to US$2" not in text and "US$3 to US$4" not in text, url
        assert "£63,000" not in text, url
        if url != therapy.get_absolute_url():  # its page lists the older one in its history
            assert "US$61,000 to US$71,000" not in text, url
    for url in ("/", therapy.get_absolute_url(), "/categories/oral-dmts/"):
        uk = page(client.get(url, {"country": "uk"})).text
        assert "£63,000 to £73,000 a year" in uk and "US$62,000" not in uk, url

    [current] = queries.attach_own_estimates([therapy], country_view("uk"))
    assert current.own_estimates == [same_day_later]

    withdraw(newer)
    for url in ("/", therapy.get_absolute_url(), "/categories/oral-dmts/"):
        text = page(client.get(url)).text
        assert "US$61,000 to US$71,000 a year" in text and "US$62,000" not in text, url


def test_current_figures_of_many_medicines_come_in_one_query(oral, make_therapy, django_assert_num_queries):
    therapy = oral.therapies.get()
    other = make_therapy(generic_name="siponimod", slug="siponimod", category=oral)
    newest_first = bulk_history(therapy, count=50)
    bulk_history(other, count=50, product="Mayzent (brand)")
    view = country_view()

    with django_assert_num_queries(1):
        queries.attach_own_estimates([therapy, other], view)

    assert therapy.own_estimates == newest_first[:1]
    assert [(e.product, e.as_of) for e in other.own_estimates] == [("Mayzent (brand)", TODAY())]


# --- Admin change pages --------------------------------------------------------------------


def admin_page_queries(editor_client, subject):
    with CaptureQueriesContext(connection) as context:
        response = editor_client.get(change_url(subject))
    assert response.status_code == 200
    return len(context), response


@pytest.mark.parametrize("subject", ["therapy", "category"])
def test_admin_change_page_lists_the_newest_estimates_and_links_to_all(editor_client, oral, subject):
    target = oral.therapies.get() if subject == "therapy" else oral
    history = bulk_history(target)
    withdraw(history[1])

    response = editor_client.get(change_url(target))  # also fills the content type cache
    few_queries, _ = admin_page_queries(editor_client, target)
    html = response.content.decode()
    data = form_data(response)

    shown = content_admin.ESTIMATES_SHOWN_INLINE
    assert int(data["cost_estimates-INITIAL_FORMS"]) == shown
    assert f"cost_estimates-{shown}-low" in data  # the blank row to record a new estimate
    assert f"Showing the {shown} newest of 500 cost estimates" in html
    field = "therapy" if subject == "therapy" else "category"
    link = f"/admin/prices/costestimate/?{field}__id__exact={target.pk}"
    assert link in html
    assert shows(html, f"Survey {shown - 1}") and not shows(html, f"Survey {shown}")
    assert shows(html, "Survey 1")  # the withdrawn one stays listed

    full_list = editor_client.get(link)
    assert full_list.status_code == 200
    assert "500 cost estimates" in full_list.content.decode()

    # The same number of queries as with a short history.
    CostEstimate.objects.filter(pk__in=[e.pk for e in history[25:]]).delete()
    short_queries, _ = admin_page_queries(editor_client, target)
    assert few_queries == short_queries
    assert few_queries <= 20  # 20 since the plain-language checks read the glossary (one query)


def test_a_new_estimate_is_recorded_through_the_capped_inline(editor_client, editor, oral):
    therapy = oral.therapies.get()
    bulk_history(therapy, count=60, every_days=7)
    url = change_url(therapy)
    data = form_data(editor_client.get(url))
    # Someone else records an estimate meanwhile: the rows shown are still the ones posted.
    CostEstimate.objects.create(therapy=therapy, low=1000, high=2000, as_of=TODAY() - datetime.timedelta(days=1),
                                source_name="Meanwhile")
    data.update(estimate_values(blank_prefix(data), as_of=(TODAY() - datetime.timedelta(days=2)).isoformat(),
                                source_name="Typed in", low="52000", high="72000"))  # near the current figure

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert therapy.cost_estimates.count() == 62
    assert therapy.cost_estimates.get(source_name="Typed in").recorded_by == editor
