"""Choosing and comparing medicines in a real browser, without a script of
our own: tick three on /therapies/, compare them, read each one's cost and
monitoring; on a phone the comparison goes row by row, each fact with the
medicines' values side by side under it, below their names, which stay in
view while the reader scrolls, and nothing scrolls sideways. Debian's
chromium through Playwright (tests/browser_support.py)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.site.test_browser_csp import ViolationWatch
from therapies.models import Therapy

pytest_plugins = ["tests.browser_support"]

PHONE = {"width": 390, "height": 844}

MEDICINES = {  # in the order the list shows them (each group's medicines by name)
    # slug: (name, route, monitoring, the cost its column shows)
    "fingolimod": ("fingolimod", Therapy.Route.ORAL, "Eye check after 3 to 4 months", "US$9,000 to US$12,000 a year"),
    "natalizumab": ("natalizumab", Therapy.Route.INFUSION, "JC virus antibody test about every 6 months",
                    "US$70,000 to US$90,000 a year"),
    # No figure of its own: the comparison says so, never passing its group's range off as its price.
    "ocrelizumab": ("ocrelizumab", Therapy.Route.INFUSION, "Blood immunoglobulin levels", "No US list price figure yet"),
}


@pytest.fixture
def catalogue(make_category, make_therapy, make_estimate):
    oral = make_category(name="Oral DMTs", slug="oral-dmts", display_order=1)
    infusions = make_category(name="Infusions", slug="infusions", display_order=2)
    make_estimate(infusions, low=Decimal("50000"), high=Decimal("60000"), source_name="Old infusions survey")  # history
    for slug, (name, route, monitoring, _) in MEDICINES.items():
        therapy = make_therapy(
            generic_name=name, slug=slug, route=route, category=oral if route == Therapy.Route.ORAL else infusions,
            monitoring=f"Blood count every 3 months\n{monitoring}",
            common_side_effects="Headache, and a long word: immunoglobulinaemia-related-tiredness",
            efficacy_tier=Therapy.Efficacy.HIGH if route == Therapy.Route.INFUSION else Therapy.Efficacy.MODERATE_HIGH,
        )
        if slug == "fingolimod":
            make_estimate(therapy, low=Decimal("9000"), high=Decimal("12000"), product="generic fingolimod",
                          source_name="Generic price list")
        if slug == "natalizumab":
            make_estimate(therapy, low=Decimal("70000"), high=Decimal("90000"), source_name="Infusions survey")
    make_therapy(generic_name="glatiramer acetate", slug="glatiramer-acetate", category=oral)


def cell(page, row, name):
    """One medicine's value in one row of the comparison (tr.compare-<row>)."""
    return page.locator(f"tr.compare-{row} td[data-medicine='{name.capitalize()}']")


@pytest.mark.browser
def test_a_reader_picks_three_medicines_and_compares_them(live_server, new_page, catalogue):
    page = new_page()
    watch = ViolationWatch(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/therapies/")
    # The chooser gives a medicine without figures of its own its group's range, labelled as the group's.
    expect(page.locator(".chooser-list li").filter(has=page.locator("#pick-ocrelizumab"))).to_contain_text(
        "no United States figure of its own yet; for the whole group: US$70,000 to US$90,000 a year")

    for slug in MEDICINES:
        page.get_by_label(re.compile(f"^{MEDICINES[slug][0]}")).check()
    page.get_by_role("button", name="Compare the ticked medicines").click()

    expect(page).to_have_url(f"{live_server.url}/compare/?t=fingolimod&t=natalizumab&t=ocrelizumab")
    expect(page.locator("h1")).to_have_text("Compare fingolimod, natalizumab and ocrelizumab")
    for name, _, monitoring, cost in MEDICINES.values():
        expect(cell(page, "cost", name)).to_contain_text(cost)
        expect(cell(page, "monitoring", name)).to_contain_text(monitoring)
    for name in ("fingolimod", "natalizumab"):
        expect(cell(page, "cost", name)).to_contain_text("Figures as of")
        expect(cell(page, "cost", name)).to_contain_text("US list price")
    expect(page.locator("tr.compare-cost th")).to_contain_text("US list price a year")
    expect(page.locator("table.compare")).not_to_contain_text("US$50,000")

    # Side by side on a wide screen, each fact level with the same fact in the other columns.
    boxes = [cell(page, "monitoring", name).bounding_box() for name, *_ in MEDICINES.values()]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    watch.assert_none()


FACT_SHEETS = {  # four medicines with every row of the comparison filled, as long as the demo's
    "fingolimod": dict(
        generic_name="fingolimod", brand_names="Gilenya", route=Therapy.Route.ORAL, frequency="Once a day",
        taken_where=Therapy.Setting.HOME, licensed_cis=True, licensed_rrms=True, licensed_spms=True,
        efficacy_tier=Therapy.Efficacy.MODERATE_HIGH,
        efficacy_result="54% fewer relapses than a dummy treatment (placebo) over two years (FREEDOMS trial).",
        common_side_effects="Headache\nRaised liver enzymes in blood tests\nDiarrhoea\nCough",
        serious_risks="A slow heartbeat after the first dose\nInfections, including shingles\nSwelling at the back of the eye",
        monitoring="Heart monitoring for 6 hours after the first dose\nAn eye check 3 to 4 months after starting",
        pregnancy="Stop taking it before trying for a baby, and plan this with your MS team.",
    ),
    "ocrelizumab": dict(
        generic_name="ocrelizumab", brand_names="Ocrevus", route=Therapy.Route.INFUSION, frequency="Every 6 months",
        taken_where=Therapy.Setting.CLINIC, licensed_rrms=True, licensed_ppms=True, efficacy_tier=Therapy.Efficacy.HIGH,
        efficacy_result="About 46% fewer relapses than interferon beta-1a over two years (OPERA I and II trials).",
        common_side_effects="Reactions during or soon after the infusion\nColds and chest infections",
        serious_risks="Infections\nHepatitis B coming back in people who have had it",
        monitoring="Blood immunoglobulin levels", pregnancy="Plan the timing of a pregnancy with your neurologist.",
    ),
    "natalizumab": dict(
        generic_name="natalizumab", brand_names="Tysabri", route=Therapy.Route.INFUSION, frequency="Every 4 weeks",
        taken_where=Therapy.Setting.CLINIC, licensed_rrms=True, efficacy_tier=Therapy.Efficacy.HIGH,
        efficacy_result="68% fewer relapses than a dummy treatment (placebo) over two years (AFFIRM trial).",
        common_side_effects="Headache\nTiredness\nJoint pain", serious_risks="PML, a rare serious brain infection",
        monitoring="A JC virus antibody test about every 6 months\nRegular MRI scans",
        pregnancy="A decision for a specialist: in very active MS it is sometimes carried on during pregnancy.",
    ),
    "dimethyl-fumarate": dict(
        generic_name="dimethyl fumarate", brand_names="Tecfidera", route=Therapy.Route.ORAL, frequency="Twice a day",
        taken_where=Therapy.Setting.HOME, licensed_rrms=True, efficacy_tier=Therapy.Efficacy.MODERATE,
        efficacy_result="About half as many relapses as a dummy treatment (placebo) over two years (DEFINE trial).",
        common_side_effects="Flushing (warm, red skin)\nStomach pain\nDiarrhoea",
        serious_risks="Low numbers of lymphocytes, a kind of white blood cell\nPML, a rare serious brain infection",
        monitoring="A blood count every 3 months", pregnancy="It is usually stopped for pregnancy.",
    ),
}


@pytest.fixture
def fact_sheets(make_category, make_therapy, make_estimate):
    group = make_category(name="DMTs", slug="dmts")
    for slug, facts in FACT_SHEETS.items():
        therapy = make_therapy(slug=slug, category=group, **facts)
        if slug == "fingolimod":  # the first column has a figure of its own
            make_estimate(therapy, low=Decimal("70000"), high=Decimal("90000"), source_name="A price survey")
    return list(FACT_SHEETS)


def box(locator):
    return locator.bounding_box()


@pytest.mark.browser
@pytest.mark.parametrize("count", [2, 4])
def test_on_a_phone_each_fact_is_a_row_with_the_medicines_values_side_by_side(live_server, new_page, fact_sheets, count):
    slugs = fact_sheets[:count]
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/compare/?" + "&".join(f"t={slug}" for slug in slugs))

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "nothing scrolls sideways"
    names = [box(page.locator("thead th").nth(n)) for n in range(count)]
    rows = page.locator("tbody tr.compare-row")
    assert rows.count() == 10  # every fact, then the links to the full pages
    for n in range(rows.count()):
        row = rows.nth(n)
        heading, cells = box(row.locator("th")), [box(row.locator("td").nth(i)) for i in range(count)]
        # The fact first, across the screen; then each medicine's value under that medicine's name.
        assert heading["width"] > PHONE["width"] * 0.8
        assert all(heading["y"] + heading["height"] <= c["y"] + 1 for c in cells)
        assert [round(c["x"]) for c in cells] == [round(name["x"]) for name in names]
        assert all(c["x"] >= 0 and c["x"] + c["width"] <= PHONE["width"] for c in cells)
        # Side by side, two to a line: a row is as tall as its tallest value on each line, not all of them.
        lines = [cells[i : i + 2] for i in range(0, count, 2)]
        assert all(abs(left["y"] - right["y"]) < 1 for left, right in lines)
        tallest = sum(max(c["height"] for c in line) for line in lines)
        assert box(row)["height"] <= heading["height"] + tallest + 20
    # With four, two to a line, each value is labelled with its medicine (from
    # the stylesheet, hidden from screen readers, which hear the column's name).
    labels = page.evaluate(
        "[...document.querySelectorAll('tr.compare-how td')].map(td => getComputedStyle(td, '::before'))"
        ".map(label => label.display === 'none' ? null : label.content)"
    )
    if count == 4:
        assert labels == [f'"{name.split(" (")[0]}" / ""' for name in page.locator("thead th").all_inner_texts()]
    else:
        assert labels == [None] * count


@pytest.mark.browser
@pytest.mark.parametrize("count", [2, 4])
def test_on_a_phone_the_names_stay_in_view_while_the_reader_scrolls(live_server, new_page, fact_sheets, count):
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/compare/?" + "&".join(f"t={slug}" for slug in fact_sheets[:count]))
    header = page.locator("table.compare thead")
    at_first = box(header)["y"]

    # Down to the cost, far below where the names were.
    page.evaluate("window.scrollTo(0, document.querySelector('tr.compare-cost').getBoundingClientRect().top + window.scrollY - 300)")
    page.wait_for_function(f"window.scrollY > {at_first + 500}")

    stuck = box(header)
    assert abs(stuck["y"]) < 1, "the names are at the top of the screen"
    for n in range(count):
        name = page.locator("thead th").nth(n)
        expect(name).to_be_visible()
        assert 0 <= box(name)["y"] and box(name)["y"] + box(name)["height"] <= stuck["height"] + 1
    cost = box(page.locator("tr.compare-cost"))
    assert cost["y"] >= stuck["height"], "the row read now is below the names, not under them"
    expect(page.locator("tr.compare-cost td").first).to_contain_text("US$70,000 to US$90,000 a year")


@pytest.mark.browser
def test_the_chooser_fits_a_phone_too(live_server, new_page, catalogue):
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/therapies/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
