"""What a data user sees of kinds and countries in the open price data: every
row of /prices.csv, /prices.json and /prices/history.csv names its country,
kind, product, unit price and date precision; a group's current rows are
worked out per kind from its medicines' current figures; ?country= gives one
country's figures; /data/datapackage.json describes the files exactly, in
types their values parse as."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest

from prices.models import PriceKind

pytestmark = pytest.mark.django_db

JULY = datetime.date(2026, 7, 1)
EARLIER = datetime.date(2025, 3, 1)


def rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def header(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return next(csv.reader(io.StringIO(body.decode("utf-8"))))


def kind(slug):
    return PriceKind.objects.get(slug=slug)


@pytest.fixture
def kinds_priced(make_category, make_therapy, make_estimate):
    """A group of two medicines priced as US list prices, a Medicare payment
    limit worked out from a price per mg, and a UK NHS list price; the
    group's own (typed, older) range; a figure known only to the month."""
    group = make_category(name="Infusions", slug="infusions")
    ocrelizumab = make_therapy(generic_name="ocrelizumab", slug="ocrelizumab", category=group)
    natalizumab = make_therapy(generic_name="natalizumab", slug="natalizumab", category=group)
    medicare = make_estimate(
        ocrelizumab, product="Ocrevus (brand)", kind=kind("us-medicare-b"), unit_price=Decimal("60.97"), unit="mg",
        units_per_year=Decimal("1200"), low=Decimal("73164.00"), high=Decimal("73164.00"), as_of=JULY,
        source_name="CMS ASP pricing file, July 2026", source_url="https://www.cms.gov/asp",
    )
    make_estimate(ocrelizumab, product="Ocrevus (brand)", kind=kind("us-list"), low=Decimal("79000"),
                  high=Decimal("79000"), as_of=JULY)
    make_estimate(natalizumab, product="Tysabri (brand)", kind=kind("us-list"), low=Decimal("90000"),
                  high=Decimal("95000"), as_of=EARLIER, as_of_precision="month")
    nhs = make_estimate(ocrelizumab, product="Ocrevus (brand)", kind=kind("uk-nhs-list"), currency="GBP",
                        low=Decimal("19160"), high=Decimal("19160"), as_of=JULY, as_of_precision="month",
                        source_name="BNF")
    typed_group = make_estimate(group, kind=kind("us-list"), low=Decimal("1"), high=Decimal("2"), as_of=JULY,
                                source_name="Seed article")
    return {"group": group, "medicare": medicare, "nhs": nhs, "typed_group": typed_group}


UNIT_PRICED = {
    "subject": "ocrelizumab", "subject_type": "therapy", "product": "Ocrevus (brand)", "country": "us",
    "kind": "us-medicare-b", "kind_name": "US Medicare Part B payment limit", "low": "73164.00", "high": "73164.00",
    "currency": "USD", "unit_price": "60.9700", "unit": "mg", "units_per_year": "1200.0000",
    "as_of": "2026-07-01", "as_of_precision": "day", "source": "CMS ASP pricing file, July 2026",
    "source_url": "https://www.cms.gov/asp",
}


# --- What each row says -----------------------------------------------------------------------


def test_a_unit_priced_figure_carries_its_kind_country_unit_price_and_precision(client, kinds_priced):
    found = rows(client.get("/prices.csv"))
    [medicare] = [row for row in found if row["kind"] == "us-medicare-b" and row["subject_type"] == "therapy"]
    assert medicare == {**UNIT_PRICED, "page_url": "http://testserver/therapies/ocrelizumab/"}
    [nhs] = [row for row in found if row["country"] == "uk" and row["subject_type"] == "therapy"]
    assert (nhs["kind"], nhs["kind_name"], nhs["currency"], nhs["as_of_precision"], nhs["unit_price"]) == (
        "uk-nhs-list", "UK NHS list price", "GBP", "month", "",
    )


def test_the_json_carries_the_same_with_numbers_and_nulls(client, kinds_priced):
    document = json.loads(client.get("/prices.json").content)
    [medicare] = [item for item in document["prices"] if item["kind"] == "us-medicare-b" and item["product"]]
    assert (medicare["unit_price"], medicare["units_per_year"], medicare["low"]) == (60.97, 1200, 73164)
    assert (medicare["unit"], medicare["country"], medicare["as_of_precision"]) == ("mg", "us", "day")
    [list_price] = [item for item in document["prices"] if item["product"] == "Tysabri (brand)"]
    assert list_price["unit_price"] is None and list_price["units_per_year"] is None and list_price["unit"] == ""


def test_the_history_carries_every_figures_kind_and_unit_price(client, kinds_priced):
    by_id = {int(row["estimate_id"]): row for row in rows(client.get("/prices/history.csv"))}
    medicare = by_id[kinds_priced["medicare"].pk]
    assert {name: medicare[name] for name in UNIT_PRICED} == UNIT_PRICED
    assert medicare["state"] == "active" and medicare["recorded_at"].endswith("Z")
    # The group's typed range is there, as dated history of its kind.
    typed = by_id[kinds_priced["typed_group"].pk]
    assert (typed["subject_type"], typed["kind"], typed["low"], typed["source"]) == (
        "category", "us-list", "1.00", "Seed article",
    )


def test_a_groups_current_rows_are_its_medicines_range_of_each_kind_never_its_typed_estimate(client, kinds_priced):
    groups = {row["kind"]: row for row in rows(client.get("/prices.csv")) if row["subject_type"] == "category"}
    assert set(groups) == {"us-list", "us-medicare-b", "uk-nhs-list"}
    # US list prices of both medicines: the lowest low and the highest high;
    # the newest date, and its precision.
    us_list = groups["us-list"]
    assert (us_list["low"], us_list["high"], us_list["as_of"], us_list["as_of_precision"]) == (
        "79000.00", "95000.00", "2026-07-01", "day",
    )
    assert us_list["source"] == "Worked out from 2 current figures of this kind for 2 of its medicines on this site"
    assert us_list["subject"] == "Infusions" and us_list["page_url"] == "http://testserver/categories/infusions/"
    assert (groups["us-medicare-b"]["low"], groups["us-medicare-b"]["unit_price"]) == ("73164.00", "")
    assert (groups["uk-nhs-list"]["currency"], groups["uk-nhs-list"]["as_of_precision"]) == ("GBP", "month")
    assert "Seed article" not in client.get("/prices.csv").content.decode()


# --- One country --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/prices.csv", "/prices.json", "/prices/history.csv"])
def test_country_gives_only_that_countrys_figures_and_without_it_every_row_names_its_own(client, kinds_priced, url):
    def countries(response):
        assert response.status_code == 200
        found = json.loads(response.content)["prices"] if url.endswith(".json") else rows(response)
        return {row["country"] for row in found}, len(found)

    every, total = countries(client.get(url))
    assert every == {"us", "uk"}
    uk, uk_count = countries(client.get(url + "?country=uk"))
    us, us_count = countries(client.get(url + "?country=us"))
    assert (uk, us) == ({"uk"}, {"us"}) and uk_count + us_count == total
    assert countries(client.get(url + "?country=UK"))[0] == {"uk"}


@pytest.mark.parametrize("url", ["/prices.csv", "/prices.json", "/prices/history.csv"])
def test_an_unknown_country_is_a_plain_404_naming_the_codes_there_are(client, kinds_priced, url):
    for query in ("?country=fr", "?country=%3Cscript%3E", "?country=" + "x" * 3000):
        response = client.get(url + query)
        assert response.status_code == 404
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        text = response.content.decode()
        assert "us (United States)" in text and "uk (United Kingdom)" in text and "<script>" not in text
    assert client.head(url + "?country=fr").status_code == 404


def test_a_country_with_no_kinds_yet_has_an_empty_file(client, kinds_priced):
    from prices.models import Country

    Country.objects.create(code="ie", name="Ireland", currency="EUR", position=5)
    assert rows(client.get("/prices.csv?country=ie")) == []


def test_each_countrys_file_has_its_own_validators_and_name(client, settings, kinds_priced):
    settings.PAGE_CACHE_SECONDS = 0
    every, uk = client.get("/prices.csv"), client.get("/prices.csv?country=uk")
    assert every["ETag"] != uk["ETag"]
    assert client.get("/prices.csv?country=uk", HTTP_IF_NONE_MATCH=every["ETag"]).status_code == 200
    assert client.get("/prices.csv?country=uk", HTTP_IF_NONE_MATCH=uk["ETag"]).status_code == 304
    assert uk["Content-Disposition"] == 'attachment; filename="ms-treatment-prices-uk.csv"'
    history = client.get("/prices/history.csv?country=uk")
    assert history["Content-Disposition"] == 'attachment; filename="ms-treatment-price-history-uk.csv"'


def test_renaming_a_kind_changes_the_etag(client, settings, kinds_priced):
    settings.PAGE_CACHE_SECONDS = 0
    etag = client.get("/prices.csv")["ETag"]
    PriceKind.objects.filter(slug="us-list").update(name="US wholesale list price")
    response = client.get("/prices.csv", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "US wholesale list price" in response.content.decode()


# --- The data package ---------------------------------------------------------------------------


def _parses(field, value):
    """Does a CSV cell hold a value of the field's Table Schema type and
    constraints? (Read as frictionless reads it: "" is missing.)"""
    constraints = field.get("constraints", {})
    if value == "":
        return not constraints.get("required", False)
    kind = field["type"]
    if kind == "number":
        ok = re.fullmatch(r"-?\d+(\.\d+)?", value) is not None
        number = Decimal(value) if ok else None
    elif kind == "integer":
        ok = re.fullmatch(r"-?\d+", value) is not None
        number = int(value) if ok else None
    elif kind == "date":
        ok = re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None and bool(datetime.date.fromisoformat(value))
        number = None
    elif kind == "datetime":  # the default format: ISO 8601 in UTC, with Z
        ok = re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value) is not None
        ok = ok and bool(datetime.datetime.fromisoformat(value))
        number = None
    else:
        assert kind == "string", kind
        ok, number = True, None
    if "minimum" in constraints:
        ok = ok and number >= constraints["minimum"]
    if "enum" in constraints:
        ok = ok and value in constraints["enum"]
    if "pattern" in constraints:
        ok = ok and re.fullmatch(constraints["pattern"], value) is not None
    return ok


def test_the_data_package_types_every_column_of_every_file_and_each_value_parses(
    client, kinds_priced, settings, price_editor
):
    from prices.pricing import corrections

    corrections.withdraw(kinds_priced["nhs"], price_editor, "=Wrong pack size.")
    settings.MSINFO_DATA_LICENCE_NAME = "Open Data Commons Attribution License"
    settings.MSINFO_DATA_LICENCE_URL = "https://opendatacommons.org/licenses/by/1-0/"
    response = client.get("/data/datapackage.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["ETag"] and response["Last-Modified"]
    package = json.loads(response.content)
    assert package["profile"] == "data-package"
    assert re.fullmatch(r"[a-z0-9._-]+", package["name"])
    assert package["licenses"] == [{
        "path": "https://opendatacommons.org/licenses/by/1-0/", "title": "Open Data Commons Attribution License",
    }]
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert resources["current-prices-json"]["path"] == "http://testserver/prices.json"
    for name, url in (("current-prices", "/prices.csv"), ("price-history", "/prices/history.csv")):
        resource = resources[name]
        assert resource["path"] == "http://testserver" + url
        assert (resource["profile"], resource["format"], resource["encoding"]) == (
            "tabular-data-resource", "csv", "utf-8",
        )
        fields = resource["schema"]["fields"]
        assert all(field["type"] in {"string", "number", "integer", "date", "datetime"} for field in fields)
        assert all(field["description"] for field in fields)
        csv_response = client.get(url)
        assert [field["name"] for field in fields] == header(csv_response)
        found = rows(client.get(url))
        assert len(found) >= 5
        for row in found:
            for field in fields:
                assert _parses(field, row[field["name"]]), (name, field, row[field["name"]])
    history_fields = {field["name"]: field for field in resources["price-history"]["schema"]["fields"]}
    assert history_fields["estimate_id"]["type"] == "integer"
    assert history_fields["unit_price"] == {
        "name": "unit_price", "type": "number", "description": history_fields["unit_price"]["description"],
        "constraints": {"minimum": 0},
    }
    assert history_fields["as_of"]["constraints"] == {"required": True}
    assert set(history_fields["kind"]["constraints"]["enum"]) == {"us-list", "us-medicare-b", "us-nadac", "uk-nhs-list"}
    assert resources["price-history"]["schema"]["primaryKey"] == "estimate_id"


def test_the_csv_files_link_the_data_package(client, kinds_priced):
    for url in ("/prices.csv", "/prices/history.csv"):
        assert '<http://testserver/data/datapackage.json>; rel="describedby"; type="application/json"' in (
            client.get(url)["Link"]
        )


def test_the_reuse_page_lists_the_columns_from_the_same_definitions_and_links_the_package(client, kinds_priced):
    from prices.open_data.columns import CURRENT

    text = client.get("/data/").content.decode()
    assert 'href="/data/datapackage.json"' in text
    for column in CURRENT:
        assert f"<dt>{column.name}</dt>" in text
    assert "worked out from its medicines" in text
