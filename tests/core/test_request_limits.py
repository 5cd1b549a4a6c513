"""Request bodies are capped for everyone, before anything reads them.

A request that declares a body longer than the cap is answered 413 with a short
page, and none of it is read: no session, no CSRF check, no view, nothing
saved. The price upload page alone takes more, up to its own file limit; a
file a little over that limit still reaches the page, which explains itself.
The tests send a small body (or one that cannot be read at all) with a large
Content-Length, which is what a server sees before the body arrives."""

import io

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prices.admin.uploads import price_upload_limit
from prices.admin import imports as prices_admin
from prices.models import CostEstimate
from tests.site.test_settings import production_env, run_python

UPLOAD_URL = "/admin/prices/priceimport/upload/"
FORM = "application/x-www-form-urlencoded"


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readinto = read


def post_declaring(client, path, length, body=b"", content_type=FORM, secure=False):
    return client.generic(
        "POST",
        path,
        body,
        content_type=content_type,
        secure=secure,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},
    )


def test_the_cap_is_django_s_form_limit_plus_a_margin():
    assert settings.MSINFO_MAX_REQUEST_BODY_BYTES > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.MSINFO_MAX_REQUEST_BODY_BYTES < 2 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/therapies/", "/no-such-page/"])
def test_an_oversized_body_is_refused_with_413_before_a_session_or_a_view(client, db, path):
    response = post_declaring(client, path, 200 * 1024 * 1024)

    assert response.status_code == 413
    page = response.content.decode()
    assert "This request is too large" in page and "MS treatment explained" in page
    assert "200 MB" in page and "Nothing was saved" in page
    assert not response.cookies  # no session, no CSRF cookie
    assert not Session.objects.exists()


def test_the_cap_is_exact_and_ordinary_bodies_pass(client, db):
    cap = settings.MSINFO_MAX_REQUEST_BODY_BYTES
    assert post_declaring(client, "/admin/login/", cap + 1).status_code == 413
    # At the cap the request goes on to the page; Django's own, smaller limit
    # for form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) then keeps it from being read.
    at_cap = post_declaring(client, "/admin/login/", cap)
    assert at_cap.status_code != 413 and b"This request is too large" not in at_cap.content

    response = client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_an_editor_s_oversized_save_changes_nothing(editor_client, make_therapy):
    therapy = make_therapy(generic_name="ocrelizumab")
    url = reverse("admin:therapies_therapy_change", args=[therapy.pk])

    response = post_declaring(editor_client, url, 50 * 1024 * 1024, body=b"generic_name=changed")

    assert response.status_code == 413
    therapy.refresh_from_db()
    assert therapy.generic_name == "ocrelizumab"


@pytest.mark.parametrize("declared", ["abc", "-5", "1e9", "12 34", "+12"])
def test_a_malformed_content_length_gets_400(client, db, declared):
    response = client.generic("POST", "/admin/login/", b"", content_type=FORM, CONTENT_LENGTH=declared)

    assert response.status_code == 400
    assert "Its declared length is not a number" in response.content.decode()
    assert not Session.objects.exists()


def test_the_refusal_carries_the_site_s_security_headers(client, db):
    response = post_declaring(client, "/", 10 * 1024 * 1024)

    assert response.status_code == 413
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_the_refusal_carries_hsts_like_any_page(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    ordinary = client.get("/", secure=True)
    refused = post_declaring(client, "/", 10 * 1024 * 1024, secure=True)

    assert refused.status_code == 413
    assert refused["Strict-Transport-Security"] == ordinary["Strict-Transport-Security"]
    assert "max-age=31536000" in refused["Strict-Transport-Security"]


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "PROPFIND"])
@pytest.mark.parametrize("path", ["/", "/therapies/", "/admin/login/", "/no-such-page/"])
def test_methods_the_site_does_not_use_get_405_with_the_allowed_ones(client, db, method, path, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.generic(method, path, secure=True)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert "The site only answers GET, HEAD and POST." in response.content.decode()
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert not response.cookies


def test_head_still_answers_like_get(client, db):
    assert client.head("/therapies/").status_code == client.get("/therapies/").status_code == 200


# --- the price upload page: its own, larger cap ------------------------------------------------


def test_the_upload_page_s_cap_sits_just_above_its_file_limit():
    limit = price_upload_limit()
    assert prices_admin.MAX_UPLOAD_BYTES < limit <= prices_admin.MAX_UPLOAD_BYTES + 4 * 1024 * 1024


def test_a_body_over_the_upload_page_s_cap_is_refused_unread(price_web):
    response = post_declaring(
        price_web, UPLOAD_URL, price_upload_limit() + 1, content_type="multipart/form-data; boundary=BoUnDaRy"
    )

    assert response.status_code == 413
    assert f"at most {prices_admin.MAX_UPLOAD_BYTES // (1024 * 1024) + 3}" in response.content.decode()
    assert not CostEstimate.objects.exists()


def test_a_file_a_little_over_the_upload_limit_reaches_the_page_and_its_explanation(price_web, monkeypatch):
    # The page's own limit lowered to 1,000 bytes; the file is 1 MB, over the
    # site-wide cap for other pages but within the upload page's margin.
    monkeypatch.setattr(prices_admin, "MAX_UPLOAD_BYTES", 1000)
    content = b"#" * (1024 * 1024)
    assert len(content) > 1000 and len(content) < price_upload_limit()

    response = price_web.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("prices.csv", content), "preview": "Check the file"}, follow=True
    )

    assert "The file is larger than the 1,000 bytes limit, so it was not read." in response.content.decode()
    assert not CostEstimate.objects.exists()


def test_the_same_body_elsewhere_in_the_admin_is_refused(price_web, monkeypatch):
    length = settings.MSINFO_MAX_REQUEST_BODY_BYTES + 1024
    assert length < price_upload_limit()

    assert post_declaring(price_web, reverse("admin:therapies_therapy_add"), length).status_code == 413


# --- Django's own counts ------------------------------------------------------------------------


def test_more_than_one_file_in_an_upload_is_refused_clearly(price_web):
    files = [SimpleUploadedFile(f"prices-{n}.csv", b"subject,low\n") for n in range(2)]

    response = price_web.post(UPLOAD_URL, {"file": files, "preview": "Check the file"})

    assert response.status_code == 400
    assert not CostEstimate.objects.exists()


def test_a_form_with_thousands_of_fields_is_refused(client, db):
    body = "&".join(f"field{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)).encode()

    response = client.generic("POST", "/admin/login/", body, content_type=FORM)

    assert response.status_code == 400
    assert not Session.objects.exists()


def test_the_request_body_cap_comes_from_the_environment():
    dump = "import msinfo.settings as s; print(s.MSINFO_MAX_REQUEST_BODY_BYTES)"
    default = run_python(["-c", dump], production_env())
    chosen = run_python(["-c", dump], production_env(MSINFO_MAX_REQUEST_BODY_BYTES="5000000"))

    assert int(default.stdout) == 2_621_440 + 512 * 1024
    assert int(chosen.stdout) == 5_000_000
    refused = run_python(["-c", dump], production_env(MSINFO_MAX_REQUEST_BODY_BYTES="3 MB"))
    assert refused.returncode != 0
    assert "MSINFO_MAX_REQUEST_BODY_BYTES must be a plain number" in refused.stderr
