"""Issue 8, section 5: the importer refuses what could hurt the server or the
database. Fetching never leaves this machine: a tiny HTTP server on 127.0.0.1
(allowed only by the test-only setting FETCH_ALLOW_LOOPBACK_FOR_TESTS),
and a faked resolver for names that point elsewhere."""

import datetime
import http.server
import io
import socket
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.prices.test_estimates_admin import add_estimate_data, oral, post_new_category_estimate, snapshot  # noqa: F401 (oral: fixture)
from prices.admin import imports as prices_admin
from prices.models import CostEstimate, NdcMapping, PriceImport
from core import fetching
from prices.pricing import FetchError, Source, apply, fetch_url
from prices.pricing.rows import RawRow
from prices.pricing.validation import RowValidator
from tests.recorded_server import local_http_server

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[1] / "data"
UPLOAD_URL = reverse("admin:prices_priceimport_upload")
GOOD_CSV = (
    "kind,slug,low,high,currency,as_of,source,source_url,note\n"
    "therapy,hardened-therapy,60000,80000,USD,2024-05-01,Survey,https://example.org/s,List price.\n"
)
SECRET = "internal-only-do-not-echo"


@pytest.fixture
def therapy(make_category, make_therapy):
    category = make_category(slug="hardened-dmts", name="Hardened DMTs")
    return make_therapy(slug="hardened-therapy", generic_name="hardenimab", category=category)


@pytest.fixture(autouse=True)
def private_staging(settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"
    return settings.PRICE_IMPORT_STAGING_DIR


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_prices", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


# --- a local test server ----------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    requests = []  # (path, Host header), reset per test

    def do_GET(self):
        Handler.requests.append((self.path, self.headers.get("Host")))
        if self.path == "/prices.csv":
            self._send(200, GOOD_CSV.encode(), "text/csv")
        elif self.path == "/page.csv":
            self._send(200, f"<!DOCTYPE html>\n<html><body><p>{SECRET}</p></body></html>\n".encode(), "text/html")
        elif self.path == "/page.json":
            self._send(200, f'{{"error": "{SECRET}"}}'.encode(), "application/json")
        elif self.path == "/other.json":
            self._send(200, f'[{{"{SECRET}": 1}}]'.encode(), "application/json")
        elif self.path == "/loop.csv":
            self._redirect("/loop.csv")
        elif self.path == "/to-internal.csv":
            self._redirect("http://internal.example.test/prices.csv")
        elif self.path == "/trickle.csv":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self._trickle(b"x" * 1000)
        elif self.path == "/trickle-headers.csv":
            self._trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 1000)
        else:
            self._send(404, b"not here", "text/plain")

    def _trickle(self, data):
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass  # the client gave up, as it should

    def _redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    Handler.requests = []
    with local_http_server(Handler) as httpd:
        yield httpd.server_address[1]


@pytest.fixture
def server(local_server, settings):
    """The local server, with the explicit test-only allowance for loopback."""
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    return f"http://127.0.0.1:{local_server}"


@pytest.fixture
def fake_dns(monkeypatch):
    """Names ending in .example.test resolve to what the test says; any other
    name goes to the real resolver (only 127.0.0.1 is used here). Counts lookups."""
    answers, lookups = {}, []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            lookups.append(host)
            result = []
            for address in answers[host]:
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
                result.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
            return result
        if host.endswith(".example.test"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, lookups


# --- fetching: which addresses --------------------------------------------------------------


def test_loopback_is_refused_without_the_test_allowance(local_server, tmp_path):
    assert not getattr(django_settings, "FETCH_ALLOW_LOOPBACK_FOR_TESTS", False)
    with pytest.raises(FetchError, match=r"this machine \(loopback\)"):
        fetch_url(f"http://127.0.0.1:{local_server}/prices.csv", directory=tmp_path)
    assert Handler.requests == []  # refused before connecting
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "address, reason",
    [
        ("10.1.2.3", "a private network"),
        ("172.16.0.9", "a private network"),
        ("192.168.1.1", "a private network"),
        ("169.254.169.254", "a link-local address"),  # cloud metadata service
        ("224.0.0.1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "not a public internet address"),
        ("fe80::1", "a link-local address"),
        ("fd00::1", "a private network"),
        ("::", "an unspecified address"),
        ("::ffff:10.0.0.1", "a private network"),
        ("::1", "loopback"),
        ("127.0.0.2", "loopback"),
        # IPv6 addresses that wrap an IPv4 one: 6to4, Teredo (client 127.0.0.1), NAT64.
        ("2002:7f00:1::1", "loopback"),
        ("2002:a9fe:1::1", "a link-local address, wrapped in the IPv6 address 2002:a9fe:1::1"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),
        ("64:ff9b::a00:1", "a private network"),
    ],
)
def test_names_resolving_to_non_public_addresses_are_refused(fake_dns, tmp_path, address, reason):
    answers, _ = fake_dns
    answers["prices.example.test"] = [address]
    with pytest.raises(FetchError, match=reason):
        fetch_url("http://prices.example.test/prices.csv", directory=tmp_path)


def test_the_loopback_allowance_does_not_open_private_networks(fake_dns, settings, tmp_path):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    answers, _ = fake_dns
    answers["prices.example.test"] = ["10.0.0.7"]
    with pytest.raises(FetchError, match="a private network"):
        fetch_url("http://prices.example.test/prices.csv", directory=tmp_path)


def test_a_name_with_one_private_address_among_public_ones_is_refused(fake_dns, tmp_path):
    answers, _ = fake_dns
    answers["prices.example.test"] = ["93.184.215.14", "192.168.0.10"]
    with pytest.raises(FetchError, match="a private network"):
        fetch_url("http://prices.example.test/prices.csv", directory=tmp_path)


def test_the_connection_goes_to_the_address_checked_with_the_host_name_kept(fake_dns, server, local_server, tmp_path):
    answers, lookups = fake_dns
    answers["prices.example.test"] = ["127.0.0.1"]
    path = fetch_url(f"http://prices.example.test:{local_server}/prices.csv", directory=tmp_path)
    assert path.read_text() == GOOD_CSV
    assert lookups == ["prices.example.test"]  # resolved once: no second lookup could differ
    assert Handler.requests == [("/prices.csv", f"prices.example.test:{local_server}")]


def test_a_redirect_to_a_private_address_is_refused(fake_dns, server, tmp_path):
    answers, _ = fake_dns
    answers["internal.example.test"] = ["10.20.30.40"]
    with pytest.raises(FetchError, match=r"internal.example.test is a private network \(10.20.30.40\)"):
        fetch_url(f"{server}/to-internal.csv", directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_redirects_are_capped(server, tmp_path):
    with pytest.raises(FetchError, match=f"redirected more than {fetching.MAX_REDIRECTS} times"):
        fetch_url(f"{server}/loop.csv", directory=tmp_path)
    assert len(Handler.requests) == fetching.MAX_REDIRECTS + 1


# --- fetching: the time limit covers the whole download ---------------------------------------


@pytest.mark.parametrize("path", ["/trickle.csv", "/trickle-headers.csv"])
def test_a_trickling_server_fails_the_run_at_the_time_limit(server, therapy, monkeypatch, path):
    # One byte every 0.05 s never trips a per-read timeout; only a limit on the whole download ends it.
    monkeypatch.setattr(fetching, "FETCH_TIMEOUT", 1)
    started = time.monotonic()
    out, err, error = run(f"{server}{path}")
    elapsed = time.monotonic() - started
    assert error is not None  # a CommandError: the command exits non-zero
    assert "took longer than the limit of 1 seconds. Nothing was imported." in str(error)
    assert elapsed < 5
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()


# --- fetching: what a wrong file says ----------------------------------------------------------


@pytest.mark.parametrize(
    "path, message",
    [
        ("/page.csv", "this is not a price file"),
        ("/page.json", "the file must be a JSON list"),
        ("/other.json", "this is not a price file"),
    ],
)
def test_a_fetched_file_that_is_not_a_price_file_is_not_echoed(server, therapy, path, message):
    out, err, error = run(f"{server}{path}")
    assert error is not None
    assert message in err
    assert SECRET not in out + err + str(error)
    assert len(err.strip().splitlines()) == 1
    assert not CostEstimate.objects.exists()


def test_a_good_file_still_imports_from_an_address(server, therapy):
    out, err, error = run(f"{server}/prices.csv")
    assert error is None, err
    assert CostEstimate.objects.get().source_name == "Survey"


# --- file contents: separators and NADAC --------------------------------------------------------


def write(tmp_path, text, name="prices.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def test_a_semicolon_file_gets_one_clear_message(tmp_path, therapy):
    text = GOOD_CSV.replace(",", ";") + "therapy;hardened-therapy;1;2;USD;2024-05-02;S;;\n"
    out, err, error = run(write(tmp_path, text))
    assert err.strip() == (
        "line 1: this file uses ';' between columns: export it as CSV with commas (in a spreadsheet, 'CSV UTF-8')."
    )
    assert "1 problem in" in str(error)
    assert not CostEstimate.objects.exists()


def test_a_semicolon_nadac_file_gets_the_same_message(tmp_path):
    text = (DATA / "nadac-sample.csv").read_text().replace(",", ";")
    out, err, error = run(write(tmp_path, text), "--format", "nadac")
    assert err.strip().startswith("line 1: this file uses ';' between columns")
    assert len(err.strip().splitlines()) == 1


def nadac_with_underscores():
    lines = (DATA / "nadac-sample.csv").read_text().splitlines(keepends=True)
    return lines[0].replace(" ", "_") + "".join(lines[1:])


def test_a_nadac_file_given_as_csv_is_named_in_one_line(tmp_path, therapy):
    for text in ((DATA / "nadac-sample.csv").read_text(), nadac_with_underscores()):
        out, err, error = run(write(tmp_path, text))
        assert err.strip() == (
            "line 1: this looks like a NADAC file: choose the NADAC format (--format nadac, or "
            "'NADAC weekly file from CMS' on the upload page)."
        )


def test_a_nadac_header_written_with_underscores_is_read(tmp_path, therapy):
    NdcMapping.objects.create(therapy=therapy, ndc="00024590030", units_per_year=Decimal("365"))
    out, err, error = run(write(tmp_path, nadac_with_underscores()), "--format", "nadac")
    assert error is None, err
    estimate = CostEstimate.objects.get()
    assert (estimate.therapy, estimate.low) == (therapy, Decimal("1756.51"))


def test_a_nadac_file_uploaded_as_csv_is_named_on_the_preview(price_web, therapy):
    content = (DATA / "nadac-sample.csv").read_bytes()
    response = price_web.post(UPLOAD_URL, {"file": SimpleUploadedFile("nadac.csv", content), "preview": "Check"})
    page = response.content.decode()
    assert "this looks like a NADAC file: choose the NADAC format" in page
    assert "extra column" not in page


# --- file contents: NUL, control characters, long strings, deep nesting -------------------------


@pytest.mark.parametrize(
    "row, expected",
    [
        (
            "therapy,hardened-therapy,60000,80000,USD,2024-05-01,Sur\x00vey,,\n",
            "line 2, column 'source': contains a NUL byte (character 0) at character 4: remove it.",
        ),
        (
            "therapy,hardened-therapy,60000,80000,USD,2024-05-01,Survey,,Bell\x07\n",
            "line 2, column 'note': contains a control character (U+0007) at character 5: remove it.",
        ),
        (
            "therapy,hardened-therapy,60000,80000,USD,2024-05-01," + "S" * 201 + ",,\n",
            "line 2, column 'source': is 201 characters long; the limit is 200.",
        ),
        (
            "therapy,hardened-therapy,60000,80000,USD,2024-05-01,Survey,," + "n" * 2001 + "\n",
            "line 2, column 'note': is 2,001 characters long; the limit is 2,000.",
        ),
        (
            "therapy,hardened-therapy," + "9" * 5000 + ",80000,USD,2024-05-01,Survey,,\n",
            "line 2, column 'low': is 5,000 characters long; the limit is 200.",
        ),
    ],
)
def test_bad_cells_in_a_csv_are_refused_by_line_and_column(tmp_path, therapy, row, expected):
    text = "kind,slug,low,high,currency,as_of,source,source_url,note\n" + row
    out, err, error = run(write(tmp_path, text))
    assert expected in err
    assert len(err) < 500  # the long cell is never repeated
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()


@pytest.mark.parametrize(
    "item, expected",
    [
        ('"source": "Sur\\u0000vey"', "item 0, column 'source': contains a NUL byte (character 0) at character 4"),
        ('"source": "Survey", "note": "\\ud800"', "item 0, column 'note': contains an unpaired surrogate (U+D800)"),
        ('"source": "Survey", "note": "tab\\tand\\nbreak \\u001b[31m"', "item 0, column 'note': contains a control character (U+001B)"),
        ('"source": "' + "S" * 300 + '"', "item 0, column 'source': is 300 characters long; the limit is 200."),
    ],
)
def test_bad_strings_in_json_are_refused_by_item_and_column(tmp_path, therapy, item, expected):
    text = '[{"kind": "therapy", "slug": "hardened-therapy", "low": 1500, "high": 2000, "currency": "USD", "as_of": "2024-05-01", ' + item + "}]"
    out, err, error = run(write(tmp_path, text, "prices.json"))
    assert expected in err
    assert not CostEstimate.objects.exists()


JSON_ITEM = '{"kind": "therapy", "slug": "hardened-therapy", "low": LOW, "high": 2000, "currency": "USD", "as_of": "2024-05-01", "source": "Survey"'


def test_a_column_given_twice_in_a_json_item_is_refused_not_silently_overwritten(tmp_path, therapy):
    text = "[\n" + JSON_ITEM.replace("LOW", "1500") + ', "low": 15}\n]'
    out, err, error = run(write(tmp_path, text, "prices.json"))
    assert "file: item 0 gives the column “low” twice (line 2, character 1): give each column once." in err
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()


def test_a_5000_digit_number_in_json_gets_the_amount_message_not_a_python_hint(tmp_path, therapy):
    text = "[" + JSON_ITEM.replace("LOW", "9" * 5000) + "}]"
    out, err, error = run(write(tmp_path, text, "prices.json"))
    assert "item 0, column 'low': is 5,000 characters long; the limit is 200." in err
    assert "sys.set_int_max_str_digits" not in err and "Exceeds the limit" not in err
    assert len(err) < 500
    assert not CostEstimate.objects.exists()


def test_deeply_nested_json_is_refused_with_its_line_and_character(tmp_path, therapy):
    text = '[\n  {"kind": "therapy"},\n  ' + "[" * 100_000 + "]" * 100_000 + "\n]"
    out, err, error = run(write(tmp_path, text, "prices.json"))
    assert "file: item 1 is nested too deeply (line 3, character 3): each item must be a flat object of columns." in err
    assert not CostEstimate.objects.exists()


def test_deeply_nested_json_uploaded_shows_the_problem_not_an_error_page(price_web, therapy):
    content = ("[" * 50_000 + "]" * 50_000).encode()
    response = price_web.post(UPLOAD_URL, {"file": SimpleUploadedFile("prices.json", content), "preview": "Check"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "nested too deeply (line 1, character 2)" in page
    assert 'name="apply"' not in page


def test_a_nul_in_a_nadac_pricing_unit_is_caught_before_the_database(tmp_path, therapy):
    # The NADAC parser builds the note from the Pricing Unit cell: the validator checks
    # every row's text again, since PostgreSQL refuses NUL in text and SQLite would store it.
    NdcMapping.objects.create(therapy=therapy, ndc="00024590030", units_per_year=Decimal("365"))
    text = (DATA / "nadac-sample.csv").read_text().replace("4.81235,11/13/2024,EA,", "4.81235,11/13/2024,E\x00A,")
    report = apply(Source(Path(write(tmp_path, text)), "nadac.csv", PriceImport.SourceKind.COMMAND), "nadac")
    assert not report.applied
    assert [str(p) for p in report.problems] == [
        "line 3, column 'note': contains a NUL byte (character 0) at character 82: remove it."
    ]
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()


def test_the_validator_refuses_nul_whatever_the_parser(therapy):
    values = {
        "kind": "therapy", "slug": "hardened-therapy", "low": "1", "high": "2", "currency": "USD",
        "as_of": "2024-05-01", "source": "S", "source_url": "", "note": "a\x00b",
    }
    row, problems = RowValidator(today=datetime.date(2025, 1, 1)).check(RawRow("item 7", values))
    assert row is None
    assert [str(p) for p in problems] == ["item 7, column 'note': contains a NUL byte (character 0) at character 2: remove it."]


def test_tabs_and_line_breaks_in_a_note_are_fine(tmp_path, therapy):
    text = 'kind,slug,low,high,currency,as_of,source,source_url,note\ntherapy,hardened-therapy,1500,2000,USD,2024-05-01,S,,"two\nlines\tand a tab"\n'
    report = apply(Source(Path(write(tmp_path, text)), "prices.csv", PriceImport.SourceKind.COMMAND), "csv")
    assert report.applied, report.problems
    assert CostEstimate.objects.get().note == "two\nlines\tand a tab"


# --- uploads: the size limit applies while the body streams in ------------------------------------


@pytest.fixture
def spooled(monkeypatch):
    """Bytes the usual upload handlers (memory, temporary file) were given."""
    seen = []
    for handler_class in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler_class.receive_data_chunk

        def receive(self, raw_data, start, original=original):
            seen.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler_class, "receive_data_chunk", receive)
    return seen


@pytest.mark.parametrize("size", [5_000, 300_000], ids=["over-the-limit", "far-over-the-limit"])
def test_an_upload_over_the_limit_stops_while_streaming_and_stages_nothing(
    price_web, therapy, monkeypatch, spooled, private_staging, size
):
    monkeypatch.setattr(prices_admin, "MAX_UPLOAD_BYTES", 1000)
    content = GOOD_CSV.encode() + b"#" * size
    response = price_web.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("prices.csv", content), "preview": "Check the file"}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain == [(UPLOAD_URL, 302)]
    assert "The file is larger than the 1,000 bytes limit, so it was not read." in page
    assert sum(spooled) == 0  # no byte reached memory or a temporary file
    assert [path for path in Path(private_staging).rglob("*") if path.is_file()] == []  # nothing staged
    assert not CostEstimate.objects.exists()


def test_a_body_declared_far_over_the_limit_is_not_read_at_all(price_web, therapy, monkeypatch):
    monkeypatch.setattr(prices_admin, "MAX_UPLOAD_BYTES", 1000)

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = readinto = read

    response = price_web.generic(
        "POST",
        UPLOAD_URL,
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        # Far over the page's limit, under the site-wide cap (tests/core/test_request_limits.py).
        CONTENT_LENGTH=str(1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 302 and response.url == UPLOAD_URL


def test_an_upload_within_the_limit_is_still_previewed(price_web, therapy):
    response = price_web.post(UPLOAD_URL, {"file": SimpleUploadedFile("prices.csv", GOOD_CSV.encode()), "preview": "Check"})
    assert response.status_code == 200
    assert 'name="apply"' in response.content.decode()


def test_the_upload_page_still_checks_the_csrf_token(price_editor, therapy):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(price_editor)
    response = client.post(UPLOAD_URL, {"file": SimpleUploadedFile("prices.csv", GOOD_CSV.encode()), "preview": "Check"})
    assert response.status_code == 403


def test_request_body_limits_are_set():
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


# --- the staging folder belongs to this install ------------------------------------------------


def test_the_staging_folder_defaults_inside_the_project_and_is_git_ignored():
    from msinfo import settings as project_settings

    base = Path(project_settings.BASE_DIR)
    assert project_settings.PRICE_IMPORT_STAGING_DIR == base / "var" / "price-uploads"
    assert "/var/" in (base / ".gitignore").read_text().splitlines()


def test_uploads_are_staged_in_the_configured_folder(price_web, price_editor, therapy, settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "this-install"
    price_web.post(UPLOAD_URL, {"file": SimpleUploadedFile("prices.csv", GOOD_CSV.encode()), "preview": "Check"})
    staged = [p.name for p in (tmp_path / "this-install" / str(price_editor.pk)).iterdir()]
    assert len(staged) == 2 and any(name.endswith(".json") for name in staged)


# --- the estimate forms refuse non-web source addresses -------------------------------------------


@pytest.mark.parametrize("url", ["ftp://example.org/prices.csv", "FTPS://example.org/prices.csv"])
def test_the_estimate_page_refuses_a_non_web_source_address(editor_client, oral, url):  # noqa: F811
    before = snapshot()
    response = editor_client.post(reverse("admin:prices_costestimate_add"), add_estimate_data(category=oral.pk, source_url=url))
    assert response.status_code == 200
    assert "Give a web address starting with http:// or https://." in response.content.decode()
    assert snapshot() == before


def test_the_estimate_inline_refuses_a_non_web_source_address(editor_client, oral):  # noqa: F811
    before = snapshot()
    response = post_new_category_estimate(editor_client, oral, source_url="ftp://example.org/prices.csv")
    assert response.status_code == 200
    assert "Give a web address starting with http:// or https://." in response.content.decode()
    assert snapshot() == before


def test_the_estimate_page_accepts_an_https_source_address(editor_client, oral):  # noqa: F811
    response = editor_client.post(
        reverse("admin:prices_costestimate_add"), add_estimate_data(category=oral.pk, source_url="https://example.org/p")
    )
    assert response.status_code == 302
    assert CostEstimate.objects.filter(source_url="https://example.org/p").exists()
