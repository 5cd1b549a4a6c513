"""/therapies/ as a chooser: filters that combine and only offer what
narrows the list, each medicine's cost, and tick boxes that lead to /compare/
without JavaScript."""

import datetime
import re
from decimal import Decimal

import pytest

from tests.page_helpers import PRICE_DISCLAIMER, page
from therapies.models import Category, Therapy


@pytest.fixture
def dmts(make_category, make_therapy, make_estimate):
    """Four DMTs: two tablets (daily; one moderate, one moderate-to-high),
    an infusion twice a year (high, also PPMS) and a self-injection weekly
    (moderate). Fingolimod and ocrelizumab have figures of their own; the
    oral group also has a range published for itself, which is only history:
    its range is worked out from fingolimod's figure."""
    oral = make_category(name="Oral DMTs", slug="oral-dmts", display_order=1)
    infusions = make_category(name="Infusions", slug="infusions", display_order=2)
    injections = make_category(name="Injections", slug="injections", display_order=3)
    make_estimate(oral, low=Decimal("80000"), high=Decimal("100000"), as_of=datetime.date(2026, 3, 1))
    relapsing = {"licensed_cis": True, "licensed_rrms": True, "licensed_spms": True}
    therapies = {
        "dimethyl": make_therapy(generic_name="dimethyl fumarate", slug="dimethyl-fumarate", category=oral,
                                 route=Therapy.Route.ORAL, dose_interval=Therapy.Interval.DAILY,
                                 efficacy_tier=Therapy.Efficacy.MODERATE, **relapsing),
        "fingolimod": make_therapy(generic_name="fingolimod", slug="fingolimod", category=oral,
                                   route=Therapy.Route.ORAL, dose_interval=Therapy.Interval.DAILY,
                                   efficacy_tier=Therapy.Efficacy.MODERATE_HIGH, **relapsing),
        "ocrelizumab": make_therapy(generic_name="ocrelizumab", slug="ocrelizumab", category=infusions,
                                    route=Therapy.Route.INFUSION, dose_interval=Therapy.Interval.TWICE_YEARLY,
                                    efficacy_tier=Therapy.Efficacy.HIGH, licensed_rrms=True, licensed_ppms=True),
        "interferon": make_therapy(generic_name="interferon beta-1a", slug="interferon-beta-1a", category=injections,
                                   route=Therapy.Route.INJECTION, dose_interval=Therapy.Interval.WEEKLY,
                                   efficacy_tier=Therapy.Efficacy.MODERATE, **relapsing),
    }
    make_estimate(therapies["fingolimod"], low=Decimal("9000"), high=Decimal("12000"), product="generic fingolimod")
    make_estimate(therapies["ocrelizumab"], low=Decimal("65000"), high=Decimal("65000"))
    return {"oral": oral, "infusions": infusions, "injections": injections, **therapies}


def listed(p):
    """The medicines the chooser lists (their tick boxes' values), in order."""
    return [attrs["value"] for attrs in p.find_all("input", name="t")]


def options(p, name):
    html = p.html.split(f'name="{name}"', 1)
    if len(html) == 1:
        return None  # the filter is not offered at all
    return [value for value in __import__("re").findall(r'<option value="([^"]*)"', html[1].split("</select>", 1)[0])]


def test_every_published_dmt_is_listed_with_a_tick_box(client, dmts, make_therapy, make_category):
    make_therapy(generic_name="draftimab", slug="draftimab", category=dmts["oral"], is_published=False)
    make_therapy(generic_name="hiddenmab", slug="hiddenmab", category=make_category(is_published=False))
    make_therapy(generic_name="tolebrutinib", slug="tolebrutinib", route=Therapy.Route.ORAL,
                 category=make_category(kind=Category.Kind.EMERGING), development_stage=Therapy.Stage.PHASE_3)

    p = page(client.get("/therapies/"))

    assert listed(p) == ["dimethyl-fumarate", "fingolimod", "ocrelizumab", "interferon-beta-1a"]
    assert "draftimab" not in p.text and "hiddenmab" not in p.text and "tolebrutinib" not in p.text
    assert re.search(r'<label><input [^>]*id="pick-fingolimod"', p.html), "each tick box is inside its label"
    assert p.find_all("legend"), "the groups of controls are named"


def test_each_result_shows_its_cost_own_or_group_labelled(client, dmts):
    p = page(client.get("/therapies/"))

    fingolimod = p.section_text("fingolimod", "Infusions")
    assert "generic fingolimod: US$9,000 to US$12,000 a year US list price (" in fingolimod
    dimethyl = p.section_text("dimethyl fumarate", "fingolimod")
    assert ("Cost a year: no United States figure of its own yet; for the whole group: "
            "US$9,000 to US$12,000 a year (US list price).") in dimethyl
    assert "US$80,000" not in p.text  # the range once published for the group is history, not its price
    assert "US$65,000 a year US list price (" in p.section_text("ocrelizumab", "Injections")
    assert "Cost a year: no United States figure of its own yet." in p.section_text("interferon beta-1a", "")
    assert p.text.count(PRICE_DISCLAIMER) == 1


def test_filters_combine(client, dmts):
    assert listed(page(client.get("/therapies/", {"route": "oral"}))) == ["dimethyl-fumarate", "fingolimod"]
    assert listed(page(client.get("/therapies/", {"efficacy": "moderate"}))) == ["dimethyl-fumarate", "interferon-beta-1a"]
    both = page(client.get("/therapies/", {"route": "oral", "efficacy": "moderate"}))
    assert listed(both) == ["dimethyl-fumarate"]
    assert "Showing 1 of 4 medicines." in both.text
    assert listed(page(client.get("/therapies/", {"ms_type": "ppms"}))) == ["ocrelizumab"]
    assert listed(page(client.get("/therapies/", {"how_often": "weekly"}))) == ["interferon-beta-1a"]
    assert "Injections" not in both.text and "Infusions" not in both.text  # groups with nothing left are left out


def test_only_options_that_narrow_the_list_are_offered(client, dmts):
    everything = page(client.get("/therapies/"))
    assert options(everything, "route") == ["", "injection", "oral", "infusion"]
    assert options(everything, "efficacy") == ["", "moderate", "moderate_high", "high"]
    # Every DMT here is licensed for relapsing-remitting MS: that option would not narrow the list.
    assert options(everything, "ms_type") == ["", "cis", "spms", "ppms"]

    oral = page(client.get("/therapies/", {"route": "oral"}))
    # Both tablets are daily, so "how often" has nothing to narrow: it is not offered at all.
    assert options(oral, "how_often") is None
    # Efficacy: only the two tiers the tablets have; "high" would leave nothing.
    assert options(oral, "efficacy") == ["", "moderate", "moderate_high"]
    # The chosen route stays, with the others it could be swapped for.
    assert options(oral, "route") == ["", "injection", "oral", "infusion"]
    assert "selected" in oral.find_all("option", value="oral")[0]
    assert "Tablet or capsule (2)" in oral.text  # each option says how many it leaves


def test_a_filter_leaving_nothing_says_so(client, dmts):
    p = page(client.get("/therapies/", {"route": "infusion", "efficacy": "moderate"}))

    assert listed(p) == []
    assert "No medicines match all these filters." in p.text and "/therapies/" in p.links()


def test_a_bad_filter_value_is_named_and_left_out(client, dmts):
    response = client.get("/therapies/", {"efficacy": "miraculous", "route": "oral"})

    assert response.status_code == 200
    p = page(response)
    assert "did not work" in p.text and "miraculous" in p.text
    assert listed(p) == ["dimethyl-fumarate", "fingolimod"]  # the good filter still applies


def test_ticked_medicines_stay_ticked_even_when_filtered_out(client, dmts):
    p = page(client.get("/therapies/", {"t": ["ocrelizumab", "fingolimod", "no-such"], "route": "oral"}))

    assert "checked" in p.find_all("input", id="pick-fingolimod")[0]
    assert "checked" not in p.find_all("input", id="pick-dimethyl-fumarate")[0]
    assert "Already ticked, though the filters hide it: ocrelizumab" in p.text
    assert "checked" in p.find_all("input", id="pick-ocrelizumab")[0]


def test_the_form_round_trip_needs_no_javascript(client, dmts):
    """The form's own fields, sent as a browser sends them, reach the comparison."""
    p = page(client.get("/therapies/", {"t": "fingolimod"}))  # "Add to comparison" from a therapy page
    form = p.find_all("form", **{"class": "chooser"})[0]
    assert form["method"] == "get" and form["action"] == "/therapies/"
    compare_button = [b for b in p.find_all("button") if b.get("formaction") == "/compare/"]
    assert compare_button, "a submit button sends the ticks to /compare/"
    ticked = [a["value"] for a in p.find_all("input", name="t") if "checked" in a]
    assert ticked == ["fingolimod"]
    # The tick boxes and the button belong to that form (outside it, so the list prints).
    assert all(a.get("form") == "choose" for a in p.find_all("input", name="t")) and form["id"] == "choose"
    assert compare_button[0]["form"] == "choose"

    sent = [("t", "fingolimod"), ("t", "ocrelizumab"), ("route", ""), ("efficacy", "")]
    response = client.get("/compare/", sent)
    assert response.status_code == 302
    comparison = page(client.get(response["Location"]))
    assert "Compare fingolimod and ocrelizumab" in comparison.text


def test_a_therapy_page_offers_to_add_it_to_a_comparison(client, dmts):
    p = page(client.get("/therapies/fingolimod/"))

    assert "/therapies/?t=fingolimod#choose" in p.links()
    assert "Add to comparison" in p.text


def test_an_emerging_therapy_page_does_not(client, make_category, make_therapy):
    make_therapy(generic_name="tolebrutinib", slug="tolebrutinib", route=Therapy.Route.ORAL,
                 category=make_category(kind=Category.Kind.EMERGING), development_stage=Therapy.Stage.PHASE_3)

    assert "Add to comparison" not in page(client.get("/therapies/tolebrutinib/")).text


@pytest.mark.parametrize("query", [{}, {"route": "oral", "efficacy": "moderate", "t": ["fingolimod", "ocrelizumab"]}])
def test_query_count_is_fixed(client, dmts, make_therapy, make_estimate, django_assert_num_queries, settings, query):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(5):
        extra = make_therapy(generic_name=f"extra {n}", category=dmts["oral"], route=Therapy.Route.ORAL)
        make_estimate(extra, product=f"brand {n}")

    # due revisions, the groups, their therapies, the groups' prices, the medicines' own
    with django_assert_num_queries(5):
        client.get("/therapies/", query)


def test_each_medicines_own_price_names_its_date_and_source(client, make_category, make_therapy, make_estimate):
    group = make_category(name="Oral DMTs")
    medicine = make_therapy(generic_name="teriflunomide", category=group)
    make_estimate(medicine, product="generic teriflunomide", low=Decimal("9000"), high=Decimal("9000"),
                  as_of=datetime.date(2026, 3, 1), source_name="State price list 2026", source_url="https://example.org/list")
    make_estimate(medicine, product="Aubagio (brand)", low=Decimal("90000"), high=Decimal("90000"),
                  as_of=datetime.date(2026, 2, 1), source_name="Maker's price notice", source_url="")

    for address in (medicine.get_absolute_url(), "/"):
        html = page(client.get(address)).html
        assert "State price list 2026" in html and "https://example.org/list" in html, address
        assert "Maker&#x27;s price notice" in html, address
    html = page(client.get("/")).html
    assert ('(1 March 2026; <a href="https://example.org/list" rel="noopener noreferrer" title="State price list 2026" '
            'aria-label="Source: State price list 2026">source</a>)') in html
    assert "(1 February 2026; source: Maker&#x27;s price notice)" in html
    # The compact list dates each figure and sends readers to the fact sheet for its source.
    chooser = page(client.get("/therapies/"))
    assert "generic teriflunomide: US$9,000 a year US list price (1 March 2026)" in chooser.text
    assert "Aubagio (brand): US$90,000 a year US list price (1 February 2026)" in chooser.text
    assert "its fact sheet names their sources" in chooser.text
    assert medicine.get_absolute_url() in chooser.links()


CATALOGUE_SIZE = 200
LIST_BYTES_LIMIT = 100 * 1024


def test_the_list_stays_under_100_kb_at_200_medicines(client, make_category, make_therapy, make_estimate):
    """Issue 20: /therapies/ was 198 KB at 215 medicines. Each is a compact
    entry (name, how it is taken, its figures with their kind and date), its
    fact sheet one click away, so the list stays readable on a phone's
    connection as the catalogue grows."""
    groups = [make_category(name=f"Group {n} of DMTs", administration="Self-injection, once a week") for n in range(4)]
    for n in range(CATALOGUE_SIZE):
        therapy = make_therapy(generic_name=f"therapymab {n:03}", slug=f"therapymab-{n:03}", category=groups[n % 4],
                               dose_interval=Therapy.Interval.WEEKLY)
        make_estimate(therapy, product=f"Brand{n:03} (brand)", low=Decimal("61000"), high=Decimal("74500"),
                      source_name="State price list 2026, table 3", source_url="https://example.org/prices/state-list-2026")

    response = client.get("/therapies/")

    p = page(response)
    assert len(listed(p)) == CATALOGUE_SIZE
    assert "Brand199 (brand): US$61,000 to US$74,500 a year US list price" in p.text
    assert len(response.content) < LIST_BYTES_LIMIT, f"/therapies/ is {len(response.content) / 1024:.1f} KB"
