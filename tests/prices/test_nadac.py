"""NADAC files: mapped NDCs become one annual USD estimate per therapy."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from prices.models import CostEstimate, NdcMapping, PriceImport, PriceKind, normalise_ndc

SAMPLE = Path(__file__).parents[1] / "data" / "nadac-sample.csv"
HEADER = SAMPLE.read_text().splitlines()[0]


@pytest.fixture
def mapped(make_therapy):
    teriflunomide = make_therapy(slug="teriflunomide", generic_name="teriflunomide")
    dimethyl = make_therapy(slug="dimethyl-fumarate", generic_name="dimethyl fumarate")
    NdcMapping.objects.create(therapy=teriflunomide, ndc="00024590030", units_per_year=Decimal("365"))
    NdcMapping.objects.create(therapy=teriflunomide, ndc="00024590130", units_per_year=Decimal("365"))
    NdcMapping.objects.create(therapy=dimethyl, ndc="64406000602", units_per_year=Decimal("730"))
    NdcMapping.objects.create(therapy=dimethyl, ndc="00093501156", units_per_year=Decimal("730"))
    return teriflunomide, dimethyl


def run(path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_prices", str(path), "--format", "nadac", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def estimate_rows():
    return list(CostEstimate.objects.order_by("id").values())


@pytest.mark.parametrize(
    "given, expected",
    [
        ("00002143380", "00002143380"),
        ("2143380", "00002143380"),  # leading zeros lost in a spreadsheet
        (" 00002143380 ", "00002143380"),
        ("00002-1433-80", "00002143380"),  # 5-4-2
        ("0002-1433-80", "00002143380"),  # 4-4-2
        ("00002-143-80", "00002014380"),  # 5-3-2
        ("00002-1433-8", "00002143308"),  # 5-4-1
        ("123456789012", None),
        ("not-an-ndc", None),
        ("", None),
        ("１２３", None),  # full-width digits are not NDC digits
    ],
)
def test_ndc_normalisation(given, expected):
    assert normalise_ndc(given) == expected


def test_nadac_estimates_have_the_exact_expected_figures(mapped):
    teriflunomide, dimethyl = mapped
    out, err, error = run(SAMPLE)
    assert error is None, err
    assert "11 NADAC rows read: 5 for mapped NDCs (4 NDCs used, 1 older or repeated rows passed over), 6 unmapped rows skipped." in out

    teri = CostEstimate.objects.get(therapy=teriflunomide)
    # 4.81235 × 365 = 1756.50775 → 1756.51; the 7 mg NDC's newest row (11/06/2024): 4.90 × 365 = 1788.50
    assert (teri.low, teri.high, teri.currency, teri.as_of) == (
        Decimal("1756.51"), Decimal("1788.50"), "USD", datetime.date(2024, 11, 13)
    )
    assert (teri.source_name, teri.source_url) == ("NADAC (CMS)", "https://data.medicaid.gov/")
    assert "NDC 00024-5900-30: $4.81235 per EA × 365 = $1,756.51 a year (effective 2024-11-13)" in teri.note
    assert "NDC 00024-5901-30: $4.90000 per EA × 365 = $1,788.50 a year (effective 2024-11-06)" in teri.note
    assert "5.10000" not in teri.note  # the older row is not used

    dmf = CostEstimate.objects.get(therapy=dimethyl)
    # 0.53120 × 730 = 387.776 → 387.78 (NDC written without leading zeros); 1.27410 × 730 = 930.093 → 930.09
    assert (dmf.low, dmf.high, dmf.as_of) == (Decimal("387.78"), Decimal("930.09"), datetime.date(2024, 11, 13))
    assert "NDC 00093-5011-56" in dmf.note and "NDC 64406-0006-02" in dmf.note

    record = PriceImport.objects.get()
    assert (record.format, record.rows_total, record.rows_new, record.rows_unchanged) == ("nadac", 2, 2, 0)
    assert "6 unmapped rows skipped" in record.summary
    assert CostEstimate.objects.count() == 2


def test_as_of_is_the_newest_effective_date_used_for_the_therapy(mapped, tmp_path):
    teriflunomide, _ = mapped
    path = tmp_path / "nadac.csv"
    path.write_text(
        HEADER + "\n"
        "A,00024590030,4.00000,11/06/2024,EA,C/I,N,,G,,,11/20/2024\n"
        "B,00024590130,5.00000,11/13/2024,EA,C/I,N,,G,,,11/20/2024\n"
    )
    assert run(path)[2] is None
    estimate = CostEstimate.objects.get(therapy=teriflunomide)
    assert (estimate.low, estimate.high, estimate.as_of) == (Decimal("1460.00"), Decimal("1825.00"), datetime.date(2024, 11, 13))


def test_a_second_nadac_import_changes_nothing(mapped):
    run(SAMPLE)
    before = estimate_rows()
    out, err, error = run(SAMPLE)
    assert error is None, err
    assert "all 2 estimates are already recorded" in out
    assert estimate_rows() == before and PriceImport.objects.count() == 1


def test_dry_run_writes_nothing(mapped):
    out, err, error = run(SAMPLE, "--dry-run")
    assert error is None, err
    assert "therapy teriflunomide: 1 / 0 / 0" in out
    assert "Dry run: would add 2 new estimates." in out
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()


def test_a_changed_price_for_the_same_date_is_a_conflict(mapped, make_estimate):
    teriflunomide, _ = mapped
    # NADAC rows are NADAC figures: a US list price of the same date is another estimate, not a conflict.
    nadac = PriceKind.objects.get(slug="us-nadac")
    make_estimate(teriflunomide, low=Decimal("1700"), high=Decimal("1788.50"), as_of=datetime.date(2024, 11, 13), kind=nadac)
    before = estimate_rows()
    _, err, error = run(SAMPLE)
    assert error is not None
    assert "lines 3, 6: conflict: therapy 'teriflunomide'" in err
    assert estimate_rows() == before


def test_mapped_rows_with_bad_values_are_errors_with_line_numbers(mapped):
    teriflunomide, dimethyl = mapped
    # The same rows are skipped silently while unmapped (see the first test).
    NdcMapping.objects.create(therapy=teriflunomide, ndc="11111111111", units_per_year=Decimal("365"))
    NdcMapping.objects.create(therapy=dimethyl, ndc="22222222222", units_per_year=Decimal("730"))
    before = estimate_rows()
    _, err, error = run(SAMPLE)
    assert error is not None and "3 problems" in str(error)
    assert "line 10, column 'NADAC Per Unit': 'n/a' is not a price per unit" in err
    assert "line 10, column 'Effective Date': '13/45/2024' is not a date (MM/DD/YYYY)" in err
    assert "line 11, column 'Effective Date': 12/31/2099 is in the future" in err
    assert estimate_rows() == before and not PriceImport.objects.exists()


@pytest.mark.parametrize(
    "rows, message",
    [
        ("A,00024590030,0,11/13/2024,EA,,,,,,,\n", "line 2, column 'NADAC Per Unit': the price per unit must be more than zero"),
        ("A,00024590030,-1.5,11/13/2024,EA,,,,,,,\n", "line 2, column 'NADAC Per Unit': '-1.5' is not a price per unit"),
        ("A,00024590030,\"1,234.5\",11/13/2024,EA,,,,,,,\n", "line 2, column 'NADAC Per Unit'"),
        ("A,00024590030,1.5,,EA,,,,,,,\n", "line 2, column 'Effective Date': '' is not a date"),
        (
            "A,00024590030,1.5,11/13/2024,EA,,,,,,,\nB,24590030,1.6,11/13/2024,EA,,,,,,,\n",
            "line 3, column 'NADAC Per Unit': NDC 00024590030 has two prices for effective date 11/13/2024",
        ),
    ],
)
def test_more_bad_mapped_rows(mapped, tmp_path, rows, message):
    path = tmp_path / "nadac.csv"
    path.write_text(HEADER + "\n" + rows)
    _, err, error = run(path)
    assert error is not None
    assert message in err
    assert not CostEstimate.objects.exists()


def test_a_file_without_the_needed_columns_is_refused(mapped, tmp_path):
    path = tmp_path / "nadac.csv"
    path.write_text("NDC Description,NDC,Price\nA,00024590030,1.5\n")
    _, err, error = run(path)
    assert "line 1, column 'NADAC Per Unit': missing column" in err
    assert "line 1, column 'Effective Date': missing column" in err


def test_a_file_with_no_mapped_rows_has_no_price_rows(mapped, tmp_path):
    path = tmp_path / "nadac.csv"
    path.write_text(HEADER + "\nX,99999999999,1.0,11/13/2024,EA,,,,,,,\n")
    _, err, error = run(path)
    assert "file: the file has no price rows" in err


def test_iso_dates_from_the_api_and_reordered_extra_columns_are_read(mapped, tmp_path):
    path = tmp_path / "nadac.csv"
    path.write_text("Effective Date,NADAC Per Unit,NDC,New CMS column\n2024-11-13,4.00000,00024590030,x\n")
    assert run(path)[2] is None
    assert CostEstimate.objects.get().low == Decimal("1460.00")


def test_ndc_mapping_database_constraints(make_therapy):
    therapy = make_therapy()
    for ndc, units in [("123", Decimal("1")), ("0002-143380", Decimal("1")), ("00002143380", Decimal("0")), ("00002143380", Decimal("-1"))]:
        with pytest.raises(IntegrityError), transaction.atomic():
            NdcMapping.objects.create(therapy=therapy, ndc=ndc, units_per_year=units)
    NdcMapping.objects.create(therapy=therapy, ndc="00002143380", units_per_year=Decimal("365"))
    with pytest.raises(IntegrityError), transaction.atomic():
        NdcMapping.objects.create(therapy=make_therapy(), ndc="00002143380", units_per_year=Decimal("1"))
