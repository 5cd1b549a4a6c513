"""/compare/: two to four published medicines side by side, cost included,
in one table (a column for each medicine, a row for each fact), and a clear
message (never an error page) for any other request."""

import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from tests.page_helpers import INLINE, PRICE_DISCLAIMER, assert_site_layout, day, page
from therapies.models import Category, Therapy


@pytest.fixture
def medicines(make_category, make_therapy, make_estimate):
    """Three published DMTs with fact sheets (one with figures of its own, two
    without: their groups have only ranges published for the whole group,
    which are history, never a medicine's price) and one draft."""
    oral = make_category(name="Oral DMTs", slug="oral-dmts")
    infusions = make_category(name="Infusions", slug="infusions")
    make_estimate(oral, low=Decimal("80000"), high=Decimal("100000"), source_name="Orals survey",
                  as_of=datetime.date(2026, 3, 1))
    make_estimate(infusions, low=Decimal("70000"), high=Decimal("90000"), source_name="Infusions survey",
                  source_url="https://example.org/infusions", as_of=datetime.date(2026, 2, 1))
    fingolimod = make_therapy(
        generic_name="fingolimod", slug="fingolimod", brand_names="Gilenya", category=oral,
        route=Therapy.Route.ORAL, frequency="A capsule every day", dose_interval=Therapy.Interval.DAILY,
        taken_where=Therapy.Setting.HOME, licensed_cis=True, licensed_rrms=True, licensed_spms=True,
        efficacy_tier=Therapy.Efficacy.MODERATE_HIGH,
        efficacy_result="54% fewer relapses than placebo over two years (FREEDOMS).",
        common_side_effects="Headache\nDiarrhoea", serious_risks="Slow heartbeat after the first dose",
        monitoring="Heart monitoring for 6 hours after the first dose\nEye check after 3 to 4 months",
        pregnancy="Stop before trying to conceive.", pregnancy_washout="2 months",
    )
    make_estimate(fingolimod, low=Decimal("9000"), high=Decimal("12000"), product="generic fingolimod",
                  source_name="Generic price list", as_of=datetime.date(2026, 4, 1))
    ocrelizumab = make_therapy(
        generic_name="ocrelizumab", slug="ocrelizumab", brand_names="Ocrevus", category=infusions,
        route=Therapy.Route.INFUSION, frequency="Every 6 months", dose_interval=Therapy.Interval.TWICE_YEARLY,
        taken_where=Therapy.Setting.CLINIC, licensed_rrms=True, licensed_ppms=True,
        efficacy_tier=Therapy.Efficacy.HIGH, efficacy_result="Fewer relapses than interferon (OPERA).",
        monitoring="Blood immunoglobulin levels", pregnancy="Talk to your team first.",
    )
    natalizumab = make_therapy(
        generic_name="natalizumab", slug="natalizumab", category=infusions, route=Therapy.Route.INFUSION,
        monitoring="JC virus antibody test about every 6 months",
    )
    draft = make_therapy(generic_name="draftimab", slug="draftimab", category=oral, is_published=False)
    return {"oral": oral, "infusions": infusions, "fingolimod": fingolimod, "ocrelizumab": ocrelizumab,
            "natalizumab": natalizumab, "draft": draft}


def compare(client, *slugs):
    response = client.get("/compare/", [("t", slug) for slug in slugs])
    assert response.status_code == 200
    return page(response)


class ComparisonTable(HTMLParser):
    """The comparison as a screen reader reads it: the column headers (the
    medicines), then each row of the body as [its header, its cells...]."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.names, self.rows, self._part, self._cell = [], [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "tr" and self._part == "tbody":
            self.rows.append([])
        elif tag in ("th", "td") and self._part:
            self._cell = []
        elif self._cell is not None and tag not in INLINE:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if self._part == "tbody":
                self.rows[-1].append(text)
            elif tag == "th":
                self.names.append(text)
            self._cell = None
        elif tag in ("thead", "tbody"):
            self._part = None
        elif self._cell is not None and tag not in INLINE:
            self._cell.append(" ")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def column(self, name):
        """One medicine's column as "row header value" for each fact."""
        (index,) = [n for n, header in enumerate(self.names) if header == name or header.startswith(f"{name} (")]
        return " ".join(f"{row[0]} {row[index + 1]}" for row in self.rows if len(row) == len(self.names) + 1)


def card(p, name):
    """The text of one medicine's column, each value after its row's header."""
    return ComparisonTable(p.html).column(name)


def cost_rows(p):
    """The headers of the cost rows (one per kind of figure), without the
    explanation each kind's label opens to."""
    table = ComparisonTable(p.html)
    facts = [row[0] for row in table.rows if len(row) == len(table.names) + 1]
    return [header.split(" a year", 1)[0] + " a year" for header in facts if " a year" in header]


def columns(p):
    return p.find_all("th", scope="col")


def test_the_address_is_named_and_the_page_uses_the_site_layout(client, medicines):
    from django.urls import reverse

    assert reverse("therapies:compare") == "/compare/"
    assert_site_layout(client.get("/compare/?t=fingolimod&t=ocrelizumab"))


def test_each_column_has_every_row(client, medicines):
    p = compare(client, "fingolimod", "ocrelizumab")

    assert "Compare fingolimod and ocrelizumab" in p.text
    fingolimod = card(p, "Fingolimod")
    for expected in (
        "Group Oral DMTs", "Licensed for Clinically isolated syndrome Relapsing-remitting MS Active secondary progressive MS",
        "How it is taken Tablet or capsule, a capsule every day At home",
        "How well it works Moderate to high efficacy 54% fewer relapses than placebo over two years (FREEDOMS).",
        "Common side effects Headache Diarrhoea", "Serious risks Slow heartbeat after the first dose",
        "Tests and monitoring Heart monitoring for 6 hours after the first dose Eye check after 3 to 4 months",
        "Pregnancy and breastfeeding Stop before trying to conceive. Wash-out before trying to conceive: 2 months.",
    ):
        assert expected in fingolimod, expected
    ocrelizumab = card(p, "Ocrelizumab")
    assert "Primary progressive MS" in ocrelizumab and "Clinically isolated syndrome" not in ocrelizumab
    assert "Infusion into a vein, every 6 months In a clinic or hospital" in ocrelizumab
    assert "Common side effects Not on our page yet" in ocrelizumab  # the row stays aligned, the gap is said
    assert "/categories/oral-dmts/" in p.links() and "/therapies/ocrelizumab/" in p.links()


def test_cost_is_the_medicines_own_labelled_with_its_kind_date_and_source(client, medicines):
    p = compare(client, "ocrelizumab", "fingolimod")

    assert cost_rows(p) == ["US list price a year"]
    fingolimod = card(p, "Fingolimod")
    assert "US list price a year" in fingolimod
    assert "generic fingolimod: US$9,000 to US$12,000 a year US list price" in fingolimod
    assert f"Figures as of {day(datetime.date(2026, 4, 1))}. Source: Generic price list" in fingolimod
    assert "US$80,000" not in p.text  # a range published for the group is not passed off as a medicine's
    ocrelizumab = card(p, "Ocrelizumab")
    assert "No US list price figure yet" in ocrelizumab
    assert "US$70,000" not in p.text and "https://example.org/infusions" not in p.links()
    # The disclaimer once, right under the prices, across every column.
    assert p.text.count(PRICE_DISCLAIMER) == 1
    assert PRICE_DISCLAIMER in p.section_text("US list price a year", "Full page")


def test_each_kind_of_figure_has_its_own_row_and_each_country_its_view(client, medicines, make_estimate):
    from prices.models import PriceKind

    make_estimate(medicines["ocrelizumab"], low=Decimal("70000"), high=Decimal("70000"), source_name="Part B file",
                  kind=PriceKind.objects.get(slug="us-medicare-b"))
    make_estimate(medicines["fingolimod"], low=Decimal("1500"), high=Decimal("1500"), currency="GBP",
                  source_name="NHS list")

    us = compare(client, "ocrelizumab", "fingolimod")
    assert cost_rows(us) == ["US list price a year", "US Medicare Part B payment limit a year"]
    ocrelizumab = card(us, "Ocrelizumab")
    assert "No US list price figure yet" in ocrelizumab and "US$70,000 a year" in ocrelizumab
    assert "No US Medicare Part B payment limit figure yet" in card(us, "Fingolimod")
    assert "£1,500" not in us.text

    response = client.get("/compare/", [("t", "ocrelizumab"), ("t", "fingolimod"), ("country", "uk")])
    assert response.status_code == 200
    uk = page(response)
    assert cost_rows(uk) == ["UK NHS list price a year"]
    assert "£1,500 a year" in card(uk, "Fingolimod") and "No UK NHS list price figure yet" in card(uk, "Ocrelizumab")
    assert "US$" not in uk.text


def test_two_medicines_of_one_group_without_figures_of_their_own_say_so(client, medicines):
    p = compare(client, "natalizumab", "ocrelizumab")

    for name in ("Natalizumab", "Ocrelizumab"):
        assert "Cost a year We have no United States figure for this medicine yet." in card(p, name)
    assert "US$70,000" not in p.text  # the range once published for their group is not theirs
    assert PRICE_DISCLAIMER not in p.text


def test_a_medicine_with_no_estimate_anywhere_says_so(client, medicines, make_category, make_therapy):
    make_therapy(generic_name="unpricedimab", slug="unpricedimab", category=make_category(name="Unpriced"))

    p = compare(client, "unpricedimab", "fingolimod")

    assert "No US list price figure yet" in card(p, "Unpricedimab")
    assert PRICE_DISCLAIMER in p.section_text("US list price a year", "Full page")  # one of them has a price


def test_without_any_price_there_is_no_price_disclaimer(client, make_category, make_therapy):
    for name in ("firstimab", "secondimab"):
        make_therapy(generic_name=name, slug=name, category=make_category(name=f"Unpriced {name}"))

    p = compare(client, "firstimab", "secondimab")

    assert "We have no United States figure for this medicine yet." in card(p, "Secondimab")
    assert PRICE_DISCLAIMER not in p.text


@pytest.mark.parametrize("count", [2, 4])
def test_one_table_a_column_for_each_medicine_and_a_row_for_each_fact(client, medicines, make_therapy, count):
    """What a screen reader announces with each value (its medicine and its
    fact), and what the phone layout labels a value with (data-medicine)."""
    make_therapy(generic_name="fourthimab", slug="fourthimab", category=medicines["oral"])
    slugs = ["fingolimod", "ocrelizumab", "natalizumab", "fourthimab"][:count]
    p = compare(client, *slugs)
    table = ComparisonTable(p.html)

    assert p.count("table") == 1 and p.find_all("table", **{"class": f"compare compare-of-{count}"})
    assert [name.split(" (")[0] for name in table.names] == [slug.capitalize() for slug in slugs]
    facts = [row for row in table.rows if len(row) == count + 1]
    assert [row[0] for row in facts][:3] == ["Group", "Licensed for", "How it is taken"]
    assert facts[-2][0].startswith("US list price a year US list price")  # the row names its kind, and says what it is
    assert facts[-1][0] == "Full page"
    assert len(p.find_all("th", scope="row")) == len(facts)
    labels = [attrs["data-medicine"] for name, attrs in p.tags if name == "td" and "data-medicine" in attrs]
    assert labels == [slug.capitalize() for slug in slugs] * len(facts)


def test_columns_keep_the_order_given(client, medicines):
    first = compare(client, "natalizumab", "fingolimod", "ocrelizumab")
    second = compare(client, "ocrelizumab", "natalizumab")

    assert first.text.index("Natalizumab") < first.text.index("Fingolimod (") < first.text.index("Ocrelizumab (")
    assert "Compare natalizumab, fingolimod and ocrelizumab" in first.text
    assert second.text.index("Ocrelizumab (") < second.text.index("Natalizumab")


def test_a_row_no_medicine_has_is_left_out(client, medicines):
    p = compare(client, "natalizumab", "ocrelizumab")
    assert "Common side effects" not in p.text  # neither has any
    assert "Tests and monitoring" in p.text


def test_four_medicines_is_the_most(client, medicines, make_therapy):
    make_therapy(generic_name="fourthimab", slug="fourthimab", category=medicines["oral"])
    make_therapy(generic_name="fifthimab", slug="fifthimab", category=medicines["oral"])

    four = compare(client, "fingolimod", "ocrelizumab", "natalizumab", "fourthimab")
    assert "Not everything" not in four.text and len(columns(four)) == 4

    five = compare(client, "fingolimod", "ocrelizumab", "natalizumab", "fourthimab", "fifthimab")
    assert len(columns(five)) == 4
    assert "You can compare up to 4 medicines at a time, so these are left out: fifthimab." in five.text
    assert "Choose medicines to compare" in five.text


@pytest.mark.parametrize("slugs", [[], ["fingolimod"], ["fingolimod", "draftimab"], ["fingolimod", "fingolimod"]])
def test_fewer_than_two_says_how_to_fix_it(client, medicines, slugs):
    p = compare(client, *slugs)

    assert "Compare medicines" in p.text
    if slugs:
        assert "Pick at least one more medicine to compare" in p.text
        assert "we could find only fingolimod, shown below" in p.text
        assert len(columns(p)) == 1  # what could be compared
        assert "/therapies/?t=fingolimod" in p.links()  # back to the chooser with it ticked
    else:
        assert "Pick two to four medicines to compare" in p.text and "/therapies/?" in p.links()


def test_unknown_and_unpublished_slugs_are_named_the_same_way(client, medicines):
    p = compare(client, "fingolimod", "no-such-mab", "draftimab", "ocrelizumab")

    assert "We have no published page for “no-such-mab” or “draftimab”, so they are left out." in p.text
    assert "draftimab" not in p.text.split("so they are left out")[1]  # the draft itself never shows
    assert len(columns(p)) == 2


def test_a_therapy_in_an_unpublished_group_never_appears(client, medicines, make_category, make_therapy):
    hidden = make_category(name="Secret group", slug="secret", is_published=False)
    make_therapy(generic_name="hiddenmab", slug="hiddenmab", category=hidden)

    p = compare(client, "hiddenmab", "fingolimod")

    assert "Secret group" not in p.text and "“hiddenmab”" in p.text
    assert len(columns(p)) == 1


def test_duplicates_are_shown_once_and_said(client, medicines):
    p = compare(client, "fingolimod", "ocrelizumab", "fingolimod")

    assert "“fingolimod” was asked for more than once, and is shown once." in p.text
    assert len(columns(p)) == 2


def test_hostile_input_is_escaped_and_cut_short(client, medicines):
    p = compare(client, "<script>alert(1)</script>", "x" * 500, "fingolimod")

    assert "<script>alert(1)" not in p.html and "&lt;script&gt;" in p.html
    assert "x" * 61 not in p.text


def test_the_choosers_form_lands_on_the_shareable_address(client, medicines):
    response = client.get("/compare/", {"route": "", "efficacy": "", "t": ["ocrelizumab", "fingolimod"]})

    assert response.status_code == 302
    assert response["Location"] == "/compare/?t=ocrelizumab&t=fingolimod"


def test_emerging_medicines_can_be_compared_without_a_fact_sheet(client, medicines, make_category, make_therapy):
    btk = make_category(kind=Category.Kind.EMERGING, name="BTK inhibitors")
    make_therapy(generic_name="tolebrutinib", slug="tolebrutinib", category=btk, route=Therapy.Route.ORAL,
                 development_stage=Therapy.Stage.PHASE_3)

    p = compare(client, "tolebrutinib", "fingolimod")

    assert "Licensed for Not on our page yet" in card(p, "Tolebrutinib")


@pytest.mark.parametrize("count", [2, 4])
def test_query_count_is_fixed(client, medicines, make_therapy, make_estimate, django_assert_num_queries, settings, count):
    settings.PAGE_CACHE_SECONDS = 0
    extra = make_therapy(generic_name="fourthimab", slug="fourthimab", category=medicines["oral"])
    make_estimate(extra, product="brand (Fourth)")
    make_estimate(extra, product="generic fourthimab")
    slugs = ["fourthimab", "fingolimod", "ocrelizumab", "natalizumab"][:count]

    # due revisions, the therapies with their groups, the kinds of figure (prices.countries), their own prices
    with django_assert_num_queries(4):
        p = compare(client, *slugs)
    assert len(columns(p)) == count


def test_a_renamed_medicines_old_address_still_compares(client, medicines):
    from editorial.models import SlugRedirect

    SlugRedirect.record_rename(medicines["ocrelizumab"], "ocrelizumab-old")

    response = client.get("/compare/?t=fingolimod&t=ocrelizumab-old")

    assert response.status_code == 301 and response["Location"] == "/compare/?t=fingolimod&t=ocrelizumab"


def test_a_draft_renamed_from_an_old_address_stays_unknown(client, medicines):
    from editorial.models import SlugRedirect

    SlugRedirect.record_rename(medicines["draft"], "draftimab-old")

    p = compare(client, "fingolimod", "draftimab-old")
    assert "We have no published page for “draftimab-old”" in p.text
