"""Every public query parameter and form field, sent hostile values: a NUL,
other control characters, a lone surrogate, bytes that are not UTF-8, an
over-long value. Each answer is a page (2xx, 3xx or 4xx), never a 500, on
SQLite and on PostgreSQL (which refuses to store or compare a NUL), and
nothing with those characters is stored.

The review found `POST /feedback/` with a NUL in the message and
`GET /compare/?t=%00` failing on PostgreSQL. core.input cleans every request
in one place; this file tries it from the outside."""

import pytest
from django.core.management import call_command
from django.test import Client

from pages.models import Feedback
from therapies.models import Category, Therapy

pytestmark = pytest.mark.slow

# Percent-encoded as a browser or a robot might send them in a query string
# or a form body (application/x-www-form-urlencoded).
HOSTILE = {
    "nul": "%00",
    "nul-inside": "ocre%00lizumab",
    "controls": "%01%08%0B%0C%1B%7F",
    "c1-control": "%C2%85%C2%9F",
    "lone-surrogate": "%ED%A0%80",
    "not-utf8": "%FF%FE%C0%AE",
    "latin-1": "caf%E9",
    "bare-percent": "%",
    "over-long": "x" * 20_000,
    "over-long-digits": "9" * 5_000,
    "noncharacter": "%EF%BF%BF",
}


@pytest.fixture
def public_pages(demo_content):
    """Each public page that reads query parameters, with the names it reads,
    and a few that read none (a stray parameter must not break them either)."""
    therapy = Therapy.objects.live().order_by("pk").first()
    category = Category.objects.live().order_by("pk").first()
    from articles.models import Article

    article = Article.objects.live().order_by("pk").first()
    return {
        "/": ["q"],
        "/articles/": ["page"],
        f"/articles/{article.slug}/": ["page"],
        "/therapies/": ["route", "how_often", "ms_type", "efficacy", "t"],
        "/compare/": ["t"],
        "/search/": ["q", "page"],
        f"/therapies/{therapy.slug}/": ["t"],
        f"/categories/{category.slug}/": ["t"],
        f"/therapies/{therapy.slug}/prices/": ["page"],
        f"/categories/{category.slug}/prices/": ["page"],
        "/feedback/": ["page"],
        "/feedback/thanks/": ["page"],
        # The decision aid reads its answers and the country from the address.
        "/decide/": ["way", "country"],
        "/decide/answers/": ["ms", "way", "often", "tests", "visits", "pregnancy", "weighing", "cost", "country"],
        "/decide/summary/": ["tests", "pregnancy", "country"],
        "/prices.csv": ["page"],
        "/prices.json": ["page"],
        "/prices/history.csv": ["page"],
        "/prices/feed/": ["page"],
        "/articles/feed/": ["page"],
        "/emerging/": ["page"],
        "/care/": ["page"],
        "/data/": ["page"],
        "/sitemap.xml": ["p"],
        "/admin/login/": ["next"],
    }


def assert_answered(response, what):
    assert response.status_code < 500, f"{what} answered {response.status_code}"


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_public_query_parameter_takes_hostile_values(public_pages, value):
    client = Client(raise_request_exception=False)
    for path, names in public_pages.items():
        for name in names:
            response = client.get(f"{path}?{name}={value}")
            assert_answered(response, f"GET {path}?{name}=<{value[:20]}>")
        # Hostile names, and the value given many times over.
        assert_answered(client.get(f"{path}?{value[:100]}=1"), f"GET {path} with a hostile name")
        repeated = "&".join(f"{names[0]}={value[:50]}" for _ in range(200))
        assert_answered(client.get(f"{path}?{repeated}"), f"GET {path} with the value 200 times")


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_address_path_gets_a_page_not_an_error(demo_content, value):
    client = Client(raise_request_exception=False)
    for prefix in ("/therapies/", "/categories/", "/articles/", "/"):
        response = client.get(f"{prefix}{value[:300]}/")
        assert response.status_code in (301, 404), f"{prefix}<{value[:20]}> answered {response.status_code}"


def feedback_body(**overrides):
    fields = {"page": "/therapies/", "message": READABLE, "email": "", "website": "", **overrides}
    return "&".join(f"{name}={value}" for name, value in fields.items())


def post_form(client, path, body):
    return client.generic("POST", path, body.encode("latin-1"), content_type="application/x-www-form-urlencoded")


READABLE = "The+dose+table+on+this+page+looks+out+of+date"


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("field", ["page", "message", "email", "website", "unknown"])
def test_every_feedback_field_takes_hostile_values(db, field, value):
    client = Client(raise_request_exception=False)
    overrides = {field: READABLE + value} if field == "message" else {field: value}
    body = feedback_body(**overrides)
    response = post_form(client, "/feedback/", body)

    assert_answered(response, f"POST /feedback/ with {field}=<{value[:20]}>")
    for feedback in Feedback.objects.all():
        for text in (feedback.message, feedback.page, feedback.email):
            assert not any(ord(character) < 32 and character not in "\t\n\r" for character in text)
            assert "\x00" not in text and "\x7f" not in text


def test_feedback_with_a_nul_in_the_message_is_kept_without_it_and_the_export_works(db, tmp_path):
    client = Client()
    response = post_form(client, "/feedback/", feedback_body(message="The+dose+table+is+out%00+of+date+since+the+new+label"))

    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.message == "The dose table is out of date since the new label"
    call_command("dumpdata", "pages.feedback", format="xml", output=str(tmp_path / "feedback.xml"), verbosity=0)
    assert "The dose table is out of date" in (tmp_path / "feedback.xml").read_text()


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("field", ["username", "password"])
def test_the_sign_in_form_takes_hostile_values(db, field, value):
    client = Client(raise_request_exception=False)
    fields = {"username": "nobody", "password": "wrong", field: value}
    response = post_form(client, "/admin/login/", "&".join(f"{k}={v}" for k, v in fields.items()))

    assert_answered(response, f"POST /admin/login/ with {field}=<{value[:20]}>")


def test_a_nul_in_the_compare_address_shows_the_compare_page(demo_content):
    slug = Therapy.objects.live().order_by("pk").first().slug
    response = Client().get(f"/compare/?t={slug}%00&t=%00")

    assert response.status_code in (200, 301, 302)


def test_an_over_long_username_gets_the_usual_sign_in_message(db):
    response = post_form(Client(), "/admin/login/", f"username={'x' * 5000}&password=wrong")

    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff account" in response.content.decode()
