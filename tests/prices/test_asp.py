"""CMS ASP pricing files (Medicare Part B): mapped HCPCS codes become a year's
Medicare figure per product, from the CSV or the ZIP it comes in."""

import datetime
import hashlib
import io
import zipfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from prices.models import CostEstimate, HcpcsMapping, PriceImport, PriceKind
from prices.pricing import Source, apply, preview, zipped
from prices.pricing.asp import quarters_in

DATA = Path(__file__).parents[1] / "data"
SAMPLE_CSV = DATA / "july-2026-asp-pricing-file.csv"
SAMPLE_ZIP = DATA / "july-2026-asp-pricing-file.zip"
SAMPLE_TEXT = SAMPLE_CSV.read_bytes().decode("cp1252")
TITLE, HEADER = SAMPLE_TEXT.split("HCPCS Code,", 1)[0], "HCPCS Code," + SAMPLE_TEXT.split("HCPCS Code,", 1)[1].split("\r\n")[0]
SOURCE = "CMS ASP pricing file, Q3 2026 (J2350)"


@pytest.fixture
def mapped(make_therapy):
    """The demo's two mappings, with the content brief's dosing."""
    ocrelizumab = make_therapy(slug="ocrelizumab", generic_name="ocrelizumab")
    ublituximab = make_therapy(slug="ublituximab", generic_name="ublituximab")
    HcpcsMapping.objects.create(
        therapy=ocrelizumab, hcpcs="J2350", product="Ocrevus (brand)", billing_unit="1 MG",
        units_per_year=Decimal("1200"), note="1,200 mg a year.",
    )
    HcpcsMapping.objects.create(
        therapy=ublituximab, hcpcs="J2329", product="Briumvi (brand)", billing_unit="1 MG",
        units_per_year=Decimal("900"), note="2 doses of 450 mg a year.",
    )
    return ocrelizumab, ublituximab


@pytest.fixture
def private_staging(settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"


def run(path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_prices", str(path), "--format", "asp", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def database():
    """Everything an import could change."""
    return list(CostEstimate.objects.order_by("id").values()), list(PriceImport.objects.order_by("id").values())


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252") if isinstance(text, str) else text)
    return path


def zip_of(tmp_path, name, members):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return path


def sample_with(line):
    """The sample file with its J2350 row replaced."""
    return SAMPLE_TEXT.replace("J2350,Inj ocrelizumab 1 mg,1 MG,60.970,20.000,,,,,,", line)


# --- the figure -------------------------------------------------------------------------


@pytest.mark.parametrize("sample", [SAMPLE_CSV, SAMPLE_ZIP], ids=["csv", "zip"])
def test_the_sample_gives_ocrelizumabs_medicare_figure(mapped, sample):
    ocrelizumab, _ = mapped
    out, err, error = run(sample)
    assert error is None, err
    estimate = CostEstimate.objects.get()
    # 60.970 per 1 MG × 1,200 = 73,164.00, as the content brief works it out.
    assert (estimate.therapy, estimate.product, estimate.low, estimate.high) == (
        ocrelizumab, "Ocrevus (brand)", Decimal("73164.00"), Decimal("73164.00")
    )
    assert estimate.as_of == datetime.date(2026, 7, 1)
    assert (estimate.kind.slug, estimate.kind.name) == ("us-medicare-b", "US Medicare Part B payment limit")
    assert (estimate.kind.country.code, estimate.currency) == ("us", "USD")
    assert (estimate.source_name, estimate.source_url) == (
        SOURCE, "https://www.cms.gov/medicare/payment/part-b-drugs/asp-pricing-files"
    )
    assert "J2350 (Inj ocrelizumab 1 mg): $60.970 per 1 MG × 1,200 = $73,164.00 a year" in estimate.note
    record = PriceImport.objects.get()
    assert (record.format, record.rows_new, record.sha256) == ("asp", 1, hashlib.sha256(sample.read_bytes()).hexdigest())
    assert estimate.price_import == record
    assert "4 ASP rows read for Q3 2026 (as of 2026-07-01): 1 for mapped HCPCS codes, 3 other codes skipped." in out
    # Ublituximab's code is mapped but not in this quarter's sample: a warning, not a refusal.
    warning = "Warning: J2329 (Briumvi (brand)) is mapped but not in this file: it gets no figure from it."
    assert warning in out and warning in record.summary


def test_the_zip_names_the_csv_it_read(mapped):
    out, err, error = run(SAMPLE_ZIP, "--dry-run")
    assert error is None, err
    assert "Read July 2026 ASP Pricing File.csv from the ZIP." in out
    assert "Dry run: would add 1 new estimate." in out
    assert database() == ([], [])


def test_a_zip_is_read_as_an_asp_file_without_its_format_said(mapped):
    out, err = StringIO(), StringIO()
    call_command("import_prices", str(SAMPLE_ZIP), "--dry-run", stdout=out, stderr=err)
    assert "Read July 2026 ASP Pricing File.csv from the ZIP." in out.getvalue()
    assert "Dry run: would add 1 new estimate." in out.getvalue()
    assert database() == ([], [])


def test_preview_and_apply_take_the_format_as_for_any_other(mapped):
    """As the scheduler will call them, with a Source and the format."""
    source = Source(SAMPLE_ZIP, "https://www.cms.gov/files/zip/july-2026-asp-pricing-file.zip", PriceImport.SourceKind.URL)
    report = preview(source, "asp")
    assert report.ok and (report.rows_total, report.rows_new) == (1, 1)
    assert not CostEstimate.objects.exists()
    assert apply(source, "asp").applied
    assert CostEstimate.objects.get().source_name == SOURCE


def test_a_second_import_changes_nothing(mapped):
    run(SAMPLE_CSV)
    before = database()
    out, err, error = run(SAMPLE_ZIP)
    assert error is None, err
    assert "the estimate is already recorded" in out
    assert database() == before


def test_the_demos_figure_is_the_one_the_file_gives(mapped, make_estimate):
    """The demo's figure (from the brief) and the file's agree: already recorded, not a conflict."""
    ocrelizumab, _ = mapped
    make_estimate(
        ocrelizumab, product="Ocrevus (brand)", kind=PriceKind.objects.get(slug="us-medicare-b"),
        low=Decimal("73164"), high=Decimal("73164"), as_of=datetime.date(2026, 7, 1),
    )
    report = preview(Source(SAMPLE_CSV, SAMPLE_CSV.name, PriceImport.SourceKind.COMMAND), "asp")
    assert report.ok and (report.rows_new, report.rows_unchanged) == (0, 1)


def test_codes_billed_under_two_codes_give_one_range(mapped, tmp_path):
    ocrelizumab, _ = mapped
    HcpcsMapping.objects.create(
        therapy=ocrelizumab, hcpcs="J9998", product="Ocrevus (brand)", billing_unit="10 mg",
        units_per_year=Decimal("120"), note="Test: the same product under a second code.",
    )
    assert run(SAMPLE_CSV)[2] is None
    estimate = CostEstimate.objects.get()
    # J2350: 60.970 × 1,200 = 73,164.00; J9998 (test row): 2.000 × 120 = 240.00
    assert (estimate.low, estimate.high) == (Decimal("240.00"), Decimal("73164.00"))
    assert estimate.source_name == "CMS ASP pricing file, Q3 2026 (J2350, J9998)"


# --- large changes wait for confirmation, as for every format ---------------------------


def test_a_large_change_waits_for_confirmation(mapped, make_estimate):
    ocrelizumab, _ = mapped
    medicare = PriceKind.objects.get(slug="us-medicare-b")
    make_estimate(
        ocrelizumab, product="Ocrevus (brand)", kind=medicare, low=Decimal("30000"), high=Decimal("30000"),
        as_of=datetime.date(2026, 4, 1),
    )
    before = database()
    out, err, error = run(SAMPLE_CSV)
    assert error is not None and "has flagged rows; nothing was written" in str(error)
    assert "large change" in err
    assert database() == before

    source = Source(SAMPLE_CSV, SAMPLE_CSV.name, PriceImport.SourceKind.COMMAND)
    report = apply(source, "asp")
    assert report.held_for_confirmation and not report.applied and database() == before

    out, err, error = run(SAMPLE_CSV, "--accept-large-changes")
    assert error is None, err
    assert CostEstimate.objects.filter(as_of=datetime.date(2026, 7, 1), low=Decimal("73164.00")).exists()


def test_the_upload_page_takes_an_asp_zip(mapped, editor_client, private_staging):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = editor_client.post(
        reverse("admin:prices_priceimport_upload"),
        {"file": SimpleUploadedFile(SAMPLE_ZIP.name, SAMPLE_ZIP.read_bytes()), "format": "asp", "preview": "Check"},
    )
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "The file is valid. Applying it adds <strong>1</strong> new estimate" in page
    assert "is mapped but not in this file" in page


# --- bad input: a clear message, and nothing changes ------------------------------------


def refused(path, message, *args):
    before = database()
    out, err, error = run(path, *args)
    assert error is not None, out
    assert message in err, err
    assert database() == before
    return err


def test_a_file_without_a_header_row(mapped, tmp_path):
    path = write(tmp_path, "july-2026-asp-pricing-file.csv", SAMPLE_TEXT.replace(HEADER, "Code,Description,Unit,Limit"))
    refused(path, "no header row naming the columns HCPCS Code, HCPCS Code Dosage and Payment Limit in the first 50 lines")


def test_a_header_row_after_the_lines_searched(mapped, tmp_path):
    path = write(tmp_path, "july-2026-asp-pricing-file.csv", TITLE + "Note,\r\n" * 60 + SAMPLE_TEXT[len(TITLE):])
    refused(path, "in the first 50 lines")


@pytest.mark.parametrize("limit", ["N/A", "$60.97", "60,970", "-60.970"])
def test_a_payment_limit_that_is_not_a_number(mapped, tmp_path, limit):
    path = write(tmp_path, "july-2026-asp-pricing-file.csv", sample_with(f'J2350,Inj ocrelizumab 1 mg,1 MG,"{limit}",20.000,,,,,,'))
    refused(path, f"line 8, column 'Payment Limit': '{limit}' is not a payment limit (a plain number such as 60.970).")


def test_a_billing_unit_other_than_the_mappings(mapped, tmp_path):
    path = write(tmp_path, "july-2026-asp-pricing-file.csv", sample_with("J2350,Inj ocrelizumab 10 mg,10 MG,609.700,20.000,,,,,,"))
    refused(path, "J2350 is billed per '10 MG' in this file, but its HCPCS mapping counts units of '1 MG'")


def test_a_mapped_code_without_a_payment_limit_is_a_warning(mapped, tmp_path):
    path = write(tmp_path, "july-2026-asp-pricing-file.csv", sample_with("J2350,Inj ocrelizumab 1 mg,1 MG,,,,,,,,See note"))
    err = refused(path, "the file has no price rows.")
    report = preview(Source(path, path.name, PriceImport.SourceKind.COMMAND), "asp")
    assert any("J2350 (Ocrevus (brand)) is listed on line 8 without a payment limit" in note for note in report.notes), err


def test_no_mapped_code_in_the_file(mapped, tmp_path):
    path = write(tmp_path, "july-2026-asp-pricing-file.csv", sample_with("J0001,Test placeholder,1 MG,1.000,,,,,,,"))
    refused(path, "none of the 2 mapped HCPCS codes is in this file.")


def test_nothing_mapped_yet(db):
    refused(SAMPLE_CSV, "no HCPCS codes are mapped to therapies yet")


def test_a_quarter_nothing_names(mapped, tmp_path):
    path = write(tmp_path, "asp.csv", SAMPLE_TEXT.replace('"Effective July 1, 2026 through September 30, 2026"', "Payment limits"))
    refused(path, "cannot tell which quarter this file is for")


def test_a_file_whose_name_and_title_disagree(mapped, tmp_path):
    path = write(tmp_path, "october-2026-asp-pricing-file.csv", SAMPLE_TEXT)
    refused(path, "the file names more than one quarter (title lines: Q3 2026; file name: Q4 2026)")


def test_a_quarter_that_has_not_started(mapped, tmp_path):
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month >= 10 else (today.year, (today.month - 1) // 3 * 3 + 4)
    effective = datetime.date(year, month, 1)
    text = SAMPLE_TEXT.replace("July 1, 2026 through September 30, 2026", f"{effective:%B} 1, {year}")
    refused(write(tmp_path, "asp.csv", text), f"this file's payment limits take effect on {effective:%Y-%m-%d}")


def test_a_zip_without_a_csv(mapped, tmp_path):
    path = zip_of(tmp_path, "july-2026-asp-pricing-file.zip", {"ASP pricing file.pdf": b"%PDF-1.4", "Read me.txt": b"notes"})
    refused(path, "the ZIP holds no CSV file; it holds: ASP pricing file.pdf, Read me.txt.")


def test_a_zip_whose_csvs_are_not_asp_files(mapped, tmp_path):
    path = zip_of(tmp_path, "july-2026-asp-pricing-file.zip", {"crosswalk.csv": "NDC,Drug Name\r\n1,x\r\n"})
    refused(path, "none of the CSV files in the ZIP (crosswalk.csv) is a CMS ASP pricing file.")


def test_a_zip_inside_the_zip(mapped, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("July 2026 ASP Pricing File.csv", SAMPLE_CSV.read_bytes())
    path = zip_of(tmp_path, "july-2026-asp-pricing-file.zip", {"inner.zip": inner.getvalue()})
    refused(path, "the ZIP holds another archive (inner.zip): archives inside archives are not opened.")


def test_a_zip_with_too_many_files(mapped, tmp_path):
    members = {f"notes-{n}.txt": b"x" for n in range(zipped.MAX_MEMBERS + 1)}
    refused(zip_of(tmp_path, "july-2026-asp-pricing-file.zip", members), f"the ZIP holds more than {zipped.MAX_MEMBERS} files")


def test_a_damaged_zip(mapped, tmp_path):
    data = SAMPLE_ZIP.read_bytes()
    refused(write(tmp_path, "july-2026-asp-pricing-file.zip", data[:-30]), "the file starts like a ZIP but has no ZIP directory")


@pytest.fixture
def bytes_unpacked(monkeypatch):
    """How many bytes were decompressed from any ZIP member."""
    counted = {"bytes": 0}
    read = zipfile.ZipExtFile.read

    def counting(self, n=-1):
        data = read(self, n)
        counted["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    return counted


def bomb(path, size):
    """A ZIP whose ASP-looking CSV unpacks to `size` bytes of one row repeated."""
    row = b"J9998,Test placeholder,10 MG,2.000,20.000,,,,,,\r\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("July 2026 ASP Pricing File.csv", "w", force_zip64=True) as member:
            member.write(SAMPLE_CSV.read_bytes())
            block = row * (1024 * 1024 // len(row))
            for _ in range(size // len(block)):
                member.write(block)
    return path


def test_a_zip_bomb_is_refused_without_being_unpacked(mapped, tmp_path, bytes_unpacked, monkeypatch):
    # The limit is lowered so that the test need not pack 200 MB itself.
    monkeypatch.setattr(zipped, "MAX_TOTAL_BYTES", 16 * 1024 * 1024)
    path = bomb(tmp_path / "july-2026-asp-pricing-file.zip", 32 * 1024 * 1024)
    assert path.stat().st_size < 256 * 1024  # 32 MB packed into under 256 kB
    refused(path, "the ZIP says it unpacks to 32 MB, over the 16 MB limit: it is not opened.")
    assert bytes_unpacked["bytes"] == 0


def test_a_csv_over_the_limit_is_refused_after_a_peek(mapped, tmp_path, bytes_unpacked):
    path = bomb(tmp_path / "july-2026-asp-pricing-file.zip", 30 * 1024 * 1024)
    refused(path, "July 2026 ASP Pricing File.csv in the ZIP would unpack to 30 MB, over the 20 MB limit for a CSV: it is not read.")
    # Only the first bytes were read, to see that it is an ASP pricing file.
    assert bytes_unpacked["bytes"] <= zipped.PEEK_BYTES + zipped.CHUNK_BYTES


def test_a_member_larger_than_it_says_stops_at_the_limit(mapped, tmp_path, bytes_unpacked, monkeypatch):
    """Whatever the archive declares, reading stops just past the limit."""
    monkeypatch.setattr(zipped, "MAX_CSV_BYTES", 256 * 1024)
    path = bomb(tmp_path / "july-2026-asp-pricing-file.zip", 4 * 1024 * 1024)
    archive = zipfile.ZipFile(path)
    (info,) = archive.infolist()
    info.file_size = 1000  # the archive lies about its size
    # Told 1,000 bytes, zipfile itself stops there (and finds the checksum wrong).
    with pytest.raises((zipped.ZipRefused, zipfile.BadZipFile)):
        zipped._read(archive, info, zipped.MAX_CSV_BYTES, whole=True)
    assert bytes_unpacked["bytes"] <= zipped.MAX_CSV_BYTES + zipped.CHUNK_BYTES


# --- the quarter's rule -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, title, expected",
    [
        ("july-2026-asp-pricing-file.zip", False, {(2026, 3)}),
        ("January_2025_ASP_Pricing_File_updated_031125.zip", False, {(2025, 1)}),
        ("jul_2019_asp_pricing_file_updated_052920.zip", False, {(2019, 3)}),
        ("OCT2026 ASP Pricing File 508.csv", False, {(2026, 4)}),
        ("ASP Q3 2026.csv", False, {(2026, 3)}),
        ("asp-2026q3.csv", False, {(2026, 3)}),
        ("asp.csv", False, set()),
        ("Payment limits may change; see the summary 2026", False, set()),
        ("Effective October 1, 2026 through December 31, 2026", True, {(2026, 4)}),
        # In title lines the effective date decides; other dates in notes do not.
        ("Effective July 1, 2026 through September 30, 2026. Note: revised August 2026; replaces the April 2026 file",
         True, {(2026, 3)}),
        ("October 2026 ASP Pricing File", True, {(2026, 4)}),
    ],
)
def test_the_quarter_is_read_from_names_and_titles(text, title, expected):
    assert quarters_in(text, title=title) == expected


# --- the mappings -----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["j2350", "J235", "JJ350", "J23500", " J2350"])
def test_the_database_refuses_a_malformed_hcpcs_code(make_therapy, code):
    therapy = make_therapy()
    with pytest.raises(IntegrityError), transaction.atomic():
        HcpcsMapping.objects.create(therapy=therapy, hcpcs=code, billing_unit="1 MG", units_per_year=1, note="x")
    assert not HcpcsMapping.objects.exists()


def test_the_admin_form_normalises_and_explains(price_web, make_therapy):
    therapy = make_therapy()
    url = reverse("admin:prices_hcpcsmapping_add")
    response = price_web.post(url, {
        "therapy": therapy.pk, "hcpcs": " j2350 ", "product": "Ocrevus (brand)", "billing_unit": "1  mg",
        "units_per_year": "1200", "note": "600 mg every 6 months",
    })
    assert response.status_code == 302, response.content.decode()
    mapping = HcpcsMapping.objects.get()
    assert (mapping.hcpcs, mapping.billing_unit) == ("J2350", "1 MG")
    bad = price_web.post(url, {"therapy": therapy.pk, "hcpcs": "2350J", "billing_unit": "1 MG", "units_per_year": "0", "note": "x"})
    page = bad.content.decode()
    assert bad.status_code == 200 and "A HCPCS code is a letter and 4 digits, e.g. J2350." in page
    assert "Billing units a year must be more than zero." in page
    assert price_web.get(reverse("admin:prices_hcpcsmapping_changelist") + "?q=J2350").status_code == 200


def test_the_demo_mappings_reproduce_the_briefs_medicare_figures():
    """Each demo mapping's units a year turn the brief's price into the brief's year:
    J2350 60.97 per mg × 1,200; J2329 30,936.15 per 450 mg dose × 2 = 68.747 per mg × 900."""
    import json

    newer = json.loads((Path(__file__).parents[2] / "prices" / "demo" / "newer_prices.json").read_text())
    mappings = {row["hcpcs"]: row for row in newer["hcpcs"]}
    assert {code: (row["therapy"], row["billing_unit"], row["units_per_year"]) for code, row in mappings.items()} == {
        "J2350": ("ocrelizumab", "1 MG", "1200"), "J2329": ("ublituximab", "1 MG", "900"),
    }
    figures = {row["source_name"]: row for row in newer["figures"]}
    ocrelizumab = figures["CMS ASP pricing file, Q3 2026 (J2350)"]
    assert Decimal(ocrelizumab["unit_price"]) * Decimal(mappings["J2350"]["units_per_year"]) == Decimal("73164")
    assert mappings["J2350"]["product"] == ocrelizumab["product"]
    ublituximab = figures["CMS ASP pricing file, Q2 2026 (J2329)"]
    per_mg = Decimal(ublituximab["unit_price"]) / 450
    assert per_mg == Decimal("68.747")
    assert per_mg * Decimal(mappings["J2329"]["units_per_year"]) == Decimal(ublituximab["unit_price"]) * 2
    assert mappings["J2329"]["product"] == ublituximab["product"]
