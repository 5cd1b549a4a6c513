"""What readers searched for, kept for editors without personal data: one row
per term and day with a count and the latest number of results, and the
dashboard's "searched for but not found" panel."""

import datetime
import logging

import pytest
from django.utils import timezone

from search import log
from search.models import SearchTerm
from search.templatetags.search_panel import not_found_terms
from tests.page_helpers import page
from tests.search.test_search import old_terms_already_forgotten_today  # noqa: F401 (an autouse fixture)

SEARCH = "/search/"


def test_searches_are_counted_per_term_and_day_with_the_latest_result_count(client, make_article):
    make_article(title="Fatigue", body="Fatigue.")
    client.get(SEARCH, {"q": "Fatigue"})
    client.get(SEARCH, {"q": "  fatigue   "})
    client.get(SEARCH, {"q": "FATIGUE", "page": "2"})  # a further page of the same search: not counted again
    client.get(SEARCH, {"q": "walking aids"})

    rows = {row.term: row for row in SearchTerm.objects.all()}
    assert set(rows) == {"fatigue", "walking aids"}
    assert (rows["fatigue"].searches, rows["fatigue"].results, rows["fatigue"].day) == (2, 1, timezone.localdate())
    assert (rows["walking aids"].searches, rows["walking aids"].results) == (1, 0)

    make_article(title="Walking aids", body="Sticks and frames.")
    client.get(SEARCH, {"q": "walking aids"})
    row = SearchTerm.objects.get(term="walking aids")
    assert (row.searches, row.results) == (2, 1)


def test_a_misspelling_answered_only_by_did_you_mean_counts_as_not_found(client, make_therapy):
    make_therapy(generic_name="dimethyl fumarate", slug="dimethyl-fumarate", brand_names="Tecfidera")
    response = client.get(SEARCH, {"q": "tecfidra"})
    assert "Did you mean Tecfidera?" in page(response).text
    assert SearchTerm.objects.get(term="tecfidra").results == 0
    assert "tecfidra" in [term for term, _searches in not_found_terms()]


def test_days_older_than_the_logs_keeping_time_are_forgotten(client, make_article, settings):
    settings.SEARCH_LOG_DAYS = 30
    today = timezone.localdate()
    SearchTerm.objects.create(term="old", day=today - datetime.timedelta(days=31))
    SearchTerm.objects.create(term="recent", day=today - datetime.timedelta(days=30))
    log._forgotten_on = None

    client.get(SEARCH, {"q": "fatigue"})

    assert set(SearchTerm.objects.values_list("term", flat=True)) == {"recent", "fatigue"}


def test_a_name_that_goes_straight_to_its_page_is_counted_as_found(client, make_therapy):
    make_therapy(generic_name="fingolimod", slug="fingolimod", brand_names="Gilenya")
    assert client.get(SEARCH, {"q": "Gilenya"}).status_code == 302
    assert SearchTerm.objects.get(term="gilenya").results == 1


@pytest.mark.parametrize(
    "query",
    ["", "   ", "jane@example.org", "my email is a@b", "07700 900123", "NHS 485 777 3456", "4111111111111111", "!!!", "the"],
)
def test_empty_wordless_and_possibly_personal_queries_are_not_kept(client, db, query):
    assert client.get(SEARCH, {"q": query}).status_code == 200
    assert not SearchTerm.objects.exists()


def test_nothing_about_the_reader_is_kept(client, db):
    client.get(SEARCH, {"q": "fatigue"}, HTTP_USER_AGENT="Reader's browser/1.0", REMOTE_ADDR="203.0.113.9")
    fields = {field.name for field in SearchTerm._meta.get_fields()}
    assert fields == {"id", "term", "day", "searches", "results"}
    row = SearchTerm.objects.values().get()
    assert "203.0.113.9" not in str(row) and "browser" not in str(row)


def test_terms_are_kept_at_most_100_characters(client, db):
    client.get(SEARCH, {"q": "walking " * 40})
    assert len(SearchTerm.objects.get().term) <= 100


def test_a_failing_log_never_breaks_the_page(client, make_article, monkeypatch, caplog):
    make_article(title="Fatigue", body="Fatigue.")
    monkeypatch.setattr(SearchTerm._meta, "db_table", "search_term_table_that_is_missing")
    with caplog.at_level(logging.WARNING, logger="search.log"):
        response = client.get(SEARCH, {"q": "fatigue"})
    assert response.status_code == 200
    assert "1 page found" in page(response).text
    assert "could not be recorded" in caplog.text
    monkeypatch.undo()
    # The page's own transaction, if any, is unharmed.
    assert log.record("fatigue", 1)


def test_the_dashboard_lists_what_readers_searched_for_but_did_not_find(client, editor_web, make_article):
    make_article(title="Fatigue", body="Fatigue.")
    for query in ["ocrevus cost", "ocrevus cost", "ocrevus cost", "heat", "fatigue"]:
        client.get(SEARCH, {"q": query})
    old = timezone.localdate() - datetime.timedelta(days=31)
    SearchTerm.objects.create(term="long ago", day=old, searches=50, results=0)

    assert not_found_terms() == [("ocrevus cost", 3), ("heat", 1)]
    p = page(editor_web.get("/admin/"))
    panel = p.section_text("Searched for but not found", "All searches that found nothing")
    assert "“ocrevus cost”: 3 searches" in panel
    assert "“heat”: 1 search" in panel
    assert "fatigue" not in panel and "long ago" not in panel

    # The full list is read-only, for editors too.
    response = editor_web.get("/admin/search/searchterm/?results=0")
    assert response.status_code == 200
    assert "ocrevus cost" in response.content.decode()
    assert editor_web.get("/admin/search/searchterm/add/").status_code == 403


def test_the_panel_is_shown_only_to_staff_who_may_see_the_log(price_web, db):
    assert "Searched for but not found" not in price_web.get("/admin/").content.decode()
