"""Seeing the figures before they go live: the upload preview and
`import_prices --dry-run` list each row against the current estimate, flag large
changes and implausible amounts, and a flagged file needs an explicit yes."""

import datetime
import hashlib
import html
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, ManagementUtility, call_command
from django.core.management import base as management_base
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prices.models import CostEstimate, NdcMapping, PriceImport, PriceKind
from prices.pricing.review import IMPLAUSIBLE, LARGE_CHANGE, Current, Rules, review_rows

DATA = Path(__file__).parents[1] / "data"
UPLOAD_URL = "/admin/prices/priceimport/upload/"
HEADER = "kind,slug,low,high,currency,as_of,source\n"
CURRENT_DAY = datetime.date(2024, 6, 1)
CONFIRM = "I have checked the flagged rows: apply them"


@pytest.fixture(autouse=True)
def private_staging(settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def subjects(make_category, make_therapy, make_estimate):
    """A category and two therapies, each with a current USD estimate (and an
    older one, and a newer withdrawn one, neither of which is current)."""
    category = make_category(slug="review-dmts", name="Review DMTs")
    steady = make_therapy(slug="steady", generic_name="steadimab", category=category)
    jumpy = make_therapy(slug="jumpy", generic_name="jumpimab", category=category)
    for subject, low, high in ((category, 60000, 90000), (steady, 60000, 80000), (jumpy, 60000, 80000)):
        make_estimate(subject, low=Decimal(low // 2), high=Decimal(high // 2), as_of=datetime.date(2020, 1, 1))
        make_estimate(subject, low=Decimal(low), high=Decimal(high), as_of=CURRENT_DAY)
    make_estimate(
        steady, low=Decimal(1), high=Decimal(2), as_of=datetime.date(2024, 9, 1), state=CostEstimate.State.WITHDRAWN,
        withdrawn_at=datetime.datetime(2024, 9, 2, tzinfo=datetime.UTC), withdrawal_reason="Typo.",
    )
    return category, steady, jumpy


def csv_file(*rows):
    return (HEADER + "".join(f"{row},Test survey\n" for row in rows)).encode()


# steady +10%, jumpy 10× up, the category down 90%
MIXED = csv_file(
    "therapy,steady,66000,88000,USD,2025-01-15",
    "therapy,jumpy,600000,800000,USD,2025-01-15",
    "category,review-dmts,6000,9000,USD,2025-01-15",
)


def upload(client, content, name="prices.csv", fmt=""):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content), "format": fmt, "preview": "Check the file"})


def listed_rows(response):
    """The preview's rows table as text, one string per row, in page order."""
    page = response.content.decode()
    table = re.search(r'<table class="price-rows">(.*?)</table>', page, re.S)
    assert table, "the page has no rows table"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]  # without the header
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def estimates_snapshot():
    return list(CostEstimate.objects.order_by("id").values())


def run(content, tmp_path, *args, name="prices.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    try:
        call_command("import_prices", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


# --- The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "low, high, flags",
    [
        ("150", "150", ()),  # +50% exactly: not above the threshold
        ("150.10", "150.10", (LARGE_CHANGE,)),
        ("50", "100", ()),  # −50% exactly
        ("49.90", "100", (LARGE_CHANGE,)),  # a drop in the low alone is enough
        ("100", "151", (LARGE_CHANGE,)),  # and so is a jump in the high alone
    ],
)
def test_the_threshold_covers_jumps_and_drops_of_low_and_high_separately(low, high, flags):
    rules = Rules(threshold=50, plausible_min=0, plausible_max=1_000_000)
    row = SimpleNamespace(
        where="line 2", kind="therapy", slug="x", subject_id=1, low=Decimal(low), high=Decimal(high),
        currency="USD", as_of=datetime.date(2025, 1, 1),
    )
    current = {("therapy", 1, "", None, "USD"): Current(7, Decimal(100), Decimal(100), datetime.date(2024, 1, 1))}
    (reviewed,) = review_rows([row], ["new"], current, rules)
    assert reviewed.flags == flags


def test_only_new_rows_are_flagged():
    rules = Rules(threshold=50, plausible_min=100, plausible_max=1_000_000)
    row = SimpleNamespace(
        where="line 2", kind="therapy", slug="x", subject_id=1, low=Decimal(1), high=Decimal(2),
        currency="USD", as_of=datetime.date(2025, 1, 1),
    )
    reviewed = review_rows([row, row], ["new", "unchanged"], {}, rules)
    assert [r.flags for r in reviewed] == [(IMPLAUSIBLE,), ()]


# --- The admin preview ------------------------------------------------------------------------


def test_the_preview_lists_each_row_with_the_current_figure_and_the_change(price_web, subjects):
    response = upload(price_web, MIXED)
    assert response.status_code == 200
    rows = listed_rows(response)
    assert len(rows) == 3
    steady = next(row for row in rows if "therapy steady" in row)
    # The current figure is the newest estimate in use (not the older one, not the withdrawn one).
    assert steady == (
        "line 2 therapy steady USD 66,000.00–88,000.00 2025-01-15 USD 60,000.00–80,000.00 (as of 2024-06-01) "
        "+10.0% / +10.0% new"
    )
    assert not CostEstimate.objects.filter(as_of=datetime.date(2025, 1, 15)).exists()


def test_a_tenfold_jump_and_a_ninety_percent_drop_are_flagged_and_listed_first(price_web, subjects):
    response = upload(price_web, MIXED)
    rows = listed_rows(response)
    assert rows[0].startswith("line 3 therapy jumpy USD 600,000.00–800,000.00")
    assert rows[0].endswith("+900.0% / +900.0% new large change")
    assert rows[1].startswith("line 4 category review-dmts USD 6,000.00–9,000.00")
    assert rows[1].endswith("−90.0% / −90.0% new large change")
    assert rows[2].startswith("line 2 therapy steady") and "large change" not in rows[2]
    page = response.content.decode()
    assert "2 rows flagged (2 large changes)." in page
    assert CONFIRM in page and 'name="confirm_flagged"' in page


def test_an_implausible_amount_is_flagged(price_web, subjects, make_therapy):
    make_therapy(slug="newcomer", generic_name="newcomab")
    content = csv_file("therapy,newcomer,1,2,USD,2025-01-15", "therapy,steady,60000,1500000,GBP,2025-01-15")
    response = upload(price_web, content)
    assert "2 rows flagged (2 implausible amounts)." in response.content.decode()
    rows = listed_rows(response)
    assert rows[0] == "line 2 therapy newcomer USD 1.00–2.00 2025-01-15 none — / — new implausible amount"
    # No current GBP estimate (UK NHS list price) to compare with; over 1,000,000 a year is still implausible.
    assert rows[1] == "line 3 therapy steady GBP 60,000.00–1,500,000.00 2025-01-15 none — / — new implausible amount"


def test_the_thresholds_are_settings(price_web, subjects, settings):
    settings.PRICE_CHANGE_THRESHOLD_PERCENT = Decimal(1000)
    rows = listed_rows(upload(price_web, MIXED))
    assert not any("large change" in row for row in rows)
    settings.PRICE_CHANGE_THRESHOLD_PERCENT = Decimal(5)
    rows = listed_rows(upload(price_web, MIXED))
    assert all(row.endswith("large change") for row in rows)  # +10% is large now


def test_a_file_without_flags_has_no_confirmation_box_and_applies(price_web, subjects):
    content = csv_file("therapy,steady,66000,88000,USD,2025-01-15")
    page = upload(price_web, content).content.decode()
    assert "rows flagged" not in page and "row flagged" not in page and 'name="confirm_flagged"' not in page
    assert 'name="apply"' in page
    response = price_web.post(UPLOAD_URL, {"sha256": hashlib.sha256(content).hexdigest(), "apply": "1"}, follow=True)
    assert "Imported 1 new estimate from" in response.content.decode()
    assert CostEstimate.objects.filter(as_of=datetime.date(2025, 1, 15)).count() == 1


def test_apply_is_refused_without_the_confirmation_and_nothing_is_written(price_web, subjects):
    upload(price_web, MIXED)
    before = estimates_snapshot()
    response = price_web.post(UPLOAD_URL, {"sha256": hashlib.sha256(MIXED).hexdigest(), "apply": "1"})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"Nothing was written: 2 rows flagged (2 large changes). Check them below, then tick “{CONFIRM}”" in page
    assert 'name="confirm_flagged"' in page  # the box is offered again, with the rows
    assert listed_rows(response)[0].endswith("large change")
    assert estimates_snapshot() == before and not PriceImport.objects.exists()


def test_apply_with_the_confirmation_writes_the_file(price_web, subjects, price_editor):
    upload(price_web, MIXED)
    sha256 = hashlib.sha256(MIXED).hexdigest()
    price_web.post(UPLOAD_URL, {"sha256": sha256, "apply": "1"})  # refused first: the file stays staged
    response = price_web.post(UPLOAD_URL, {"sha256": sha256, "apply": "1", "confirm_flagged": "1"}, follow=True)
    assert "Imported 3 new estimates" in response.content.decode()
    record = PriceImport.objects.get()
    assert record.created_by == price_editor
    jumpy = CostEstimate.objects.get(therapy__slug="jumpy", as_of=datetime.date(2025, 1, 15))
    assert (jumpy.low, jumpy.high, jumpy.price_import) == (Decimal("600000"), Decimal("800000"), record)


def test_the_nadac_preview_shows_each_therapys_new_annual_figure_against_its_current_one(
    price_web, make_therapy, make_estimate
):
    teriflunomide = make_therapy(slug="teriflunomide", generic_name="teriflunomide")
    dimethyl = make_therapy(slug="dimethyl-fumarate", generic_name="dimethyl fumarate")
    NdcMapping.objects.create(therapy=teriflunomide, ndc="00024590030", units_per_year=Decimal("365"))
    NdcMapping.objects.create(therapy=teriflunomide, ndc="00024590130", units_per_year=Decimal("365"))
    NdcMapping.objects.create(therapy=dimethyl, ndc="64406000602", units_per_year=Decimal("730"))
    NdcMapping.objects.create(therapy=dimethyl, ndc="00093501156", units_per_year=Decimal("730"))
    # NADAC rows are compared with NADAC figures (a US list price is another kind of figure).
    nadac = PriceKind.objects.get(slug="us-nadac")
    make_estimate(teriflunomide, low=Decimal("1700"), high=Decimal("1800"), as_of=datetime.date(2024, 10, 1), kind=nadac)
    make_estimate(dimethyl, low=Decimal("3878"), high=Decimal("9300"), as_of=datetime.date(2024, 10, 1), kind=nadac)
    make_estimate(dimethyl, low=Decimal("90000"), high=Decimal("95000"), as_of=datetime.date(2024, 10, 1))

    response = upload(price_web, (DATA / "nadac-sample.csv").read_bytes(), name="nadac.csv", fmt="nadac")
    page = response.content.decode()
    assert "Annual figures per therapy" in page and "New annual figure" in page
    rows = listed_rows(response)
    # Dimethyl fumarate's new figures are a tenth of its current ones: flagged, first.
    assert rows[0] == (
        "lines 7, 8 therapy dimethyl-fumarate USD 387.78–930.09 2024-11-13 USD 3,878.00–9,300.00 (as of 2024-10-01) "
        "−90.0% / −90.0% new large change"
    )
    assert rows[1] == (
        "lines 3, 6 therapy teriflunomide USD 1,756.51–1,788.50 2024-11-13 USD 1,700.00–1,800.00 (as of 2024-10-01) "
        "+3.3% / −0.6% new"
    )


def test_a_large_file_lists_flagged_rows_first_and_caps_the_rest(price_web, subjects):
    start = datetime.date(2010, 1, 1)
    rows = [f"therapy,steady,61000,81000,USD,{start + datetime.timedelta(days=i)}" for i in range(250)]
    rows.append("therapy,jumpy,600000,800000,USD,2025-01-15")
    response = upload(price_web, csv_file(*rows))
    listed = listed_rows(response)
    assert len(listed) == 201
    assert listed[0].startswith("line 252 therapy jumpy") and listed[0].endswith("large change")
    page = response.content.decode()
    assert "<strong>251</strong> estimate rows" in page  # the counts cover the whole file
    assert "Not listed: 50 more rows." in page


def preview_queries(client, row_count):
    start = datetime.date(2010, 1, 1)
    rows = [
        f"{kind},{slug},61000,85000,USD,{start + datetime.timedelta(days=i)}"
        for i in range(row_count)
        for kind, slug in (("therapy", "steady"), ("therapy", "jumpy"), ("category", "review-dmts"))
    ]
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, csv_file(*rows))
    assert len(listed_rows(response)) == min(3 * row_count, 200)
    return len(queries)


def test_the_previews_query_count_does_not_grow_with_the_rows(price_web, subjects):
    assert preview_queries(price_web, 3) == preview_queries(price_web, 300)


# --- The command ------------------------------------------------------------------------------


def test_the_dry_run_lists_the_rows_and_flags(subjects, tmp_path):
    out, err, error = run(MIXED, tmp_path, "--dry-run")
    assert error is None, err
    lines = out.splitlines()
    start = lines.index(
        "Rows, flagged first (change: low and high, each against the current estimate in use for the same "
        "subject, product and currency):"
    )
    assert lines[start + 1 : start + 4] == [
        "  line 3: therapy 'jumpy' USD 600,000.00–800,000.00 as of 2025-01-15 (new); now USD 60,000.00–80,000.00 "
        "(as of 2024-06-01); change: low +900.0%, high +900.0% [large change]",
        "  line 4: category 'review-dmts' USD 6,000.00–9,000.00 as of 2025-01-15 (new); now USD 60,000.00–90,000.00 "
        "(as of 2024-06-01); change: low −90.0%, high −90.0% [large change]",
        "  line 2: therapy 'steady' USD 66,000.00–88,000.00 as of 2025-01-15 (new); now USD 60,000.00–80,000.00 "
        "(as of 2024-06-01); change: low +10.0%, high +10.0%",
    ]
    assert "2 rows flagged (2 large changes): applying this file needs --accept-large-changes." in out
    assert not PriceImport.objects.exists()


def test_the_command_refuses_flagged_rows_without_the_option(subjects, tmp_path, monkeypatch):
    before = estimates_snapshot()
    out, err, error = run(MIXED, tmp_path, "-v", "0")
    assert error is not None and "nothing was written" in str(error) and "--accept-large-changes" in str(error)
    assert "2 rows flagged (2 large changes); each against the current estimate in use:" in err
    assert "line 3: therapy 'jumpy' USD 600,000.00–800,000.00" in err and "line 2: therapy 'steady'" not in err
    assert out == ""
    assert estimates_snapshot() == before and not PriceImport.objects.exists()

    # The command-line exit status is non-zero, so cron's `|| mail` alerts. (The
    # command line closes the database connections when it ends: not the test's.)
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_prices", str(tmp_path / "prices.csv"), "-v", "0"]).execute()
    assert exit_info.value.code == 1
    assert estimates_snapshot() == before


def test_the_command_applies_flagged_rows_with_the_option(subjects, tmp_path):
    out, err, error = run(MIXED, tmp_path, "--accept-large-changes")
    assert error is None, err
    assert "Imported 3 new estimates" in out
    assert CostEstimate.objects.filter(as_of=datetime.date(2025, 1, 15)).count() == 3
    assert PriceImport.objects.get().rows_new == 3


def test_a_file_without_flags_needs_no_option(subjects, tmp_path):
    out, err, error = run(csv_file("therapy,steady,66000,88000,USD,2025-01-15"), tmp_path)
    assert error is None, err
    assert CostEstimate.objects.filter(as_of=datetime.date(2025, 1, 15)).count() == 1
