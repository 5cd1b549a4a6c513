"""Open price data: /prices.csv, /prices.json and /prices/history.csv give the
published prices (and only those), with the licence and the disclaimer,
escaped against spreadsheet formulas, streamed for the history, and answer
conditional requests with 304, from the page cache too. The "Reuse our
data" page explains them."""

import csv
import datetime
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from tests.page_helpers import PRICE_DISCLAIMER, assert_site_layout, money, page
from prices import open_data
from prices.open_data import history
from prices.models import CostEstimate
from prices.pricing import corrections

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EARLIER = TODAY - datetime.timedelta(days=400)
LATER = TODAY - datetime.timedelta(days=20)
FUTURE = timezone.now() + datetime.timedelta(days=3)


def rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


@pytest.fixture
def priced(make_category, make_therapy, make_estimate):
    """A live group and medicine with prices, and subjects readers cannot see."""
    group = make_category(name="Daily pills", slug="oral-dmts")
    medicine = make_therapy(generic_name="fingolimod", slug="fingolimod", category=group)
    make_estimate(group, low=Decimal("80000"), high=Decimal("100000"), as_of=EARLIER)
    group_now = make_estimate(group, low=Decimal("81000"), high=Decimal("101000"), as_of=LATER)
    brand = make_estimate(medicine, product="Gilenya (brand)", low=Decimal("105390"), high=Decimal("105390"),
                          as_of=LATER, source_name="Annual prices 2020")
    generic = make_estimate(medicine, product="generic fingolimod", low=Decimal("18250.50"),
                            high=Decimal("20000"), as_of=LATER)
    draft = make_therapy(generic_name="draftumab", slug="draftumab", category=group, is_published=False)
    make_estimate(draft, low=Decimal("1000"), high=Decimal("2000"), source_name="Secret draft source")
    hidden_group = make_category(name="Hidden group", slug="hidden-group", is_published=False)
    make_estimate(hidden_group, source_name="Hidden group source")
    in_hidden_group = make_therapy(generic_name="orphanib", slug="orphanib", category=hidden_group)
    make_estimate(in_hidden_group, source_name="Orphan source")
    scheduled = make_therapy(generic_name="laterumab", slug="laterumab", category=group, published_at=FUTURE)
    make_estimate(scheduled, source_name="Scheduled source")
    return {"group": group, "medicine": medicine, "group_now": group_now, "brand": brand, "generic": generic}


# --- The current prices ---------------------------------------------------------------------


def test_the_csv_lists_each_published_subjects_current_price_and_nothing_readers_cannot_see(client, priced):
    response = client.get("/prices.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ms-treatment-prices.csv"'
    found = rows(response)
    assert list(found[0]) == open_data.CURRENT_COLUMNS
    by_key = {(row["subject"], row["product"]): row for row in found}
    assert set(by_key) == {
        ("Daily pills", ""), ("fingolimod", "Gilenya (brand)"), ("fingolimod", "generic fingolimod"),
    }
    # The group's row is worked out from its medicine's current figures (the
    # lowest low, the highest high), not its own typed estimates.
    group = by_key[("Daily pills", "")]
    assert group == {
        "subject": "Daily pills", "subject_type": "category", "product": "", "country": "us", "kind": "us-list",
        "kind_name": "US list price", "low": "18250.50", "high": "105390.00", "currency": "USD", "unit_price": "",
        "unit": "", "units_per_year": "", "as_of": LATER.isoformat(), "as_of_precision": "day",
        "source": "Worked out from 2 current figures of this kind for 1 of its medicines on this site",
        "source_url": "", "page_url": "http://testserver/categories/oral-dmts/",
    }
    generic = by_key[("fingolimod", "generic fingolimod")]
    assert (generic["subject_type"], generic["low"], generic["high"]) == ("therapy", "18250.50", "20000.00")
    assert (generic["kind"], generic["source"]) == ("us-list", "Test price survey")
    assert generic["page_url"] == "http://testserver/therapies/fingolimod/"
    text = response.content.decode()
    for hidden in ("Secret draft source", "Hidden group", "Orphan source", "Scheduled source", "laterumab"):
        assert hidden not in text


def test_the_csv_figures_are_the_ones_the_pages_show(client, priced):
    # A medicine's figures. (A group's row is its medicines' range, which the
    # group pages show once they work it out too: issue 19's page work.)
    for row in rows(client.get("/prices.csv")):
        if row["subject_type"] != "therapy":
            continue
        shown = page(client.get(row["page_url"].removeprefix("http://testserver")))
        # The pages round to whole units, halves up (US$18,250.50 shows as US$18,251).
        low, high = (money(int(Decimal(row[end]).quantize(Decimal(1), ROUND_HALF_UP))) for end in ("low", "high"))
        figures = f"{low} a year" if low == high else f"{low} to {high} a year"
        assert figures in shown.text, (row, figures)


def test_a_withdrawn_or_corrected_price_leaves_the_current_files(client, priced, price_editor):
    corrections.withdraw(priced["generic"], price_editor, "Entered for the wrong medicine.")
    corrections.correct(priced["brand"], price_editor, "Typo in the figure.", low=Decimal("95000"),
                        high=Decimal("96000"), source_name="Annual prices 2020")
    by_key = {(row["subject"], row["product"]): row for row in rows(client.get("/prices.csv"))}
    assert set(by_key) == {("Daily pills", ""), ("fingolimod", "Gilenya (brand)")}
    assert by_key[("fingolimod", "Gilenya (brand)")]["low"] == "95000.00"
    # The group's range follows its medicine's figures.
    assert (by_key[("Daily pills", "")]["low"], by_key[("Daily pills", "")]["high"]) == ("95000.00", "96000.00")


def test_the_json_has_the_licence_the_disclaimer_and_the_same_prices(client, priced):
    response = client.get("/prices.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert set(document) == {
        "licence", "disclaimer", "documentation", "datapackage", "country", "generated", "last_modified", "prices",
    }
    assert document["licence"] == {
        "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert PRICE_DISCLAIMER in document["disclaimer"] and "<" not in document["disclaimer"]
    assert document["documentation"] == "http://testserver/data/"
    assert document["datapackage"] == "http://testserver/data/datapackage.json"
    assert document["country"] is None
    assert datetime.datetime.fromisoformat(document["last_modified"]) <= timezone.now()
    csv_rows = rows(client.get("/prices.csv"))
    assert len(document["prices"]) == len(csv_rows) == 3
    for item, row in zip(document["prices"], csv_rows):
        assert set(item) == set(open_data.CURRENT_COLUMNS)
        assert Decimal(str(item["low"])) == Decimal(row["low"]) and Decimal(str(item["high"])) == Decimal(row["high"])
        assert item["subject"] == row["subject"] and item["page_url"] == row["page_url"]
    generic = next(item for item in document["prices"] if item["product"] == "generic fingolimod")
    assert generic["low"] == 18250.5 and generic["high"] == 20000


def test_the_licence_is_a_setting_and_the_csv_names_it_and_the_documentation(client, priced, settings):
    settings.MSINFO_DATA_LICENCE_NAME = "Open Data Commons Attribution License"
    settings.MSINFO_DATA_LICENCE_URL = "https://opendatacommons.org/licenses/by/1-0/"
    assert json.loads(client.get("/prices.json").content)["licence"]["name"] == "Open Data Commons Attribution License"
    for url in ("/prices.csv", "/prices/history.csv"):
        link = client.get(url)["Link"]
        assert '<https://opendatacommons.org/licenses/by/1-0/>; rel="license"' in link
        assert '<http://testserver/data/>; rel="describedby"' in link


def test_addresses_use_the_site_url_when_set(client, priced, settings):
    settings.SITE_URL = "https://msinfo.example.org"
    assert {row["page_url"] for row in rows(client.get("/prices.csv"))} == {
        "https://msinfo.example.org/categories/oral-dmts/", "https://msinfo.example.org/therapies/fingolimod/",
    }
    history = rows(client.get("/prices/history.csv"))
    assert {row["page_url"] for row in history} == {
        "https://msinfo.example.org/categories/oral-dmts/", "https://msinfo.example.org/therapies/fingolimod/",
    }


# --- Spreadsheet formulas ------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_written_as_text(start):
    assert open_data.spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"


def test_ordinary_text_is_left_alone():
    assert open_data.spreadsheet_safe("Annual prices 2020") == "Annual prices 2020"
    assert open_data.spreadsheet_safe("") == "" and open_data.spreadsheet_safe(None) == ""


def test_formula_cells_in_both_csv_files_are_escaped_and_amounts_are_not(client, make_therapy, make_estimate):
    therapy = make_therapy(generic_name="=1+2", slug="formula")
    make_estimate(therapy, product="@SUM(A1)", low=Decimal("0"), high=Decimal("12.5"),
                  source_name='=HYPERLINK("http://evil.example","click")', source_url="")
    for url in ("/prices.csv", "/prices/history.csv"):
        [row] = [row for row in rows(client.get(url)) if row["subject_type"] == "therapy"]
        assert row["source"] == '\'=HYPERLINK("http://evil.example","click")'
        assert row["subject"] == "'=1+2"
        assert row["product"] == "'@SUM(A1)"
        assert (row["low"], row["high"]) == ("0.00", "12.50")


def test_amounts_can_never_be_negative():
    """So a number never starts with "-" and never needs escaping: the database refuses one."""
    names = {constraint.name for constraint in CostEstimate._meta.constraints}
    assert {"cost_estimate_low_non_negative", "cost_estimate_high_non_negative"} <= names


# --- The whole history ------------------------------------------------------------------------


def test_the_history_streams_every_published_estimate_with_its_state(client, priced, price_editor):
    withdrawn = corrections.withdraw(priced["group_now"], price_editor, "=Entered for the wrong group.")
    correction = corrections.correct(priced["brand"], price_editor, "Typo in the figure.", low=Decimal("95000"),
                                     high=Decimal("96000"), source_name="Annual prices 2020")
    response = client.get("/prices/history.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ms-treatment-price-history.csv"'
    found = rows(response)
    assert list(found[0]) == open_data.HISTORY_COLUMNS
    # Ordered by subject, then as-of date; nothing readers never saw. (Names
    # chosen to sort alike in every collation: "D" before "f" with or without case.)
    assert [(row["subject"], row["product"], row["as_of"], row["state"]) for row in found] == [
        ("Daily pills", "", EARLIER.isoformat(), "active"),
        ("Daily pills", "", LATER.isoformat(), "withdrawn"),
        ("fingolimod", "Gilenya (brand)", LATER.isoformat(), "corrected"),
        ("fingolimod", "Gilenya (brand)", LATER.isoformat(), "active"),
        ("fingolimod", "generic fingolimod", LATER.isoformat(), "active"),
    ]
    by_id = {int(row["estimate_id"]): row for row in found}
    gone = by_id[withdrawn.pk]
    assert gone["withdrawal_reason"] == "'=Entered for the wrong group."
    assert datetime.datetime.fromisoformat(gone["withdrawn_at"]) == withdrawn.withdrawn_at.replace(microsecond=0)
    assert by_id[priced["brand"].pk]["replaced_by_estimate_id"] == str(correction.pk)
    assert by_id[correction.pk]["corrects_estimate_id"] == str(priced["brand"].pk)
    assert by_id[correction.pk]["correction_reason"] == "Typo in the figure."
    assert by_id[correction.pk]["low"] == "95000.00"
    assert by_id[priced["brand"].pk]["low"] == "105390.00"


def test_the_history_is_written_in_chunks_of_rows(client, make_category, make_estimate, monkeypatch):
    monkeypatch.setattr(history, "HISTORY_CHUNK_ROWS", 3)
    group = make_category()
    for n in range(7):
        make_estimate(group, as_of=TODAY - datetime.timedelta(days=n + 1))
    chunks = [chunk for chunk in client.get("/prices/history.csv").streaming_content if chunk]
    assert len(chunks) == 3  # header + 3 rows, 3 rows, 1 row
    assert sum(chunk.count(b"\n") for chunk in chunks) == 8


def test_a_head_request_gets_the_headers_without_building_the_file(client, priced, django_assert_num_queries):
    with django_assert_num_queries(5):  # due revisions, the kinds, and the three aggregates of the validators
        response = client.head("/prices/history.csv")
    assert response.status_code == 200 and not response.content
    assert response["ETag"] and response["Content-Type"] == "text/csv; charset=utf-8"


# --- Query counts -----------------------------------------------------------------------------

# Published-revision check (public_page), the kinds (for ?country= and the rows), three aggregates for
# ETag/Last-Modified, then the data (the current prices: groups, medicines, their current figures).
EXPECTED_QUERIES = {"/prices.csv": 8, "/prices.json": 8, "/prices/history.csv": 6, "/data/datapackage.json": 5}


@pytest.mark.parametrize("url", list(EXPECTED_QUERIES))
@pytest.mark.parametrize("size", [1, 6])
def test_the_files_cost_a_fixed_number_of_queries(
    client, settings, make_category, make_therapy, make_estimate, django_assert_num_queries, url, size
):
    settings.PAGE_CACHE_SECONDS = 0
    for g in range(size):
        group = make_category()
        for _ in range(size):
            therapy = make_therapy(category=group)
            for n in range(size):
                make_estimate(therapy, product=f"product {n % 2}", as_of=TODAY - datetime.timedelta(days=n + 1))
        make_estimate(group)
    with django_assert_num_queries(EXPECTED_QUERIES[url]):
        response = client.get(url)
        found = json.loads(response.content) if url.endswith(".json") else rows(response)
    assert found


# --- Conditional requests ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/prices.csv", "/prices.json", "/prices/history.csv"])
def test_each_file_answers_a_conditional_request_with_304_until_a_price_changes(
    client, settings, priced, make_estimate, url
):
    settings.PAGE_CACHE_SECONDS = 0
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and last_modified.endswith("GMT")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # A new price: the file has changed.
    make_estimate(priced["group"], low=Decimal("90000"), high=Decimal("110000"), as_of=TODAY,
                  recorded_at=timezone.now() + datetime.timedelta(seconds=2))
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag


@pytest.mark.parametrize("url", ["/prices.csv", "/prices/history.csv"])
def test_an_estimate_stamped_before_the_newest_change_still_changes_the_etag(
    client, settings, priced, make_estimate, url
):
    """A price import stamps recorded_at when it starts and commits later: a
    client who fetched the file while it ran must not keep getting 304."""
    settings.PAGE_CACHE_SECONDS = 0
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    newest = CostEstimate.objects.order_by("-recorded_at").first().recorded_at
    make_estimate(priced["group"], low=Decimal("90000"), high=Decimal("110000"), as_of=TODAY,
                  recorded_at=newest - datetime.timedelta(minutes=5))
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag
    # Last-Modified is still the newest change, which has not moved.
    assert again["Last-Modified"] == last_modified
    assert client.get(url, HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


def test_withdrawing_an_estimate_changes_the_etag(client, settings, priced, make_estimate, price_editor):
    settings.PAGE_CACHE_SECONDS = 0
    # A newest change later than the withdrawal will be, so only the count of
    # withdrawals can tell the two versions apart.
    make_estimate(priced["medicine"], product="generic fingolimod", as_of=EARLIER,
                  recorded_at=timezone.now() + datetime.timedelta(hours=1))
    etag = client.get("/prices.csv")["ETag"]
    assert client.get("/prices.csv", HTTP_IF_NONE_MATCH=etag).status_code == 304
    corrections.withdraw(priced["generic"], price_editor, "Entered for the wrong medicine.")
    response = client.get("/prices.csv", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    by_key = {(row["subject"], row["product"]): row for row in rows(response)}
    assert by_key[("fingolimod", "generic fingolimod")]["as_of"] == EARLIER.isoformat()


def test_unpublishing_a_subject_changes_the_files_validators(client, settings, priced):
    settings.PAGE_CACHE_SECONDS = 0
    etag = client.get("/prices.csv")["ETag"]
    medicine = priced["medicine"]
    medicine.status = "unpublished"
    medicine.save()
    response = client.get("/prices.csv", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "fingolimod" not in response.content.decode()


@pytest.mark.parametrize("url", ["/prices.csv", "/prices.json", "/data/datapackage.json"])
def test_a_stored_copy_from_the_page_cache_answers_304_too(client, priced, url, django_assert_num_queries):
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    stored = client.get(url)
    assert stored["X-Page-Cache"] == "hit" and stored["ETag"] == first["ETag"]
    # No query at all: the stored copy's validators answer (a 304 keeps only
    # the validator headers, so X-Page-Cache is not on it).
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == by_date.status_code == 304
    assert response["ETag"] == first["ETag"] and not response.content


# --- Odd requests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/prices.csv", "/prices.json", "/prices/history.csv", "/data/", "/data/datapackage.json"]
)
def test_other_methods_and_odd_query_strings_never_fail(client, priced, url):
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)(url).status_code == 405
    for query in ("?page=x", "?%ff=%00", "?" + "a" * 5000, "?format=<script>"):
        assert client.get(url + query).status_code == 200
    assert client.options(url).status_code == 405


# --- The "Reuse our data" page ---------------------------------------------------------------


def test_the_reuse_page_explains_the_files_the_feeds_the_licence_and_the_disclaimer(client, priced):
    response = client.get("/data/")
    assert response.status_code == 200
    shown = assert_site_layout(response)
    assert shown.find_all("nav", **{"aria-label": "Breadcrumb"})
    assert "Reuse our data" in shown.text
    links = shown.links()
    for url in ("/prices.csv", "/prices.json", "/prices/history.csv", "/data/datapackage.json", "/prices/feed/",
                "/articles/feed/", "https://creativecommons.org/licenses/by/4.0/", "/prices.csv?country=uk"):
        assert url in links, url
    assert PRICE_DISCLAIMER in shown.text
    assert "estimates" in shown.text
    for column in open_data.HISTORY_COLUMNS:
        assert column in shown.text, column
    # Each kind of figure is explained by its code.
    assert "us-medicare-b" in shown.text and "US Medicare Part B payment limit" in shown.text


def test_the_reuse_page_is_in_the_sitemap_and_the_footer(client, priced):
    assert "<loc>http://testserver/data/</loc>" in client.get("/sitemap.xml").content.decode()
    assert "/data/" in page(client.get("/")).links()
