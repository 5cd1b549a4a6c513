"""The import_prices command with the documented CSV and JSON price files."""

import datetime
import hashlib
import http.server
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.utils import timezone

from prices.models import CostEstimate, PriceImport
from prices.pricing import FetchError, Source, apply, fetch_url, preview
from prices.pricing import applying
from tests.recorded_server import local_http_server

DATA = Path(__file__).parents[1] / "data"
HEADER = "kind,slug,low,high,currency,as_of,source,source_url,note\n"
GOOD = "therapy,import-therapy,1500,95000,USD,2025-01-15,Test price survey,,\n"


@pytest.fixture
def subjects(make_category, make_therapy):
    category = make_category(slug="import-dmts", name="Import DMTs")
    therapy = make_therapy(slug="import-therapy", generic_name="importimab", category=category)
    return category, therapy


def run(location, *args):
    """Run the command; (stdout, stderr, CommandError or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_prices", str(location), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def estimate_rows():
    return list(CostEstimate.objects.order_by("id").values())


def write(tmp_path, text, name="prices.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


# --- Valid files ----------------------------------------------------------------------------


def test_a_valid_csv_is_imported_and_recorded(subjects):
    category, therapy = subjects
    out, err, error = run(DATA / "prices-valid.csv")
    assert error is None, err
    assert "Imported 3 new estimates (0 already recorded) as price import #" in out

    record = PriceImport.objects.get()
    assert record.sha256 == hashlib.sha256((DATA / "prices-valid.csv").read_bytes()).hexdigest()
    assert (record.format, record.source_kind) == ("csv", "command")
    assert (record.rows_total, record.rows_new, record.rows_unchanged) == (3, 3, 0)
    assert record.created_by is None and record.created_by_label == "by the command"
    assert record.file_name == str(DATA / "prices-valid.csv")

    by_key = {(e.subject, e.currency, e.as_of): e for e in CostEstimate.objects.all()}
    assert set(by_key) == {
        (category, "USD", datetime.date(2025, 1, 15)),
        (therapy, "USD", datetime.date(2025, 1, 15)),
        (therapy, "GBP", datetime.date(2025, 1, 1)),
    }
    gbp = by_key[(therapy, "GBP", datetime.date(2025, 1, 1))]
    assert (gbp.low, gbp.high, gbp.source_name, gbp.source_url) == (Decimal("14000"), Decimal("16500.50"), "Test NHS list", "")
    usd = by_key[(category, "USD", datetime.date(2025, 1, 15))]
    assert usd.note == "List prices, before rebates." and usd.source_url == "https://example.org/survey"
    assert all(e.price_import == record and e.recorded_by is None for e in by_key.values())
    assert all(e.recorded_at == record.created_at for e in by_key.values())  # written by the lean INSERT, read by the ORM
    for estimate in by_key.values():
        estimate.full_clean()  # what the importer wrote passes the model's own validation
    assert set(record.estimates.all()) == set(by_key.values())


def test_importing_the_same_file_again_changes_nothing_and_says_so(subjects):
    run(DATA / "prices-valid.csv")
    before = estimate_rows()
    out, err, error = run(DATA / "prices-valid.csv")
    assert error is None, err
    assert "Nothing to import: all 3 estimates are already recorded. Nothing was written." in out
    assert estimate_rows() == before
    assert PriceImport.objects.count() == 1


def test_dry_run_reports_per_subject_and_writes_nothing(subjects, make_estimate):
    category, therapy = subjects
    make_estimate(therapy, low=Decimal("1500"), high=Decimal("95000"), currency="USD", as_of=datetime.date(2025, 1, 15))
    before = estimate_rows()
    out, err, error = run(DATA / "prices-valid.csv", "--dry-run")
    assert error is None, err
    assert "3 estimate rows: 2 new, 1 already recorded, 0 conflicting." in out
    assert "category import-dmts: 1 / 0 / 0" in out
    assert "therapy import-therapy: 1 / 1 / 0" in out
    assert "Dry run: would add 2 new estimates. Nothing was written." in out
    assert estimate_rows() == before
    assert not PriceImport.objects.exists()


def test_csv_with_bom_and_crlf_is_accepted(subjects):
    out, err, error = run(DATA / "prices-bom-crlf.csv")
    assert error is None, err
    assert CostEstimate.objects.count() == 2
    # A quoted cell with a line break inside is one cell (and one spreadsheet row).
    assert CostEstimate.objects.filter(source_name="Test price\r\nsurvey").exists()


def test_the_json_variant_gives_the_same_estimates(subjects):
    out, err, error = run(DATA / "prices-valid.json")
    assert error is None, err
    assert PriceImport.objects.get().format == "json"
    # The same estimates as the CSV: importing the CSV now finds them all recorded.
    out, err, error = run(DATA / "prices-valid.csv")
    assert error is None, err
    assert "all 3 estimates are already recorded" in out


def test_currency_is_accepted_in_lower_case(subjects, tmp_path):
    path = write(tmp_path, HEADER + GOOD.replace("USD", "usd"))
    assert run(path)[2] is None
    assert CostEstimate.objects.get().currency == "USD"


def test_the_format_must_be_known(subjects, tmp_path):
    path = write(tmp_path, HEADER + GOOD, name="prices.txt")
    _, _, error = run(path)
    assert "give --format" in str(error)
    assert run(path, "--format", "csv")[2] is None


# --- Refused files: every problem with its line and column, nothing written ----------------


FUTURE = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

BAD_CSV = {
    "unknown slug": (HEADER + GOOD + "therapy,no-such-therapy,1,2,USD,2025-01-15,S,,\n", ["line 3, column 'slug': unknown therapy slug 'no-such-therapy'"]),
    "slug of the other kind": (HEADER + GOOD + "therapy,import-dmts,1,2,USD,2025-01-15,S,,\n", ["line 3, column 'slug'", "is the kind wrong?"]),
    "bad kind": (HEADER + GOOD + "drug,import-therapy,1,2,USD,2025-01-16,S,,\n", ["line 3, column 'kind'"]),
    "missing column": ("kind,slug,low,high,as_of,source\n" + "therapy,import-therapy,1,2,2025-01-15,S\n", ["line 1, column 'currency': missing column"]),
    "extra column": (HEADER.strip() + ",price\n" + GOOD.strip() + ",3\n", ["line 1, column 'price': extra column"]),
    "row with extra values": (HEADER + GOOD + "therapy,import-therapy,1,2,USD,2025-01-16,S,,,surplus\n", ["line 3: extra values"]),
    "row missing cells": (HEADER + GOOD + "therapy,import-therapy,1,2,USD\n", ["line 3, column 'as_of': missing column", "line 3, column 'source': missing column"]),
    "bad number": (HEADER + GOOD + "therapy,import-therapy,abc,2,USD,2025-01-16,S,,\n", ["line 3, column 'low': 'abc' is not a plain number"]),
    "currency sign": (HEADER + GOOD + "therapy,import-therapy,$100,200,USD,2025-01-16,S,,\n", ["line 3, column 'low': '$100' is not a plain number"]),
    "thousands separator": (HEADER + GOOD + 'therapy,import-therapy,"60,000",70000,USD,2025-01-16,S,,\n', ["line 3, column 'low': '60,000' has a thousands separator"]),
    "too many decimals": (HEADER + GOOD + "therapy,import-therapy,1.005,2,USD,2025-01-16,S,,\n", ["line 3, column 'low': '1.005' has more than 2 decimal places"]),
    "negative amount": (HEADER + GOOD + "therapy,import-therapy,-5,2,USD,2025-01-16,S,,\n", ["line 3, column 'low': '-5' is negative"]),
    "empty amount": (HEADER + GOOD + "therapy,import-therapy,1,,USD,2025-01-16,S,,\n", ["line 3, column 'high': empty"]),
    "low above high": (HEADER + GOOD + "therapy,import-therapy,90000,80000,USD,2025-01-16,S,,\n", ["line 3, column 'high': low (90000) is above high (80000)"]),
    "unknown currency": (HEADER + GOOD + "therapy,import-therapy,1,2,XYZ,2025-01-16,S,,\n", ["line 3, column 'currency': 'XYZ' is not an ISO 4217 currency code"]),
    "date in another form": (HEADER + GOOD + "therapy,import-therapy,1,2,USD,15/01/2025,S,,\n", ["line 3, column 'as_of': '15/01/2025' is not a date written YYYY-MM-DD"]),
    "impossible date": (HEADER + GOOD + "therapy,import-therapy,1,2,USD,2025-02-30,S,,\n", ["line 3, column 'as_of': '2025-02-30' is not a real date"]),
    "future date": (HEADER + GOOD + f"therapy,import-therapy,1,2,USD,{FUTURE},S,,\n", [f"line 3, column 'as_of': {FUTURE} is in the future"]),
    "empty source": (HEADER + GOOD + "therapy,import-therapy,1,2,USD,2025-01-16,,,\n", ["line 3, column 'source': empty"]),
    "bad source url": (HEADER + GOOD + "therapy,import-therapy,1,2,USD,2025-01-16,S,ftp://example.org/x,\n", ["line 3, column 'source_url': 'ftp://example.org/x' is not a web address"]),
    "source url without scheme": (HEADER + GOOD + "therapy,import-therapy,1,2,USD,2025-01-16,S,not a url,\n", ["line 3, column 'source_url'"]),
    "same estimate twice": (HEADER + GOOD + GOOD.replace("1500", "1600"), ["line 3: the same estimate (therapy 'import-therapy', USD, as of 2025-01-15) is already on line 2"]),
    "empty file": ("", ["file: the file is empty"]),
    "header only": (HEADER, ["file: the file has no price rows"]),
    "only blank rows": (HEADER + "\n,,,,,,,,\n", ["file: the file has no price rows"]),
    "not utf-8": ((HEADER + GOOD + "therapy,import-therapy,1,2,USD,2025-01-16,Société,,\n").encode("latin-1"), ["line 3: the file is not UTF-8"]),
    "broken quoting": (HEADER + GOOD + 'therapy,import-therapy,1,2,USD,2025-01-16,"S"x,,\n', ["line 3: not valid CSV"]),
    "a NADAC file without --format nadac": ((DATA / "nadac-sample.csv").read_text(), ["line 1: this looks like a NADAC file: choose the NADAC format (--format nadac"]),
}


@pytest.mark.parametrize("content, expected", BAD_CSV.values(), ids=BAD_CSV.keys())
def test_a_bad_csv_is_refused_with_line_and_column_and_nothing_written(subjects, make_estimate, tmp_path, content, expected):
    make_estimate(subjects[1], as_of=datetime.date(2024, 6, 1))
    before = estimate_rows()
    out, err, error = run(write(tmp_path, content))
    assert error is not None and "nothing was written" in str(error)
    for fragment in expected:
        assert fragment in err
    assert estimate_rows() == before
    assert not PriceImport.objects.exists()


def test_every_problem_is_reported_not_just_the_first(subjects, tmp_path):
    content = HEADER + "therapy,nope,1,2,USD,2025-01-15,S,,\n" + GOOD + "therapy,import-therapy,x,-1,EUR,2025-01-15,S,,\n"
    _, err, error = run(write(tmp_path, content))
    assert "4 problems" in str(error)
    assert "line 2, column 'slug'" in err
    assert "line 4, column 'low'" in err
    assert "line 4, column 'high'" in err
    # EUR is a currency, but no country's figures are in it: said once, of the currency.
    assert "line 4, column 'currency': no country on the site has figures in EUR (they are in GBP, USD)" in err
    assert err.count("line 4, column 'currency'") == 1 and "price_kind" not in err


BAD_JSON = {
    "not json": ("kind,slug\n", ["file: the file must be a JSON list"]),
    "an object, not a list": ('{"kind": "therapy"}', ["file: the file must be a JSON list"]),
    "broken json": ('[{"kind": "therapy", "slug": }]', ["file: not valid JSON at item 0"]),
    "trailing comma": ('[{"kind": "therapy"},]', ["file: not valid JSON at item 1"]),
    "empty file": ("", ["file: the file is empty"]),
    "empty list": ("[]", ["file: the file has no price rows"]),
    "item not an object": ('[["therapy"]]', ["item 0: each item in the list must be an object"]),
    "missing key": ('[{"kind": "therapy", "slug": "import-therapy", "low": 1, "high": 2, "currency": "USD", "source": "S"}]', ["item 0, column 'as_of': missing column"]),
    "extra key": ('[{"kind": "therapy", "slug": "import-therapy", "low": 1, "high": 2, "currency": "USD", "as_of": "2025-01-15", "source": "S", "price": 3}]', ["item 0, column 'price': extra column"]),
    "boolean amount": ('[{"kind": "therapy", "slug": "import-therapy", "low": true, "high": 2, "currency": "USD", "as_of": "2025-01-15", "source": "S"}]', ["item 0, column 'low': must be text or a number"]),
    "exponent amount": ('[{"kind": "therapy", "slug": "import-therapy", "low": 6e4, "high": 70000, "currency": "USD", "as_of": "2025-01-15", "source": "S"}]', ["item 0, column 'low'", "is not a plain number"]),
    "not utf-8": ('[{"kind": "therapy", "source": "Soci\u00e9t\u00e9"}]'.encode("latin-1"), ["file: the file is not UTF-8"]),
}


@pytest.mark.parametrize("content, expected", BAD_JSON.values(), ids=BAD_JSON.keys())
def test_a_bad_json_file_is_refused(subjects, tmp_path, content, expected):
    before = estimate_rows()
    _, err, error = run(write(tmp_path, content, name="prices.json"))
    assert error is not None
    for fragment in expected:
        assert fragment in err
    assert estimate_rows() == before


def test_json_problems_name_the_item_index(subjects, tmp_path):
    items = json.loads((DATA / "prices-valid.json").read_text())
    items[2]["low"] = "16,000"
    items[1]["currency"] = "ABC"
    _, err, error = run(write(tmp_path, json.dumps(items), name="prices.json"))
    assert "item 2, column 'low': '16,000' has a thousands separator" in err
    assert "item 1, column 'currency'" in err
    assert not CostEstimate.objects.exists()


def test_a_large_json_file_is_read_in_pieces(subjects, tmp_path, make_therapy):
    # Longer than the reader's 64 kB chunks, so objects straddle chunk ends.
    therapy = subjects[1]
    start = datetime.date(2000, 1, 1)
    items = [
        {"kind": "therapy", "slug": therapy.slug, "low": i, "high": i + 1, "currency": "USD",
         "as_of": (start + datetime.timedelta(days=i)).isoformat(), "source": "S", "note": "x" * 50}
        for i in range(1500)
    ]
    path = write(tmp_path, json.dumps(items, indent=2), name="prices.json")
    assert path.stat().st_size > 3 * 64 * 1024
    assert run(path, "--accept-large-changes")[2] is None  # toy amounts: all implausible
    assert CostEstimate.objects.count() == 1500


def test_a_conflict_is_reported_and_nothing_is_written(subjects, make_estimate):
    category, therapy = subjects
    existing = make_estimate(therapy, low=Decimal("1400"), high=Decimal("95000"), currency="USD", as_of=datetime.date(2025, 1, 15))
    before = estimate_rows()
    out, err, error = run(DATA / "prices-valid.csv")
    assert error is not None
    assert (
        f"line 3: conflict: therapy 'import-therapy' already has a USD estimate as of 2025-01-15 of "
        f"1,400.00–95,000.00 (estimate #{existing.pk}); the file says 1,500.00–95,000.00." in err
    )
    assert estimate_rows() == before
    assert not PriceImport.objects.exists()


# --- All or nothing ---------------------------------------------------------------------------


def many_rows_file(tmp_path, therapy, count):
    lines = [HEADER] + [
        f"therapy,{therapy.slug},{i},{i + 10},USD,{datetime.date(2020, 1, 1) + datetime.timedelta(days=i)},S,,\n"
        for i in range(count)
    ]
    return write(tmp_path, "".join(lines))


@pytest.mark.parametrize("failure", [IntegrityError("simulated"), RuntimeError("process died")])
def test_a_failure_while_writing_leaves_nothing(subjects, tmp_path, monkeypatch, failure):
    path = many_rows_file(tmp_path, subjects[1], 10)
    monkeypatch.setattr(applying.StagedEstimates, "BATCH_SIZE", 3)
    written = []  # estimates in the table after each batch that went through

    def fail_after_the_first_batch(execute, sql, params, many, context):
        if not sql.startswith(f"INSERT INTO {connection.ops.quote_name(CostEstimate._meta.db_table)}"):
            return execute(sql, params, many, context)
        if written:
            raise failure
        result = execute(sql, params, many, context)
        written.append(CostEstimate.objects.count())
        return result

    before = estimate_rows()
    with connection.execute_wrapper(fail_after_the_first_batch):
        if isinstance(failure, IntegrityError):
            _, err, error = run(path, "--accept-large-changes")
            assert "the database refused the import" in err and "nothing was written" in str(error)
        else:
            with pytest.raises(RuntimeError):
                run(path, "--accept-large-changes")
    assert written == [3]  # the first batch did reach the database
    assert estimate_rows() == before
    assert not PriceImport.objects.exists()


def test_a_bad_row_after_many_good_ones_leaves_nothing_and_the_corrected_file_imports(subjects, tmp_path, monkeypatch):
    monkeypatch.setattr(applying, "CHUNK_SIZE", 3)  # the good rows before it are already set aside
    path = many_rows_file(tmp_path, subjects[1], 10)
    good = path.read_text()
    lines = good.splitlines(keepends=True)
    lines[10] = lines[10].replace(",USD,", ",ABC,")
    path.write_text("".join(lines))
    _, err, error = run(path, "--accept-large-changes")
    assert error is not None
    assert "line 11, column 'currency': 'ABC' is not an ISO 4217 currency code" in err
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()

    path.write_text(good)
    out, err, error = run(path, "--accept-large-changes")
    assert error is None, err
    assert "Imported 10 new estimates (0 already recorded)" in out
    assert PriceImport.objects.get().estimates.count() == 10


def test_apply_refuses_a_file_that_is_not_the_one_previewed(subjects, tmp_path):
    path = write(tmp_path, HEADER + GOOD)
    source = Source(path, "prices.csv", "command")
    previewed = preview(source, "csv")
    path.write_text(HEADER + GOOD.replace("95000", "96000"))
    report = apply(source, "csv", expected_sha256=previewed.sha256)
    assert not report.applied
    assert "not the file that was previewed" in str(report.problems[0])
    assert not CostEstimate.objects.exists()


def test_the_import_is_chunked_and_consistent(subjects, tmp_path, monkeypatch, make_estimate):
    monkeypatch.setattr(applying, "CHUNK_SIZE", 4)
    monkeypatch.setattr(applying.StagedEstimates, "BATCH_SIZE", 3)
    therapy = subjects[1]
    make_estimate(therapy, low=Decimal("5"), high=Decimal("15"), currency="USD", as_of=datetime.date(2020, 1, 6))
    out, err, error = run(many_rows_file(tmp_path, therapy, 11), "--accept-large-changes")
    assert error is None, err
    assert "Imported 10 new estimates (1 already recorded)" in out
    record = PriceImport.objects.get()
    assert (record.rows_total, record.rows_new, record.rows_unchanged) == (11, 10, 1)
    assert record.estimates.count() == 10
    # Every new row once, in the file's order.
    assert [e.low for e in record.estimates.order_by("id")] == [Decimal(i) for i in range(11) if i != 5]


# --- Fetching an address ---------------------------------------------------------------------


class PriceServer(http.server.BaseHTTPRequestHandler):
    body = (DATA / "prices-valid.csv").read_bytes()

    def do_GET(self):
        if self.path == "/prices.csv":
            self._send(200, self.body)
        elif self.path == "/big.csv":
            self._send(200, b"x" * 5000)
        elif self.path == "/big-unannounced.csv":
            # No Content-Length: the limit must hold while reading.
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"y" * 1000)
        elif self.path == "/to-ftp.csv":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/prices.csv")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/no-content.csv":
            self.send_response(204)
            self.end_headers()
        else:
            self._send(404, b"not here")

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch, settings):
    # The test server listens on loopback, which a real fetch refuses.
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with local_http_server(PriceServer) as httpd:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"


def test_the_command_imports_from_an_address(subjects, server):
    url = f"{server}/prices.csv"
    out, err, error = run(url)
    assert error is None, err
    record = PriceImport.objects.get()
    assert (record.source_kind, record.file_name, record.format) == ("url", url, "csv")
    assert record.sha256 == hashlib.sha256(PriceServer.body).hexdigest()
    assert CostEstimate.objects.count() == 3


def test_fetch_returns_the_body(server):
    path = fetch_url(f"{server}/prices.csv")
    try:
        assert path.read_bytes() == PriceServer.body
    finally:
        path.unlink()


@pytest.mark.parametrize(
    "path, message",
    [
        ("/big.csv", "the limit is"),
        ("/big-unannounced.csv", "larger than the limit"),
        ("/missing.csv", "answered 404"),
        ("/no-content.csv", "answered 204"),
        ("/to-ftp.csv", "only http and https"),
    ],
)
def test_fetch_refuses_large_bodies_and_non_200_answers(server, tmp_path, path, message):
    with pytest.raises(FetchError, match=message):
        fetch_url(f"{server}{path}", max_bytes=4000, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []  # no partial download left behind


def test_the_command_reports_a_failed_fetch(subjects, server):
    _, _, error = run(f"{server}/missing.csv")
    assert "answered 404" in str(error)
    assert not CostEstimate.objects.exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd.csv", "ftp://example.org/prices.csv"])
def test_other_schemes_are_refused(subjects, url):
    _, _, error = run(url)
    assert "Only http and https" in str(error)


def test_fetch_times_out(tmp_path, settings):
    import socket

    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        with pytest.raises(FetchError):
            fetch_url(f"http://127.0.0.1:{listener.getsockname()[1]}/prices.csv", timeout=0.5, directory=tmp_path)
    finally:
        listener.close()
