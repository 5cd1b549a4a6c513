"""Only signed-in staff allowed to upload prices get a request body read.

The review found an anonymous 19 MB upload to the price upload page parsed
into a temporary file before any sign-in check, so three slow anonymous
uploads held every worker. Here each request's body is a real multipart
upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE (so a file would be spooled to
disk), and the tests count the bytes the site read from it and the temporary
files it made."""

import io

import pytest
from django.conf import settings
from django.core.files import uploadedfile
from django.test import Client
from django.test.client import encode_multipart
from django.urls import reverse

from tests.conftest import logged_in

UPLOAD_URL = reverse("admin:prices_priceimport_upload")
BOUNDARY = "BoUnDaRyOfTheTest"
SIZE = settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 300_000


class CountingInput(io.RawIOBase):
    """A request body that counts what is read of it."""

    def __init__(self, data):
        self.stream = io.BytesIO(data)
        self.bytes_read = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = self.stream.readinto(buffer)
        self.bytes_read += count
        return count


@pytest.fixture
def temporary_files(monkeypatch):
    """Every temporary upload file the site makes."""
    made = []
    original = uploadedfile.TemporaryUploadedFile.__init__

    def spy(self, *args, **kwargs):
        made.append(args[0] if args else kwargs.get("name"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", spy)
    return made


def post_upload(client, path=UPLOAD_URL, fields=None):
    """POST a large CSV upload to `path`; returns (response, body)."""
    file = uploadedfile.SimpleUploadedFile("prices.csv", b"therapy,price\n" + b"#" * SIZE, "text/csv")
    data = encode_multipart(BOUNDARY, {"file": file, "preview": "Check the file", **(fields or {})})
    body = CountingInput(data)
    response = client.generic(
        "POST",
        path,
        b"",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(len(data)),
        **{"wsgi.input": body},
    )
    return response, body


def anonymous_with_csrf_cookie():
    client = Client()
    client.get(reverse("admin:login"))
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return client


def test_an_anonymous_upload_is_sent_to_sign_in_without_a_byte_read(db, temporary_files):
    response, body = post_upload(anonymous_with_csrf_cookie())

    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert body.bytes_read == 0
    assert temporary_files == []


def test_staff_without_the_upload_permission_are_refused_without_a_byte_read(db, editor_user, temporary_files):
    response, body = post_upload(logged_in(editor_user))

    assert response.status_code == 403
    assert body.bytes_read == 0
    assert temporary_files == []


def test_a_signed_in_reader_account_is_sent_to_sign_in_too(db, django_user_model, temporary_files):
    reader = django_user_model.objects.create_user("reader", password="not-used-here")
    response, body = post_upload(logged_in(reader))

    assert response.status_code == 302 and body.bytes_read == 0 and temporary_files == []


def test_a_price_editor_s_upload_is_read_and_spooled_as_before(db, price_editor, temporary_files, settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path
    response, body = post_upload(logged_in(price_editor))

    # The whole body was read, the file spooled to disk, and the page answered
    # (the file itself is not a price file: its problems are shown, not a 500).
    assert body.bytes_read > SIZE
    assert temporary_files == ["prices.csv"]
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/feedback/", "/admin/login/", "/search/"])
def test_a_file_sent_to_any_other_page_never_reaches_the_disk(db, temporary_files, path):
    response, body = post_upload(anonymous_with_csrf_cookie(), path=path)

    assert response.status_code < 500
    assert temporary_files == []
