"""The admin's Upload prices page: preview, apply, refusals, permissions."""

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prices.admin import imports as prices_admin
from prices.models import CostEstimate, NdcMapping, PriceImport
from prices.pricing import staging

DATA = Path(__file__).parents[1] / "data"
UPLOAD_URL = "/admin/prices/priceimport/upload/"
BAD = (
    "kind,slug,low,high,currency,as_of,source\n"
    "therapy,import-therapy,1500,95000,USD,2025-01-15,S\n"
    "therapy,import-therapy,60.000,x,USD,2025-01-16,S\n"
)


@pytest.fixture(autouse=True)
def private_staging(settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"
    return settings.PRICE_IMPORT_STAGING_DIR


@pytest.fixture
def subjects(make_category, make_therapy):
    category = make_category(slug="import-dmts", name="Import DMTs")
    therapy = make_therapy(slug="import-therapy", generic_name="importimab", category=category)
    return category, therapy


@pytest.fixture
def price_editor(django_user_model):
    """Staff with only the right to add cost estimates (and nothing else)."""
    user = django_user_model.objects.create_user(
        "prices", "prices@example.org", "a-long-test-password", is_staff=True, first_name="Pat", last_name="Prices"
    )
    user.user_permissions.add(Permission.objects.get(codename="add_costestimate", content_type__app_label="prices"))
    return user


def upload(client, name, content, fmt=""):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content), "format": fmt, "preview": "Check the file"})


def estimate_rows():
    return list(CostEstimate.objects.order_by("id").values())


def test_the_changelist_links_to_the_upload_page_and_has_no_add_form(editor_client):
    response = editor_client.get(reverse("admin:prices_priceimport_changelist"))
    assert response.status_code == 200
    assert f'href="{UPLOAD_URL}"' in response.content.decode() and "Upload prices" in response.content.decode()
    assert editor_client.get(reverse("admin:prices_priceimport_add")).status_code == 403


def test_preview_shows_the_report_and_writes_nothing(editor_client, editor, subjects, private_staging):
    content = (DATA / "prices-valid.csv").read_bytes()
    response = upload(editor_client, "prices.csv", content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file is valid. Applying it adds <strong>3</strong> new estimates" in page
    assert "<td>import-therapy</td><td>2</td><td>0</td><td>0</td>" in page
    assert 'name="apply"' in page
    sha256 = hashlib.sha256(content).hexdigest()
    assert f'value="{sha256}"' in page
    assert (private_staging / str(editor.pk) / sha256).read_bytes() == content
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()
    assert 'class="form-control' in page  # the crispy bootstrap5 form


def test_apply_writes_the_previewed_file(client, price_editor, subjects, private_staging):
    client.force_login(price_editor)
    content = (DATA / "prices-valid.json").read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    upload(client, "new prices.json", content)
    response = client.post(UPLOAD_URL, {"sha256": sha256, "apply": "1"})

    record = PriceImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:prices_priceimport_change", args=[record.pk])
    assert (record.file_name, record.sha256, record.format, record.source_kind) == ("new prices.json", sha256, "json", "upload")
    assert (record.created_by, record.created_by_label, record.rows_new) == (price_editor, "Pat Prices", 3)
    assert all(e.recorded_by == price_editor and e.price_import == record for e in CostEstimate.objects.all())
    assert CostEstimate.objects.count() == 3
    assert not (private_staging / sha256).exists()

    # The record shows its estimates, and the estimates list filters by import.
    page = client.get(response["Location"]).content.decode()
    assert "See all 3 in the cost estimates list" in page and "16,500.50" in page

    # Applying again (a second click, a replayed POST) writes nothing.
    again = client.post(UPLOAD_URL, {"sha256": sha256, "apply": "1"}, follow=True)
    assert "no longer waiting to be applied" in again.content.decode()
    assert CostEstimate.objects.count() == 3


def test_the_estimates_list_filters_by_import(editor_client, subjects, make_estimate):
    make_estimate(subjects[1], as_of=datetime.date(2020, 1, 1))
    content = (DATA / "prices-valid.csv").read_bytes()
    upload(editor_client, "prices.csv", content)
    # 1,500 against the current low of 60,000 is flagged: confirmed here.
    editor_client.post(UPLOAD_URL, {"sha256": hashlib.sha256(content).hexdigest(), "apply": "1", "confirm_flagged": "1"})
    record = PriceImport.objects.get()
    listing = editor_client.get(reverse("admin:prices_costestimate_changelist") + f"?price_import__id__exact={record.pk}")
    assert listing.status_code == 200
    assert "3 cost estimates" in listing.content.decode()
    assert CostEstimate.objects.count() == 4


def test_an_invalid_file_shows_its_problems_and_cannot_be_applied(editor_client, subjects, private_staging):
    content = BAD.encode()
    response = upload(editor_client, "prices.csv", content)
    page = response.content.decode()
    assert "This file cannot be applied" in page
    assert "line 3, column &#x27;low&#x27;: &#x27;60.000&#x27; has more than 2 decimal places." in page
    assert "line 3, column &#x27;high&#x27;" in page
    assert 'name="apply"' not in page
    sha256 = hashlib.sha256(content).hexdigest()
    assert not (private_staging / sha256).exists()

    forged = editor_client.post(UPLOAD_URL, {"sha256": sha256, "apply": "1"}, follow=True)
    assert "no longer waiting to be applied" in forged.content.decode()
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()


def test_a_forged_apply_of_a_staged_invalid_file_is_refused_after_validating_again(editor_client, editor, subjects):
    staged = staging.stage(SimpleUploadedFile("prices.csv", BAD.encode()), name="prices.csv", fmt="csv", user=editor)
    response = editor_client.post(UPLOAD_URL, {"sha256": staged.sha256, "apply": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This file cannot be applied; nothing was written." in page
    assert "line 3, column &#x27;low&#x27;" in page and 'name="apply"' not in page
    assert not CostEstimate.objects.exists() and not PriceImport.objects.exists()


def test_a_staged_file_changed_on_disk_is_refused(editor_client, editor, subjects):
    content = (DATA / "prices-valid.csv").read_bytes()
    staged = staging.stage(SimpleUploadedFile("prices.csv", content), name="prices.csv", fmt="csv", user=editor)
    staged.path.write_bytes(content.replace(b"95000", b"96000"))
    editor_client.post(UPLOAD_URL, {"sha256": staged.sha256, "apply": "1"})
    assert not CostEstimate.objects.exists()


def test_only_the_uploader_can_apply_a_staged_file(client, editor, price_editor, subjects):
    content = (DATA / "prices-valid.csv").read_bytes()
    staged = staging.stage(SimpleUploadedFile("prices.csv", content), name="prices.csv", fmt="csv", user=editor)
    client.force_login(price_editor)
    client.post(UPLOAD_URL, {"sha256": staged.sha256, "apply": "1"})
    assert not CostEstimate.objects.exists()


@pytest.mark.parametrize("sha256", ["../../etc/passwd", "", "A" * 64])
def test_apply_with_a_malformed_hash_is_refused(editor_client, sha256):
    response = editor_client.post(UPLOAD_URL, {"sha256": sha256, "apply": "1"}, follow=True)
    assert "no longer waiting to be applied" in response.content.decode()


def test_a_conflict_is_shown_and_cannot_be_applied(editor_client, subjects, make_estimate):
    make_estimate(subjects[1], low=Decimal("1"), high=Decimal("2"), currency="GBP", as_of=datetime.date(2025, 1, 1))
    page = upload(editor_client, "prices.csv", (DATA / "prices-valid.csv").read_bytes()).content.decode()
    assert "Conflicts with recorded estimates" in page and "line 4: conflict" in page
    assert 'name="apply"' not in page


def test_a_file_already_recorded_has_nothing_to_apply(editor_client, subjects):
    content = (DATA / "prices-valid.csv").read_bytes()
    upload(editor_client, "prices.csv", content)
    editor_client.post(UPLOAD_URL, {"sha256": hashlib.sha256(content).hexdigest(), "apply": "1"})
    page = upload(editor_client, "prices.csv", content).content.decode()
    assert "every estimate in it is already recorded" in page and 'name="apply"' not in page


def test_a_nadac_upload_needs_its_format(editor_client, make_therapy):
    therapy = make_therapy(slug="teriflunomide")
    NdcMapping.objects.create(therapy=therapy, ndc="00024590030", units_per_year=Decimal("365"))
    content = (DATA / "nadac-sample.csv").read_bytes()
    page = upload(editor_client, "nadac.csv", content, fmt="nadac").content.decode()
    assert "Applying it adds <strong>1</strong> new estimate in" in page and "unmapped rows skipped" in page


def test_the_format_is_asked_for_when_the_name_does_not_say(editor_client, subjects):
    page = upload(editor_client, "prices.txt", b"whatever").content.decode()
    assert "choose the format" in page


def test_an_upload_over_the_size_limit_is_refused_clearly(editor_client, subjects, monkeypatch):
    monkeypatch.setattr(prices_admin, "MAX_UPLOAD_BYTES", 100)
    response = editor_client.post(
        UPLOAD_URL,
        {"file": SimpleUploadedFile("prices.csv", (DATA / "prices-valid.csv").read_bytes()), "preview": "Check the file"},
        follow=True,
    )
    page = response.content.decode()
    assert "The file is larger than the 100 bytes limit, so it was not read. Split it into smaller files" in page
    assert 'name="apply"' not in page
    assert not CostEstimate.objects.exists()


def test_staff_without_the_permission_get_403(client, django_user_model, subjects):
    user = django_user_model.objects.create_user("reader", "r@example.org", "a-long-test-password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_therapy"))
    client.force_login(user)
    assert client.get(UPLOAD_URL).status_code == 403
    response = upload(client, "prices.csv", (DATA / "prices-valid.csv").read_bytes())
    assert response.status_code == 403
    assert client.post(UPLOAD_URL, {"sha256": "0" * 64, "apply": "1"}).status_code == 403
    assert not CostEstimate.objects.exists()


def test_a_price_editor_sees_the_imports_and_the_upload_page(client, price_editor):
    client.force_login(price_editor)
    assert client.get(UPLOAD_URL).status_code == 200
    assert client.get(reverse("admin:prices_priceimport_changelist")).status_code == 200


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_ndc_mapping_admin_normalises_the_ndc(editor_client, make_therapy):
    therapy = make_therapy()
    response = editor_client.post(
        reverse("admin:prices_ndcmapping_add"),
        {"therapy": therapy.pk, "ndc": "0002-1433-80", "units_per_year": "365", "note": "14 mg daily"},
    )
    assert response.status_code == 302
    assert NdcMapping.objects.get().ndc == "00002143380"
    listing = editor_client.get(reverse("admin:prices_ndcmapping_changelist") + "?q=00002143380")
    assert "00002-1433-80" in listing.content.decode()
    bad = editor_client.post(reverse("admin:prices_ndcmapping_add"), {"therapy": therapy.pk, "ndc": "12-34", "units_per_year": "0"})
    assert bad.status_code == 200 and "An NDC is 11 digits" in bad.content.decode()
    assert "more than zero" in bad.content.decode()


def test_two_people_staging_the_same_file_keep_separate_copies(editor, django_user_model):
    other = django_user_model.objects.create_user("other", password="a-long-test-password", is_staff=True)
    content = b"kind,slug,low,high,currency,as_of,source\n"
    mine = staging.stage(SimpleUploadedFile("prices.csv", content), name="prices.csv", fmt="csv", user=editor)
    staging.stage(SimpleUploadedFile("prices.csv", content), name="theirs.csv", fmt="csv", user=other)
    staging.discard(mine.sha256, user=other)
    assert staging.load(mine.sha256, user=editor).name == "prices.csv"
    assert staging.load(mine.sha256, user=other) is None


def test_a_staging_folder_others_can_read_is_refused(settings, tmp_path):
    shared = tmp_path / "uploads"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    settings.PRICE_IMPORT_STAGING_DIR = str(shared)
    with pytest.raises(ImproperlyConfigured, match="must belong to this process's user and be private"):
        staging.staging_dir()


def test_imports_recorded_before_name_their_editor_as_colleagues_know_them(price_editor, django_user_model):
    """The data migration prices.0008, run on today's models: rows that named
    the user name now name the person (profile, else full name)."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from editorial.models import StaffProfile

    migration = importlib.import_module("prices.migrations.0008_imported_by_names_the_person")
    profiled = django_user_model.objects.create_user("dr-x", first_name="Xan", last_name="Example")
    StaffProfile.objects.create(user=profiled, display_name="Dr X. Example")
    common = {"format": "csv", "source_kind": "upload", "rows_total": 1, "rows_new": 1, "rows_unchanged": 0}
    by_name = PriceImport.objects.create(file_name="a.csv", sha256="a" * 64, created_by=price_editor, created_by_label="prices", **common)
    by_profile = PriceImport.objects.create(file_name="b.csv", sha256="b" * 64, created_by=profiled, created_by_label="dr-x", **common)
    by_command = PriceImport.objects.create(file_name="c.csv", sha256="c" * 64, created_by_label="by the command", **common)

    migration.name_the_people(apps, connection.schema_editor())

    by_name.refresh_from_db(), by_profile.refresh_from_db(), by_command.refresh_from_db()
    assert (by_name.created_by_label, by_profile.created_by_label, by_command.created_by_label) == (
        "Pat Prices", "Dr X. Example", "by the command"
    )
