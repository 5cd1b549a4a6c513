"""Prices that say what they are, agree with each other, and serve more than
one country (issue 19, parts 1 to 3), as a reader meets them on the pages."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from prices.models import CostEstimate, Country, PriceKind, ProductDosing
from therapies.models import Category

pytestmark = pytest.mark.django_db

AMOUNT = r"(?:US\$|£)([0-9,]+)"
GROUP_RANGE = re.compile(
    r'<div class="price group-range"><span class="price-amount">' + AMOUNT + r"(?: to " + AMOUNT + r")? a year</span>"
    r'.*?<summary>([^<]+)</summary>.*?figures we have for [0-9]+ medicines? in ([^(]+?) \(',
    re.S,
)


def text_of(response):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def number(text):
    return Decimal(text.replace(",", ""))


def current_figures(group, kind):
    """Each published medicine's newest figure of `kind` for each product,
    worked out here the plain way (every estimate read), to check the pages' queries."""
    newest = {}
    for estimate in CostEstimate.objects.active().filter(
        kind=kind, therapy__category=group, therapy__in=group.therapies.live()
    ).order_by("as_of", "recorded_at", "id"):
        newest[(estimate.therapy_id, estimate.product)] = estimate
    return list(newest.values())


PAGES_WITH_RANGES = ["/", "/therapies/", "/categories/injectable-dmts/", "/categories/oral-dmts/",
                     "/categories/infusion-therapies/", "/therapies/ocrelizumab/", "/therapies/ozanimod/",
                     "/therapies/glatiramer-acetate/"]


@pytest.mark.parametrize("country", ["", "?country=uk"])
def test_no_group_range_on_any_page_leaves_out_a_current_figure_beside_it(client, demo_content, country):
    kinds = {kind.name: kind for kind in PriceKind.objects.all()}
    checked = 0
    for path in PAGES_WITH_RANGES:
        response = client.get(path + country)
        assert response.status_code == 200, path
        for low, high, kind_name, group_name in GROUP_RANGE.findall(response.content.decode()):
            group = Category.objects.get(name=html.unescape(group_name))
            figures = current_figures(group, kinds[kind_name])
            assert figures, f"{path}: a {kind_name} range for {group.name} with no figure behind it"
            shown_low, shown_high = number(low), number(high or low)
            # Whole units, as the page rounds them.
            assert shown_low == min(f.low for f in figures).quantize(Decimal("1")), (path, group.name, kind_name)
            assert shown_high == max(f.high for f in figures).quantize(Decimal("1")), (path, group.name, kind_name)
            checked += 1
    assert checked >= 10  # the check really met ranges, in both countries


def test_a_figure_shows_its_kind_what_that_means_and_the_arithmetic_of_its_unit_price(client, demo_content):
    page = text_of(client.get("/therapies/ocrelizumab/"))
    assert "US$73,164 a year US Medicare Part B payment limit" in page
    assert "What Medicare pays per unit" in page
    assert "US$60.97 per mg × 1,200 mg a year" in page
    assert "Figures as of 1 July 2026. Source: CMS ASP pricing file, Q3 2026 (J2350)" in page
    # A figure's note says what a reader needs to read it, e.g. a range by year of treatment.
    alemtuzumab = text_of(client.get("/therapies/alemtuzumab/"))
    assert "US$82,540 to US$137,566 a year US Medicare Part B payment limit" in alemtuzumab
    assert "US$137,566 in the first year of treatment and US$82,540 in the second" in alemtuzumab
    # The old study figure is the newest US list price we have, and says so.
    assert "US$65,000 a year US list price" in page
    assert "Newest we have, from 1 January 2020" in page


def test_different_kinds_are_never_one_range(client, make_category, make_therapy, make_estimate):
    group = make_category(name="Infusions", slug="infusions")
    first = make_therapy(generic_name="firstmab", slug="firstmab", category=group)
    second = make_therapy(generic_name="secondmab", slug="secondmab", category=group)
    medicare = PriceKind.objects.get(slug="us-medicare-b")
    today = timezone.localdate()
    make_estimate(first, low=Decimal("10000"), high=Decimal("10000"), as_of=today)
    make_estimate(second, low=Decimal("90000"), high=Decimal("90000"), as_of=today, kind=medicare)
    page = text_of(client.get("/categories/infusions/"))
    assert "US$10,000 a year US list price" in page
    assert "US$90,000 a year US Medicare Part B payment limit" in page
    assert "US$10,000 to US$90,000" not in page


def test_the_seed_ranges_stay_as_dated_history_not_the_current_range(client, demo_content):
    page = text_of(client.get("/categories/injectable-dmts/"))
    assert "kept as history" in page
    assert "US$60,000 to US$80,000 a year (US list price), the seed article's cost table, 15 January 2026" in page
    # The current range is worked out from the medicines and holds Glatopa's US$18,250.
    assert re.search(r"US\$18,250 to US\$[0-9,]+ a year US list price", page)


def test_the_united_kingdom_view_shows_pounds_of_one_kind_after_the_nhs_note(client, demo_content):
    response = client.get("/compare/?t=ocrelizumab&t=ofatumumab&t=natalizumab&country=uk")
    page = text_of(response)
    note = page.index("the NHS provides these medicines")
    assert "confidential discounts" in page
    first_pound = page.index("£")
    assert note < first_pound
    costs = page[first_pound:page.index("About these prices")]
    assert "US$" not in costs
    assert "UK NHS list price a year" in page
    for figure in ("£19,160 a year", "£17,910 a year", "£14,690 a year", "£13,221 a year"):
        assert figure in costs
    assert "US list price" not in costs and "Medicare" not in costs


def test_a_medicine_with_no_figure_in_the_chosen_country_says_so(client, demo_content):
    page = text_of(client.get("/therapies/ozanimod/?country=uk"))
    assert "We have no United Kingdom figure for ozanimod itself yet" in page
    # Its group's UK range is there, marked as the group's.
    assert "For the whole Oral DMTs group" in page
    assert re.search(r"£13,529 to £21,427 a year UK NHS list price", page)
    page = text_of(client.get("/therapies/glatiramer-acetate/?country=uk"))
    assert "United Kingdom figure" in page


def test_the_country_is_in_the_address_for_links_the_cache_and_the_canonical_tag(client, demo_content):
    uk = client.get("/therapies/natalizumab/?country=uk")
    us = client.get("/therapies/natalizumab/")
    assert "£14,690" in uk.content.decode() and "£14,690" not in us.content.decode()
    assert "US$95,940" in us.content.decode() and "US$95,940" not in uk.content.decode()
    # Asked again (from the page cache), each address keeps its own country.
    assert "£14,690" in client.get("/therapies/natalizumab/?country=uk").content.decode()
    assert "£14,690" not in client.get("/therapies/natalizumab/").content.decode()
    assert re.search(r'<link rel="canonical" href="[^"]*/therapies/natalizumab/\?country=uk">', uk.content.decode())
    assert re.search(r'<link rel="canonical" href="[^"]*/therapies/natalizumab/">', us.content.decode())
    # The default country's code, or a country we have no prices for, goes to the one address.
    for code in ("us", "fr", "%00", "x" * 300):
        response = client.get(f"/therapies/natalizumab/?country={code}")
        assert response.status_code == 302 and response["Location"] == "/therapies/natalizumab/"
    # Said twice, the country is said once: the last one.
    response = client.get("/therapies/natalizumab/?country=fr&country=uk")
    assert response.status_code == 302 and response["Location"] == "/therapies/natalizumab/?country=uk"
    # The chooser keeps the country through its filters and its compare button.
    chooser = client.get("/therapies/?country=uk").content.decode()
    assert '<input type="hidden" name="country" value="uk">' in chooser
    assert "Prices for:" in chooser
    # The switch keeps the compared medicines.
    page = client.get("/compare/?t=ocrelizumab&t=natalizumab").content.decode()
    assert 'href="?t=ocrelizumab&amp;t=natalizumab&amp;country=uk"' in page


def test_the_sitemap_lists_each_price_page_in_the_other_countries(client, demo_content):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/therapies/ocrelizumab/?country=uk</loc>" in sitemap
    assert "/therapies/?country=uk</loc>" in sitemap
    assert "/?country=us" not in sitemap


def test_a_new_country_is_data_not_code(client, demo_content):
    ireland = Country.objects.create(code="ie", name="Ireland", currency="EUR", position=5,
                                     reader_note="Demo country for a test.")
    PriceKind.objects.create(slug="ie-list", name="Irish list price", explanation="A test kind.", country=ireland)
    page = text_of(client.get("/therapies/ocrelizumab/?country=ie"))
    assert "Prices for: United States · United Kingdom · Ireland" in page
    assert "Ireland: Demo country for a test." in page
    assert "We have no Ireland figure for ocrelizumab" in page


def test_a_unit_price_becomes_a_year_from_the_products_dosing(make_therapy):
    therapy = make_therapy(generic_name="dosemab", slug="dosemab")
    dosing = ProductDosing.objects.create(therapy=therapy, product="Dosemab", unit="vial", units_per_year=Decimal("13"))
    estimate = CostEstimate(
        therapy=therapy, product="Dosemab", kind=PriceKind.objects.get(slug="uk-nhs-list"), currency="GBP",
        unit_price=Decimal("1017"), unit=dosing.unit, units_per_year=dosing.units_per_year, low=0, high=0,
        as_of=datetime.date(2025, 2, 1), as_of_precision="month", source_name="A test source",
    )
    estimate.full_clean()
    assert estimate.low == estimate.high == Decimal("13221.00")
    # A GBP figure cannot be a US list price.
    wrong = CostEstimate(therapy=therapy, kind=PriceKind.objects.get(slug="us-list"), currency="GBP", low=1, high=1,
                         as_of=datetime.date(2025, 2, 1), source_name="A test source")
    with pytest.raises(Exception, match="in USD, not GBP"):
        wrong.full_clean()
