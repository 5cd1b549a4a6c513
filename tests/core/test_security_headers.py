"""The security headers every response carries: public pages, static files,
error pages and the admin alike.

Content-Security-Policy (django-csp) allows only this site's own scripts,
styles and images, no inline script or style, no framing, no plugins; Permissions-
Policy denies the browser features the site never uses; Cross-Origin-Resource-
Policy keeps other sites from embedding its responses. The rest come from
Django's SecurityMiddleware and XFrameOptionsMiddleware."""

import json
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from tests.page_helpers import page
from therapies.models import Category
from tests.site.test_settings import production_env, run_python

PUBLIC_PAGES = [
    "/",
    "/therapies/",
    "/therapies/fingolimod/",
    "/therapies/fingolimod/prices/",
    "/categories/oral-dmts/",
    "/categories/oral-dmts/prices/",
    "/emerging/",
    "/care/",
    "/articles/",
    "/articles/relapses/",
]
OTHER_RESPONSES = [
    ("/static/css/site.css", 200),
    ("/static/admin/js/core.js", 200),
    ("/no-such-page/", 404),
    ("/therapies/no-such-therapy/", 404),
    ("/admin/login/", 200),
]
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "midi", "display-capture"]


def directives(header):
    """Content-Security-Policy as {directive: [sources]}."""
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} appears twice"
        parsed[name] = sources
    return parsed


def features(header):
    """Permissions-Policy as {feature: allowlist}."""
    parsed = {}
    for item in header.split(","):
        name, _, allowlist = item.strip().partition("=")
        parsed[name] = allowlist
    return parsed


def assert_secure_headers(response):
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["upgrade-insecure-requests"] == []  # the tests run with DEBUG off
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "nonce-" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response  # enforced, not only reported

    allowed = features(response["Permissions-Policy"])
    assert all(allowed[feature] == "()" for feature in DENIED_FEATURES), allowed
    assert set(allowed.values()) == {"()"}  # nothing is allowed to anyone

    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.fixture
def site(make_category, make_therapy, make_estimate, make_article):
    oral = make_category(name="Oral DMTs", slug="oral-dmts", kind=Category.Kind.DISEASE_MODIFYING)
    therapy = make_therapy(generic_name="fingolimod", slug="fingolimod", category=oral)
    make_estimate(therapy, low=Decimal("80000"), high=Decimal("100000"))
    make_estimate(oral)
    make_article(title="Relapses", slug="relapses")


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_carries_the_security_headers(client, site, page):
    for attempt in ("first", "again, perhaps from the page cache"):
        response = client.get(page)
        assert response.status_code == 200, attempt
        assert_secure_headers(response)


@pytest.mark.parametrize(("url", "status"), OTHER_RESPONSES)
def test_static_files_error_pages_and_the_admin_login_carry_them_too(client, db, url, status):
    response = client.get(url)

    assert response.status_code == status
    assert_secure_headers(response)


def test_the_admin_carries_them_for_staff(editor_client, site):
    for url in ("/admin/", "/admin/therapies/therapy/", "/admin/prices/priceimport/upload/"):
        response = editor_client.get(url)
        assert response.status_code == 200
        assert_secure_headers(response)


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken_view), path("", include("msinfo.urls"))]


@pytest.mark.urls(__name__)
def test_the_server_error_page_carries_them(db):
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert_secure_headers(response)


def test_a_view_s_own_permissions_policy_is_kept(rf):
    from core.middleware import SecurityHeadersMiddleware

    own = HttpResponse()
    own["Permissions-Policy"] = "fullscreen=(self)"
    response = SecurityHeadersMiddleware(lambda request: own)(rf.get("/"))

    assert response["Permissions-Policy"] == "fullscreen=(self)"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


# --- the policy's settings, as a deployment and `make run` meet them -------------------------

POLICY_DUMP = "import json, msinfo.settings as s; print(json.dumps(s.CONTENT_SECURITY_POLICY))"


def policy_with(**env):
    result = run_python(["-c", POLICY_DUMP], production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["DIRECTIVES"]


def test_production_upgrades_insecure_requests_and_local_development_does_not():
    assert policy_with()["upgrade-insecure-requests"] is True
    # `make run` serves plain http://127.0.0.1 with DEBUG on.
    assert policy_with(DJANGO_DEBUG="1")["upgrade-insecure-requests"] is False
    assert policy_with(DJANGO_DEBUG="1")["script-src"] == ["'self'"]



def test_every_page_names_the_site_icon_and_the_old_icon_address_leads_to_it(client, db):
    # Browsers otherwise ask for /favicon.ico on every page and log a 404.
    for address in ("/", "/admin/login/"):
        icons = page(client.get(address)).find_all("link", rel="icon")
        assert len(icons) == 1 and icons[0]["href"].endswith(".svg"), address
        assert client.get(icons[0]["href"]).status_code == 200
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == icons[0]["href"]
