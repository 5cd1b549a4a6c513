"""The finish a reader notices (issue 10, part 5): a page that prints cleanly,
the site's icon on a phone's home screen, breadcrumbs from Home and the menu
marking where the reader is, no JavaScript, and the site's own pages for a
request it cannot read (400), a refusal (403) and a form whose security check
failed (CSRF). The keyboard focus ring and print layout in a real browser are
in tests/pages/test_browser_focus_and_print.py."""

import re
import struct
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from tests.page_helpers import assert_site_layout, page
from therapies.models import Category

# --- Print ---------------------------------------------------------------------------------


def print_css():
    """The print stylesheet without its comments."""
    return re.sub(r"/\*.*?\*/", "", Path(finders.find("css/print.css")).read_text(), flags=re.S)


def rule_body(css, selector_pattern):
    """The declarations of the first rule whose selector list matches."""
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if re.search(selector_pattern, selectors):
            return body
    return ""


def test_every_page_links_the_print_stylesheet_for_print_only(client, db):
    p = page(client.get("/"))
    printed = [link for link in p.find_all("link", rel="stylesheet") if "print.css" in link["href"]]
    assert printed == [{"rel": "stylesheet", "href": "/static/css/print.css", "media": "print"}]


def test_print_hides_navigation_forms_and_buttons():
    hidden = rule_body(print_css(), r"(^|,)\s*nav\s*(,|$)")
    assert "display: none" in hidden
    hiding = re.search(r"([^{}]+)\{[^{}]*display: none", print_css()).group(1)
    for selector in ("nav", "form", "button", ".btn", ".site-breadcrumb", ".skip-link"):
        assert selector in [s.strip() for s in hiding.split(",")], selector


def test_print_shows_the_address_of_links_that_leave_the_site_but_not_of_in_page_anchors():
    css = print_css()
    body = rule_body(css, r'a\[href\^="http"\]::after')
    assert 'content: " (" attr(href) ")"' in body
    assert 'a[href^="#"]::after' not in css and "a::after" not in css


def test_print_keeps_the_cost_table_whole():
    body = rule_body(print_css(), r"\.cost-table")
    assert "break-inside: avoid" in body
    assert "overflow: visible" in rule_body(print_css(), r"\.table-responsive")
    assert "@page" in print_css()


# --- Icons ---------------------------------------------------------------------------------


def png_size(path):
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_touch_icon_is_a_180_pixel_png_linked_from_public_and_admin_pages(client, db):
    assert png_size(finders.find("img/apple-touch-icon.png")) == (180, 180)
    for address in ("/", "/admin/login/"):
        p = page(client.get(address))
        assert p.find_all("link", rel="apple-touch-icon", href="/static/img/apple-touch-icon.png"), address
        assert p.find_all("link", rel="icon", href="/static/img/favicon.svg"), address


# --- Breadcrumbs and the menu ------------------------------------------------------------------


@pytest.fixture
def site(make_category, make_therapy, make_estimate, make_article):
    oral = make_category(name="Oral DMTs", slug="oral-dmts")
    make_estimate(oral, low=Decimal("60000"), high=Decimal("90000"))
    fingolimod = make_therapy(generic_name="fingolimod", slug="fingolimod", category=oral)
    make_estimate(fingolimod, low=Decimal("80000"), high=Decimal("100000"))
    trials = make_category(name="BTK inhibitors", slug="btk-inhibitors", kind=Category.Kind.EMERGING)
    make_therapy(generic_name="fenebrutinib", slug="fenebrutinib", category=trials)
    make_article(title="Living with relapses", slug="relapses")


class Links(HTMLParser):
    """The items of one <nav> (by its aria-label): each one's text, link and
    aria-current, whether the item is a link or plain text."""

    def __init__(self, label):
        super().__init__(convert_charrefs=True)
        self.label, self.depth, self.items = label, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self.depth += 1 if (self.depth or attrs.get("aria-label") == self.label) else 0
        elif self.depth and tag == "li":
            self.items.append({"text": "", "href": None, "current": attrs.get("aria-current")})
        elif self.depth and tag == "a" and self.items:
            self.items[-1].update(href=attrs.get("href"), current=attrs.get("aria-current") or self.items[-1]["current"])

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.items:
            self.items[-1]["text"] += data.strip()


def nav_items(response, label):
    parser = Links(label)
    parser.feed(response.content.decode())
    return parser.items


def breadcrumb(response):
    """The trail as (label, link) pairs; this page, last, is (label, "current")."""
    items = nav_items(response, "Breadcrumb")
    assert items, "no breadcrumb trail"
    return [(i["text"], "current" if i["current"] == "page" and not i["href"] else i["href"]) for i in items]


HOME, DMTS = ("Home", "/"), ("DMTs & costs", "/therapies/")
ORAL, BTK = ("Oral DMTs", "/categories/oral-dmts/"), ("BTK inhibitors", "/categories/btk-inhibitors/")
TRAILS = {
    "/therapies/": [HOME, ("DMTs & costs", "current")],
    "/therapies/fingolimod/": [HOME, DMTS, ORAL, ("Fingolimod", "current")],
    "/therapies/fingolimod/prices/": [
        HOME, DMTS, ORAL, ("Fingolimod", "/therapies/fingolimod/"), ("Price history", "current")
    ],
    "/categories/oral-dmts/": [HOME, DMTS, ("Oral DMTs", "current")],
    "/categories/oral-dmts/prices/": [HOME, DMTS, ORAL, ("Price history", "current")],
    "/therapies/fenebrutinib/": [HOME, ("Emerging therapies", "/emerging/"), BTK, ("Fenebrutinib", "current")],
    "/emerging/": [HOME, ("Emerging therapies", "current")],
    "/care/": [HOME, ("Supportive care", "current")],
    "/articles/": [HOME, ("Articles", "current")],
    "/articles/relapses/": [HOME, ("Articles", "/articles/"), ("Living with relapses", "current")],
    "/compare/?t=fingolimod&t=fenebrutinib": [HOME, DMTS, ("Compare", "current")],
}


@pytest.mark.parametrize("address", TRAILS)
def test_every_page_below_home_has_a_breadcrumb_trail_from_home_to_itself(client, site, address):
    response = client.get(address)
    assert_site_layout(response)
    assert breadcrumb(response) == TRAILS[address]


def test_the_home_page_has_no_breadcrumb_trail(client, site):
    assert 'aria-label="Breadcrumb"' not in client.get("/").content.decode()


def menu(response):
    """{menu label: its aria-current, or None} from the main navigation."""
    return {item["text"]: item["current"] for item in nav_items(response, "Main")}


MENU = {
    "/": ("Home", "page"),
    "/therapies/": ("DMTs & costs", "page"),
    "/therapies/fingolimod/": ("DMTs & costs", "true"),
    "/therapies/fingolimod/prices/": ("DMTs & costs", "true"),
    "/categories/oral-dmts/": ("DMTs & costs", "true"),
    "/categories/oral-dmts/prices/": ("DMTs & costs", "true"),
    "/emerging/": ("Emerging therapies", "page"),
    "/therapies/fenebrutinib/": ("Emerging therapies", "true"),
    "/care/": ("Supportive care", "page"),
    "/articles/": ("Articles", "page"),
    "/articles/relapses/": ("Articles", "true"),
    "/compare/": ("DMTs & costs", "true"),
}


@pytest.mark.parametrize("address", MENU)
def test_the_menu_marks_this_page_or_the_section_it_is_in_and_nothing_else(client, site, address):
    label, current = MENU[address]
    marks = menu(client.get(address))
    assert {name: value for name, value in marks.items() if value} == {label: current}


def test_a_page_in_no_section_marks_nothing_in_the_menu(client, db):
    marks = menu(client.get("/no-such-page/"))
    assert not any(marks.values())


# --- No JavaScript -----------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["/", "/therapies/", "/therapies/fingolimod/", "/articles/relapses/"])
def test_public_pages_load_no_script_at_all(client, site, address):
    # The menu wraps on a phone and nothing opens by script: Bootstrap's
    # JavaScript was loaded on every page for nothing. The only <script>
    # elements are structured data for search engines, which browsers never run.
    scripts = page(client.get(address)).find_all("script")
    assert scripts, "no structured data"
    assert all(script == {"type": "application/ld+json"} for script in scripts), scripts


# --- 400, 403 and a failed CSRF check ----------------------------------------------------------


def test_a_request_the_site_cannot_read_gets_the_400_page_in_the_sites_layout(db):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="not-this-site.example")
    assert response.status_code == 400
    p = assert_site_layout(response)
    assert "Sorry, we could not understand that request" in p.text


def test_a_form_sent_without_its_security_token_gets_the_sites_own_page(db):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "someone", "password": "x"})
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"
    p = assert_site_layout(response)
    assert "Sorry, your form was not sent" in p.text
    assert "allow cookies for this site" in p.text  # no cookie was ever set
    assert "someone" not in p.text  # a sign-in is never shown back


def test_an_editor_whose_security_check_failed_gets_their_text_back_but_no_secrets(editor_user, make_article):
    article = make_article(title="Pacing", slug="pacing")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor_user)
    browser.get("/admin/")  # sets the CSRF cookie; the form below carries a stale token
    response = browser.post(
        f"/admin/articles/article/{article.pk}/change/",
        {"title": "Pacing", "body": "Rest before you are tired.", "csrfmiddlewaretoken": "stale" * 8, "password": "hunter2"},
    )
    assert response.status_code == 403
    p = assert_site_layout(response)
    assert "security check did not pass" in p.text
    assert "Rest before you are tired." in p.text
    assert "hunter2" not in p.html and "stale" * 8 not in p.html


def test_a_refusal_on_the_public_site_gets_the_public_403_page(rf, db):
    from django.core.exceptions import PermissionDenied

    from core.errors import permission_denied

    response = permission_denied(rf.get("/articles/x/"), PermissionDenied())
    assert response.status_code == 403
    assert "Sorry, you can't see this page" in response.content.decode()
    assert 'class="site-name"' in response.content.decode()


def test_the_csrf_failure_view_is_the_sites_own():
    assert settings.CSRF_FAILURE_VIEW == "core.errors.csrf_failure"


@pytest.mark.parametrize(
    "template, context, heading",
    [
        ("400.html", {}, "Sorry, we could not understand that request"),
        ("403.html", {}, "Sorry, you can't see this page"),
        ("403_csrf.html", {"no_cookie": False, "unsaved": []}, "Sorry, your form was not sent"),
    ],
)
def test_the_error_pages_render_without_the_database(template, context, heading):
    # No `db` fixture: pytest-django makes any database access raise.
    for request in (None, RequestFactory().get("/"), RequestFactory().post("/admin/")):
        rendered = render_to_string(template, context, request=request)
        assert heading in rendered and 'class="site-name"' in rendered and "It is not medical advice" in rendered


# --- Keyboard focus (the ring itself, in chromium: tests/pages/test_browser_focus_and_print.py) ---------------


def test_one_focus_ring_for_links_buttons_selects_fields_and_summaries():
    css = re.sub(r"/\*.*?\*/", "", Path(finders.find("css/site.css")).read_text(), flags=re.S)
    selectors, body = re.search(r"([^{}]*:focus-visible[^{}]*)\{([^{}]*)\}", css).groups()
    named = {s.strip() for s in selectors.split(",")}
    for control in ("a", "button", "select", "input", "textarea", "summary", ".btn", ".nav-link", ".form-select"):
        assert f"{control}:focus-visible" in named, control
    # Dark on the white page: far above the 3:1 WCAG asks of a focus indicator.
    assert "outline: 3px solid #1b1f23" in body
