"""The finish in a real browser: keyboard focus shows the site's own ring on
every kind of control, and a printed page has no menu, form or button and
shows where its links go. Debian's chromium through Playwright
(tests/browser_support.py)."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from editorial.models import Reference
from therapies.models import Category, Therapy

pytest_plugins = ["tests.browser_support"]

# The ring site.css draws: 3px solid #1b1f23 (with a yellow one inside it).
RING = {"style": "solid", "width": "3px", "color": "rgb(27, 31, 35)"}

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), type: el.type || "", text: (el.textContent || el.name || "").trim().slice(0, 40),
          style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor};
}"""


@pytest.fixture
def catalogue(make_category, make_therapy, make_estimate):
    oral = make_category(name="Oral DMTs", slug="oral-dmts", kind=Category.Kind.DISEASE_MODIFYING)
    make_estimate(oral, low=Decimal("60000"), high=Decimal("90000"))
    for name, route in (("fingolimod", Therapy.Route.ORAL), ("ozanimod", Therapy.Route.ORAL)):
        therapy = make_therapy(generic_name=name, slug=name, route=route, category=oral)
        make_estimate(therapy, low=Decimal("80000"), high=Decimal("100000"))
    fingolimod = Therapy.objects.get(slug="fingolimod")
    Reference.objects.create(
        content_type=ContentType.objects.get_for_model(Therapy),
        object_id=fingolimod.pk,
        title="Fingolimod prescribing information",
        url="https://example.org/fingolimod-label",
    )
    return oral


@pytest.mark.browser
def test_keyboard_focus_shows_the_sites_ring_on_links_buttons_and_form_fields(live_server, new_page, catalogue):
    page = new_page()
    page.goto(f"{live_server.url}/therapies/")
    seen, wrong = set(), []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body":
            break
        seen.add(focused["tag"] if focused["tag"] != "input" else f"input[{focused['type']}]")
        if {key: focused[key] for key in RING} != RING:
            wrong.append(focused)
    assert not wrong, f"controls without the site's focus ring: {wrong}"
    assert {"a", "button"} <= seen and any(kind.startswith(("input", "select")) for kind in seen), seen


@pytest.mark.browser
def test_a_printed_page_has_no_menu_forms_or_buttons_and_shows_where_links_go(live_server, new_page, catalogue):
    page = new_page()
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}/therapies/")
    assert page.locator("main h1").is_visible()
    for hidden in ('nav[aria-label="Main"]', 'nav[aria-label="Breadcrumb"]', "main form", "main button"):
        assert page.locator(hidden).count() == 0 or not page.locator(hidden).first.is_visible(), hidden

    page.goto(f"{live_server.url}/therapies/fingolimod/")
    after = page.evaluate(
        """(selector) => getComputedStyle(document.querySelector(selector), "::after").content""",
        'a[href="https://example.org/fingolimod-label"]',
    )
    assert "https://example.org/fingolimod-label" in after
    in_site = page.evaluate("""() => getComputedStyle(document.querySelector("main a[href^='/']"), "::after").content""")
    assert in_site in ("none", "normal", "")
