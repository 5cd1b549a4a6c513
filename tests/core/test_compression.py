"""Compressed responses (core/compression.py): anonymous readers' pages go
out gzip-compressed to clients that accept it, stored pages included, and
nothing that could carry a secret is ever compressed (BREACH)."""

import gzip
from unittest import mock

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory

from core import compression
from core.cache import STATUS_HEADER

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


@pytest.fixture
def therapy(make_therapy):
    return make_therapy(generic_name="squeezimab", slug="squeezimab", body="The **whole** body, long enough.")


def varies_on(response):
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


def is_compressed(response):
    return response.get("Content-Encoding") == "gzip"


# --- Anonymous readers ----------------------------------------------------------------------


def test_an_anonymous_page_is_compressed_and_decompresses_to_the_same_html(client, therapy):
    compressed = client.get("/therapies/squeezimab/", **GZIP)
    identity = client.get("/therapies/squeezimab/")

    assert compressed[STATUS_HEADER] == "miss" and identity[STATUS_HEADER] == "hit"
    assert is_compressed(compressed) and not identity.has_header("Content-Encoding")
    assert gzip.decompress(compressed.content) == identity.content
    assert b"squeezimab" in identity.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(identity.content) / 2
    assert int(identity["Content-Length"]) == len(identity.content)
    assert "accept-encoding" in varies_on(compressed) and "accept-encoding" in varies_on(identity)


def test_a_stored_page_is_served_compressed_without_compressing_it_again(client, therapy):
    first = client.get("/therapies/squeezimab/", **GZIP)

    with mock.patch.object(compression, "_gzip", side_effect=AssertionError("compressed on a hit")):
        second = client.get("/therapies/squeezimab/", **GZIP)
        identity = client.get("/therapies/squeezimab/")

    assert second[STATUS_HEADER] == identity[STATUS_HEADER] == "hit"
    assert is_compressed(second) and second.content == first.content
    assert second["ETag"] == first["ETag"] and second["Content-Length"] == first["Content-Length"]
    assert "accept-encoding" in varies_on(second)
    assert not identity.has_header("Content-Encoding") and identity.content == gzip.decompress(second.content)


def test_a_page_first_stored_for_a_client_without_gzip_is_served_compressed_to_one_with_it(client, therapy):
    identity = client.get("/therapies/squeezimab/")
    stored = client.get("/therapies/squeezimab/", **GZIP)

    assert identity[STATUS_HEADER] == "miss" and stored[STATUS_HEADER] == "hit"
    assert is_compressed(stored) and gzip.decompress(stored.content) == identity.content


def test_with_the_page_cache_off_pages_are_compressed_all_the_same(client, therapy, settings):
    settings.PAGE_CACHE_SECONDS = 0
    response = client.get("/therapies/squeezimab/", **GZIP)
    assert response[STATUS_HEADER] == "bypass" and is_compressed(response)


@pytest.mark.parametrize(
    "accept_encoding, compressed",
    [
        (None, False),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip", True),
        ("GZip;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000, deflate", False),
        ("*, gzip;q=0", False),
        ("*;q=0", False),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("gzip;q=nonsense", False),
    ],
)
def test_the_accept_encoding_header_decides_q_values_included(client, therapy, accept_encoding, compressed):
    headers = {} if accept_encoding is None else {"HTTP_ACCEPT_ENCODING": accept_encoding}
    for _ in range(2):  # rendered, then stored
        response = client.get("/therapies/squeezimab/", **headers)
        assert is_compressed(response) is compressed, response[STATUS_HEADER]
        assert "accept-encoding" in varies_on(response)


# --- Validators and HEAD ------------------------------------------------------------------------


def test_the_compressed_page_has_the_identity_pages_etag_made_weak_and_answers_304_to_it(client, therapy):
    identity = client.get("/therapies/squeezimab/")
    compressed = client.get("/therapies/squeezimab/", **GZIP)

    assert identity["ETag"].startswith('"') and compressed["ETag"] == f"W/{identity['ETag']}"
    for etag in (compressed["ETag"], identity["ETag"]):
        not_modified = client.get("/therapies/squeezimab/", HTTP_IF_NONE_MATCH=etag, **GZIP)
        assert not_modified.status_code == 304 and not not_modified.content
        assert not_modified["ETag"] == compressed["ETag"] and "accept-encoding" in varies_on(not_modified)


def test_a_weak_etag_the_view_set_stays_as_it_is(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    first = client.get("/prices.json", **GZIP)
    assert is_compressed(first) and first["ETag"].startswith('W/"')
    assert first["ETag"] == client.get("/prices.json")["ETag"]
    assert client.get("/prices.json", HTTP_IF_NONE_MATCH=first["ETag"], **GZIP).status_code == 304


def test_head_has_the_headers_get_has(client, therapy):
    rendered = client.head("/therapies/squeezimab/", **GZIP)  # a HEAD is never stored
    get = client.get("/therapies/squeezimab/", **GZIP)
    stored = client.head("/therapies/squeezimab/", **GZIP)

    assert [rendered[STATUS_HEADER], get[STATUS_HEADER], stored[STATUS_HEADER]] == ["miss", "miss", "hit"]
    for head in (rendered, stored):
        assert head.status_code == 200 and is_compressed(head) and not head.content
        assert head["Content-Length"] == get["Content-Length"] and head["ETag"] == get["ETag"]


# --- Never compressed: anything that may hold a secret ------------------------------------------


@pytest.mark.parametrize("path", ["/admin/login/", "/feedback/?page=%2F"])
def test_pages_with_a_csrf_token_are_never_compressed(path):
    client = Client(enforce_csrf_checks=True)
    for _ in range(2):
        response = client.get(path, **GZIP)
        assert response.status_code == 200 and b"csrfmiddlewaretoken" in response.content
        assert not response.has_header("Content-Encoding")


def test_staff_pages_and_previews_are_never_compressed(editor_web, therapy):
    for path in ("/admin/", "/admin/therapies/therapy/", f"/preview/therapies/therapy/{therapy.pk}/"):
        response = editor_web.get(path, **GZIP)
        assert response.status_code == 200, path
        assert not response.has_header("Content-Encoding"), path


def test_a_signed_in_readers_public_page_is_never_compressed(client, therapy, django_user_model):
    client.get("/therapies/squeezimab/", **GZIP)  # stored, compressed, for anonymous readers
    reader = django_user_model.objects.create_user("reader", password="a-long-test-password")
    signed_in = Client()
    signed_in.force_login(reader)

    for _ in range(2):
        response = signed_in.get("/therapies/squeezimab/", **GZIP)
        assert response.status_code == 200 and response[STATUS_HEADER] == "bypass"
        assert not response.has_header("Content-Encoding")


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_messages_cookie_gets_nothing_compressed(client, therapy, settings, cookie):
    client.get("/therapies/squeezimab/", **GZIP)
    client.cookies[settings.SESSION_COOKIE_NAME if cookie == "sessionid" else "messages"] = "anything"
    assert not client.get("/therapies/squeezimab/", **GZIP).has_header("Content-Encoding")


# --- Which responses (the function on its own) --------------------------------------------------

LONG_HTML = "<p>" + "A sentence that repeats. " * 100 + "</p>"


def compressed_by_middleware(response, path="/somewhere/", **meta):
    request = RequestFactory().get(path, **GZIP, **meta)
    return compression.compress(request, response)


def test_an_ordinary_long_page_is_compressed():
    response = compressed_by_middleware(HttpResponse(LONG_HTML))
    assert is_compressed(response) and gzip.decompress(response.content).decode() == LONG_HTML


def with_cookie():
    response = HttpResponse(LONG_HTML)
    response.set_cookie("csrftoken", "abc")
    return response


@pytest.mark.parametrize(
    "make_response, meta",
    [
        (lambda: HttpResponse("<p>Short.</p>"), {}),
        (lambda: HttpResponse(b"\x89PNG" + bytes(4000), content_type="image/png"), {}),
        (lambda: HttpResponse(LONG_HTML, headers={"Content-Encoding": "br"}), {}),
        (lambda: StreamingHttpResponse([LONG_HTML.encode()]), {}),
        (with_cookie, {}),
        (lambda: HttpResponse(LONG_HTML), {"CSRF_COOKIE_USED": True}),
        (lambda: HttpResponse(LONG_HTML), {"HTTP_AUTHORIZATION": "Basic eDp5"}),
        (lambda: HttpResponse(LONG_HTML, headers={"Cache-Control": "max-age=0, Private"}), {}),
    ],
    ids=[
        "short", "image", "already encoded", "streaming", "sets a cookie", "used the CSRF token", "authorization",
        "private",
    ],
)
def test_never_compressed(make_response, meta):
    response = compressed_by_middleware(make_response(), **meta)
    assert response.get("Content-Encoding") in (None, "br")


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/atom+xml; charset=utf-8", "application/rss+xml", "text/plain", "text/csv"],
)
def test_every_text_type_is_compressed(content_type):
    assert is_compressed(compressed_by_middleware(HttpResponse(LONG_HTML, content_type=content_type)))


@pytest.mark.parametrize("path", ["/admin/anything/", "/preview/anything/"])
def test_nothing_under_the_admin_or_preview_is_compressed(path):
    assert not is_compressed(compressed_by_middleware(HttpResponse(LONG_HTML), path=path))
