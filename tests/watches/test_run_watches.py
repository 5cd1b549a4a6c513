"""Issue 21, sections 1 and 2: one schedule for every watched source, and
price files fetched on it. Every fetch goes to a local server on 127.0.0.1
that answers with recorded files (tests/recorded_server.py)."""

import datetime
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prices.models import CostEstimate, PriceImport
from prices.pricing import staging
from tests.conftest import logged_in
from tests.recorded_server import RecordedServer
from watches import kinds, running
from watches.models import WatchedSource, WatchRun

pytestmark = pytest.mark.django_db

AS_OF = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
HEADER = "kind,slug,low,high,currency,as_of,source,source_url,note\n"


def price_row(low, high, as_of=AS_OF):
    return f"therapy,watched-therapy,{low},{high},USD,{as_of},Test list price survey,https://example.org/list,Demo figure.\n"


@pytest.fixture(autouse=True)
def private_staging(settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def therapy(make_therapy):
    return make_therapy(slug="watched-therapy", generic_name="watchimab")


@pytest.fixture
def server(settings):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    with RecordedServer() as recorded:
        yield recorded


def price_source(server, **fields):
    values = {"name": "Test price file", "kind": WatchedSource.Kind.PRICE_FILE, "url": f"{server.url}/prices.csv", "every": "weekly"}
    return WatchedSource.objects.create(**{**values, **fields})


def run_watches(*args):
    out = StringIO()
    call_command("run_watches", *args, stdout=out)
    return out.getvalue()


def make_due(*sources):
    WatchedSource.objects.filter(pk__in=[source.pk for source in sources]).update(next_due_at=timezone.now())


# --- A clean file, applied on its own, then the same file again ------------------------------


def test_a_clean_file_is_applied_when_its_source_says_so_and_the_same_file_is_unchanged(server, therapy):
    server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv")
    source = price_source(server, apply_automatically=True)

    out = run_watches()

    estimate = CostEstimate.objects.get(therapy=therapy)
    assert (estimate.low, estimate.high, estimate.as_of.isoformat()) == (60000, 80000, AS_OF)
    record = PriceImport.objects.get()
    assert record.source_kind == PriceImport.SourceKind.WATCHED
    assert record.created_by_label == PriceImport.WATCHED_LABEL
    assert f"Test price file [price_file]: changed: applied as import #{record.pk}" in out
    source.refresh_from_db()
    assert source.last_outcome == "changed" and source.failures_in_a_row == 0
    assert source.next_due_at > timezone.now() + datetime.timedelta(days=6)

    make_due(source)
    out = run_watches()
    assert f"unchanged: the same file as import #{record.pk}" in out
    assert PriceImport.objects.count() == 1 and CostEstimate.objects.count() == 1
    assert list(WatchRun.objects.filter(source=source).values_list("outcome", flat=True)) == ["unchanged", "changed"]


def test_a_source_not_due_is_not_fetched(server, therapy):
    server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv")
    source = price_source(server, next_due_at=timezone.now() + datetime.timedelta(days=2))
    out = run_watches()
    assert "Test price file [price_file]: not due: next check" in out
    assert server.requests == [] and not WatchRun.objects.exists()
    assert source.runs.count() == 0


# --- A file that waits for a price editor ----------------------------------------------------


def test_a_new_file_waits_for_a_price_editor_who_confirms_it_on_the_preview_screen(server, therapy, price_editor, editor_user):
    server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv")
    source = price_source(server)  # apply_automatically is off

    out = run_watches()

    assert "changed: waiting for a price editor" in out
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()
    source.refresh_from_db()
    assert source.attention == f"Fetched {timezone.localdate():%-d %b}: 1 new figure to confirm"

    price_web = logged_in(price_editor)
    index = price_web.get(reverse("admin:index")).content.decode()
    assert source.attention in index and source.attention_url in index
    # An editor who does not handle prices is not asked.
    assert source.attention not in logged_in(editor_user).get(reverse("admin:index")).content.decode()

    preview = price_web.get(source.attention_url).content.decode()
    assert "watched-therapy" in preview and 'name="fetched" value="1"' in preview
    assert not CostEstimate.objects.exists()

    sha256 = source.attention_url.rstrip("/").rsplit("/", 1)[1]
    response = price_web.post(reverse("admin:prices_priceimport_upload"), {"apply": "1", "sha256": sha256, "fetched": "1"})
    assert response.status_code == 302
    assert CostEstimate.objects.get(therapy=therapy).high == 80000
    assert PriceImport.objects.get().source_kind == PriceImport.SourceKind.WATCHED
    source.refresh_from_db()
    assert source.attention == "" and source.attention_url == ""
    assert "1 new figure to confirm" not in price_web.get(reverse("admin:index")).content.decode()

    make_due(source)
    assert "unchanged: the same file as import" in run_watches()


def test_flagged_rows_wait_for_confirmation_even_when_clean_files_apply_on_their_own(server, therapy, make_estimate, price_editor):
    make_estimate(therapy, low=60000, high=80000)
    server.answer("/prices.csv", HEADER + price_row(150000, 190000), content_type="text/csv")
    source = price_source(server, apply_automatically=True)

    run_watches()

    source.refresh_from_db()
    assert source.attention == f"Fetched {timezone.localdate():%-d %b}: 1 row needs your confirmation"
    assert CostEstimate.objects.count() == 1
    sha256 = source.attention_url.rstrip("/").rsplit("/", 1)[1]
    price_web = logged_in(price_editor)
    # The same all-or-nothing apply: without the box ticked nothing is written.
    price_web.post(reverse("admin:prices_priceimport_upload"), {"apply": "1", "sha256": sha256, "fetched": "1"})
    assert CostEstimate.objects.count() == 1
    price_web.post(
        reverse("admin:prices_priceimport_upload"),
        {"apply": "1", "sha256": sha256, "fetched": "1", "confirm_flagged": "1"},
    )
    assert CostEstimate.objects.count() == 2


def test_a_newer_file_replaces_the_one_waiting(server, therapy):
    server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv")
    source = price_source(server)
    run_watches()
    first = WatchedSource.objects.get().attention_url
    server.answer("/prices.csv", HEADER + price_row(61000, 81000), content_type="text/csv")
    make_due(source)
    run_watches()
    second = WatchedSource.objects.get().attention_url
    assert first != second
    assert len(list(staging.fetched_dir().glob("*.json"))) == 1


# --- Failures: a clear outcome on the source, nothing written --------------------------------


@pytest.mark.parametrize(
    "answer, message",
    [
        (dict(body="<!DOCTYPE html><html><body>Service unavailable</body></html>", status=503, content_type="text/html"), "answered 503"),
        (dict(body="<!DOCTYPE html><html><body>Maintenance</body></html>", content_type="text/html"), "The file was refused, nothing was written"),
        (dict(body=HEADER + "therapy,watched-therapy,sixty,80000,USD,2026-01-01,S,,\n", content_type="text/csv"), "line 2"),
    ],
    ids=["error status", "html page", "bad row"],
)
def test_a_bad_answer_fails_the_check_with_its_reason_and_writes_nothing(server, therapy, answer, message):
    server.answer("/prices.csv", **answer)
    source = price_source(server, apply_automatically=True)
    out = run_watches()
    source.refresh_from_db()
    assert source.last_outcome == "failed" and message in source.last_message
    assert f"Test price file [price_file]: failed: {source.last_message}" in out
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()
    assert source.failures_in_a_row == 1
    # Tried again within hours, not a week later.
    assert source.next_due_at < timezone.now() + datetime.timedelta(hours=7)


def test_a_malformed_json_price_file_fails_with_a_message(server, therapy):
    server.answer("/prices.json", '{"estimates": [ {"kind": "therapy", ', content_type="application/json")
    source = price_source(server, url=f"{server.url}/prices.json", apply_automatically=True)
    run_watches()
    source.refresh_from_db()
    assert source.last_outcome == "failed" and "refused" in source.last_message
    assert not PriceImport.objects.exists()


def test_a_source_that_times_out_fails_within_the_time_limit(server, therapy, monkeypatch):
    server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv", trickle=True)
    source = price_source(server, apply_automatically=True)
    monkeypatch.setattr(running, "SOURCE_TIME_LIMIT", 1)
    run_watches()
    source.refresh_from_db()
    assert source.last_outcome == "failed" and "took longer than the limit" in source.last_message
    assert not PriceImport.objects.exists()


def test_this_machine_is_refused_without_the_test_only_setting(therapy, settings):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = False
    with RecordedServer() as server:
        server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv")
        source = price_source(server, apply_automatically=True)
        run_watches()
        assert server.requests == []
    source.refresh_from_db()
    assert source.last_outcome == "failed" and "this machine (loopback)" in source.last_message


def test_three_failures_in_a_row_show_on_the_dashboard_of_the_editors_concerned(server, therapy, price_editor, editor_user):
    server.answer("/prices.csv", "gone", status=404, content_type="text/plain")
    source = price_source(server)
    for _ in range(3):
        make_due(source)
        run_watches()
    source.refresh_from_db()
    assert source.failures_in_a_row == 3
    index = logged_in(price_editor).get(reverse("admin:index")).content.decode()
    assert "Test price file" in index and "failed 3 times in a row" in index
    assert "failed 3 times in a row" not in logged_in(editor_user).get(reverse("admin:index")).content.decode()
    # One success clears it.
    server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv")
    make_due(source)
    run_watches()
    assert "failed 3 times in a row" not in logged_in(price_editor).get(reverse("admin:index")).content.decode()


def test_a_source_overdue_by_twice_its_interval_shows_on_the_dashboard(server, price_editor):
    weeks_ago = timezone.now() - datetime.timedelta(days=15)
    source = price_source(server, created_at=weeks_ago, next_due_at=weeks_ago)
    index = logged_in(price_editor).get(reverse("admin:index")).content.decode()
    assert "no successful check since it was added" in index
    WatchedSource.objects.filter(pk=source.pk).update(last_succeeded_at=timezone.now() - datetime.timedelta(days=6))
    assert "Test price file" not in logged_in(price_editor).get(reverse("admin:index")).content.decode()


def test_healthz_stays_about_serving_when_a_source_fails(server, client):
    server.answer("/prices.csv", "gone", status=404, content_type="text/plain")
    source = price_source(server)
    WatchedSource.objects.filter(pk=source.pk).update(failures_in_a_row=5, last_outcome="failed")
    assert client.get("/healthz").status_code == 200


# --- The command: its exit status, its time limit, and two runs at once ---------------------


def test_a_failed_source_does_not_fail_the_command_but_a_fault_of_the_site_does(server, therapy, monkeypatch):
    server.answer("/prices.csv", "gone", status=404, content_type="text/plain")
    failing = price_source(server)
    broken = WatchedSource.objects.create(name="Broken check", kind=WatchedSource.Kind.NADAC, url=f"{server.url}/nadac.csv")
    assert "Test price file [price_file]: failed" in run_watches("--source", "Test price file")

    def explode(source, deadline):
        raise RuntimeError("a bug")

    monkeypatch.setitem(kinds._checkers, WatchedSource.Kind.NADAC, kinds.Checker(explode, lambda user: True))
    make_due(failing)
    with pytest.raises(CommandError, match="fault of the site's own"):
        run_watches()
    broken.refresh_from_db()
    failing.refresh_from_db()
    assert broken.last_outcome == "failed" and "RuntimeError" in broken.last_message
    assert failing.failures_in_a_row == 2  # the other source was still checked


def test_a_run_past_its_time_limit_leaves_the_rest_for_the_next_run(server, therapy, monkeypatch):
    server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv")
    source = price_source(server)
    ticks = iter([0.0, 1000.0, 1000.0, 1000.0])
    monkeypatch.setattr(running.time, "monotonic", lambda: next(ticks))
    out = run_watches("--time-limit", "10")
    assert "skipped: the run's time limit was reached" in out
    source.refresh_from_db()
    assert source.last_checked_at is None and server.requests == []


def test_a_source_held_by_another_run_is_skipped():
    source = WatchedSource.objects.create(name="Labels", kind=WatchedSource.Kind.MEDICINE_LABELS, every="daily")
    now = timezone.now()
    assert running.claim(source, now=now, until=now + datetime.timedelta(minutes=5), by="first")
    assert not running.claim(source, now=now, until=now + datetime.timedelta(minutes=5), by="second")
    # A run that died frees it when its claim runs out.
    later = now + datetime.timedelta(minutes=6)
    assert running.claim(source, now=later, until=later + datetime.timedelta(minutes=5), by="third")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_check_each_source_once(server, therapy):
    server.answer("/prices.csv", HEADER + price_row(60000, 80000), content_type="text/csv", delay=0.5)
    price_source(server, apply_automatically=True)
    outputs = []

    def one_run(second):
        from django.db import connection

        if second:
            # The second run starts while the first is fetching the file, after
            # its claim: the test database (SQLite in memory, shared between
            # threads) answers a write that meets another's open transaction
            # with "table is locked" at once, where a database file waits for it.
            waiting_until = time.monotonic() + 10
            while not server.requests and time.monotonic() < waiting_until:
                time.sleep(0.01)
        try:
            outputs.append([result.line() for result in running.run_due(time_limit=30)])
        finally:
            connection.close()

    threads = [threading.Thread(target=one_run, args=(second,)) for second in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    lines = sorted(line for output in outputs for line in output)
    assert len(lines) == 2
    assert any("changed: applied as import" in line for line in lines)
    assert any("skipped: another run is checking it" in line or "not due" in line for line in lines)
    assert WatchRun.objects.count() == 1 and PriceImport.objects.count() == 1
    assert len(server.requests) == 1


# --- The quarterly Medicare Part B file ------------------------------------------------------


def test_an_asp_file_gives_ocrelizumab_its_medicare_figure_once_a_price_editor_confirms_the_flagged_row(
    server, make_therapy, make_estimate, price_editor
):
    from decimal import Decimal
    from pathlib import Path

    from prices.models import HcpcsMapping, PriceKind

    ocrelizumab = make_therapy(slug="ocrelizumab", generic_name="ocrelizumab")
    HcpcsMapping.objects.create(
        therapy=ocrelizumab, hcpcs="J2350", product="Ocrevus (brand)", billing_unit="1 MG",
        units_per_year=Decimal("1200"), note="1,200 mg a year.",
    )
    medicare = PriceKind.objects.get(slug="us-medicare-b")
    # An earlier figure far below the file's, so the new one is a large change to confirm.
    make_estimate(ocrelizumab, low=30000, high=30000, kind=medicare, product="Ocrevus (brand)", as_of=datetime.date(2026, 4, 1))
    zipped = (Path(__file__).parents[1] / "data" / "july-2026-asp-pricing-file.zip").read_bytes()
    server.answer("/july-2026-asp-pricing-file.zip", zipped, content_type="application/zip")
    source = WatchedSource.objects.create(
        name="Medicare Part B ASP file", kind=WatchedSource.Kind.ASP, every="quarterly",
        url=f"{server.url}/july-2026-asp-pricing-file.zip", apply_automatically=True,
    )

    out = run_watches()

    assert "Medicare Part B ASP file [asp]: changed: waiting for a price editor" in out
    source.refresh_from_db()
    assert source.attention.endswith(": 1 row needs your confirmation")
    assert CostEstimate.objects.filter(therapy=ocrelizumab).count() == 1
    sha256 = source.attention_url.rstrip("/").rsplit("/", 1)[1]
    price_web = logged_in(price_editor)
    assert "ocrelizumab" in price_web.get(source.attention_url).content.decode()
    price_web.post(
        reverse("admin:prices_priceimport_upload"), {"apply": "1", "sha256": sha256, "fetched": "1", "confirm_flagged": "1"}
    )
    figure = CostEstimate.objects.filter(therapy=ocrelizumab).latest("as_of")
    assert (figure.kind, figure.as_of, figure.high) == (medicare, datetime.date(2026, 7, 1), Decimal("73164.00"))
    assert figure.source_name == "CMS ASP pricing file, Q3 2026 (J2350)"
    page = Client().get(ocrelizumab.get_absolute_url()).content.decode()
    assert "73,164" in page


def test_an_asp_file_published_before_its_quarter_is_fetched_again_on_the_day_it_takes_effect(server, make_therapy):
    from decimal import Decimal

    from prices.models import HcpcsMapping

    ocrelizumab = make_therapy(slug="ocrelizumab", generic_name="ocrelizumab")
    HcpcsMapping.objects.create(
        therapy=ocrelizumab, hcpcs="J2350", product="Ocrevus (brand)", billing_unit="1 MG",
        units_per_year=Decimal("1200"), note="1,200 mg a year.",
    )
    next_year = timezone.localdate().year + 1
    text = (
        "Payment Allowance Limits for Medicare Part B Drugs\r\n"
        f"\"Effective January 1, {next_year} through March 31, {next_year}\"\r\n"
        "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\r\n"
        "J2350,Inj ocrelizumab 1 mg,1 MG,60.970\r\n"
    )
    server.answer(f"/january-{next_year}-asp-pricing-file.csv", text, content_type="text/csv")
    source = WatchedSource.objects.create(
        name="Medicare Part B ASP file", kind=WatchedSource.Kind.ASP, every="quarterly",
        url=f"{server.url}/january-{next_year}-asp-pricing-file.csv",
    )
    out = run_watches()
    source.refresh_from_db()
    assert f"unchanged: the file's figures take effect on 01 Jan {next_year}" in out
    assert source.failures_in_a_row == 0 and source.attention == ""
    assert timezone.localtime(source.next_due_at).date() == datetime.date(next_year, 1, 1)
    assert not CostEstimate.objects.exists()


def test_a_zip_bomb_from_a_watched_source_fails_the_check_and_writes_nothing(server, make_therapy, monkeypatch, tmp_path):
    from decimal import Decimal

    from prices.models import HcpcsMapping
    from prices.pricing import zipped
    from tests.prices.test_asp import bomb

    ocrelizumab = make_therapy(slug="ocrelizumab", generic_name="ocrelizumab")
    HcpcsMapping.objects.create(
        therapy=ocrelizumab, hcpcs="J2350", product="Ocrevus (brand)", billing_unit="1 MG",
        units_per_year=Decimal("1200"), note="1,200 mg a year.",
    )
    monkeypatch.setattr(zipped, "MAX_TOTAL_BYTES", 16 * 1024 * 1024)  # so the test packs 32 MB, not 200
    packed = bomb(tmp_path / "bomb.zip", 32 * 1024 * 1024).read_bytes()
    server.answer("/july-2026-asp-pricing-file.zip", packed, content_type="application/zip")
    source = WatchedSource.objects.create(
        name="Medicare Part B ASP file", kind=WatchedSource.Kind.ASP, every="quarterly",
        url=f"{server.url}/july-2026-asp-pricing-file.zip", apply_automatically=True,
    )
    run_watches()
    source.refresh_from_db()
    assert source.last_outcome == "failed" and "over the 16 MB limit: it is not opened" in source.last_message
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()
    assert list(staging.fetched_dir().iterdir()) == []


# --- NADAC's weekly file -------------------------------------------------------------------------


def test_the_weekly_nadac_file_runs_on_schedule_and_its_clean_figures_apply_on_their_own(server, make_therapy):
    from decimal import Decimal
    from pathlib import Path

    from prices.models import NdcMapping

    teriflunomide = make_therapy(slug="teriflunomide", generic_name="teriflunomide")
    NdcMapping.objects.create(therapy=teriflunomide, ndc="00024590030", units_per_year=Decimal("365"))
    sample = (Path(__file__).parents[1] / "data" / "nadac-sample.csv").read_bytes()
    # The sample's lines up to its first bad row: the weekly file as CMS publishes it, in small.
    lines = sample.splitlines(keepends=True)
    server.answer("/nadac.csv", b"".join(lines[:9]), content_type="text/csv")
    source = WatchedSource.objects.create(
        name="NADAC weekly file", kind=WatchedSource.Kind.NADAC, every="weekly",
        url=f"{server.url}/nadac.csv", apply_automatically=True,
    )
    out = run_watches()
    assert "NADAC weekly file [nadac]: changed: applied as import" in out
    figure = CostEstimate.objects.get(therapy=teriflunomide)
    assert figure.kind.slug == "us-nadac" and figure.high == (Decimal("4.81235") * 365).quantize(Decimal("0.01"))
    source.refresh_from_db()
    assert source.next_due_at > timezone.now() + datetime.timedelta(days=6)


# --- The admin -----------------------------------------------------------------------------------


def test_editors_read_a_source_and_its_checks_in_the_admin_and_only_administrators_change_it(server, therapy, price_editor, admin_client):
    server.answer("/prices.csv", "gone", status=404, content_type="text/plain")
    source = price_source(server)
    run_watches()
    change_url = reverse("admin:watches_watchedsource_change", args=[source.pk])

    page = logged_in(price_editor).get(change_url).content.decode()
    assert "Test price file" in page and "answered 404" in page  # the last check and its message
    assert logged_in(price_editor).post(change_url, {"name": "Renamed"}).status_code == 403
    listing = logged_in(price_editor).get(reverse("admin:watches_watchedsource_changelist")).content.decode()
    assert "Failed" in listing

    later = timezone.now() + datetime.timedelta(days=3)
    WatchedSource.objects.filter(pk=source.pk).update(next_due_at=later)
    admin_client.post(
        reverse("admin:watches_watchedsource_changelist"),
        {"action": "check_at_next_run", "_selected_action": [source.pk]},
    )
    source.refresh_from_db()
    assert source.next_due_at <= timezone.now()
    # Its record of checks is kept: a source is switched off, never deleted.
    assert admin_client.post(reverse("admin:watches_watchedsource_delete", args=[source.pk])).status_code == 403
