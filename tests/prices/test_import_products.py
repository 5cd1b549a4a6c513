"""An estimate can say which product it prices (brand, generic): the optional
`product` column of a price file, the preview, and the admin forms."""

import datetime
import html
import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.admin_roles import admin_url
from tests.prices.test_estimates_admin import blank_prefix, estimate_values, form_data
from prices.models import CostEstimate, PriceImport

HEADER = "kind,slug,low,high,currency,as_of,source,product\n"
BRAND = "therapy,fingolimod,60000,80000,USD,2025-01-15,Test survey,brand (Gilenya)\n"
GENERIC = "therapy,fingolimod,1500,4000,USD,2025-01-15,Test survey,generic fingolimod\n"
DAY = datetime.date(2025, 1, 15)
UPLOAD_URL = "/admin/prices/priceimport/upload/"


@pytest.fixture(autouse=True)
def private_staging(settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def fingolimod(make_category, make_therapy):
    category = make_category(slug="product-orals", name="Product orals")
    return make_therapy(slug="fingolimod", generic_name="fingolimod", brand_names="Gilenya", category=category)


def run(tmp_path, text, name="prices.csv", *args):
    """Run the command; (stdout, stderr, CommandError or None)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_prices", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def products_recorded(therapy):
    return sorted(
        (e.product, e.low, e.high) for e in CostEstimate.objects.filter(therapy=therapy, as_of=DAY)
    )


BOTH = [
    ("brand (Gilenya)", Decimal("60000"), Decimal("80000")),
    ("generic fingolimod", Decimal("1500"), Decimal("4000")),
]


def json_text(*items):
    base = {"kind": "therapy", "slug": "fingolimod", "currency": "USD", "as_of": "2025-01-15", "source": "Test survey"}
    return json.dumps([{**base, **item} for item in items])


# --- Import files -------------------------------------------------------------------------


def test_a_csv_with_brand_and_generic_rows_imports_two_estimates_and_a_reimport_changes_nothing(tmp_path, fingolimod):
    out, err, error = run(tmp_path, HEADER + BRAND + GENERIC)
    assert error is None, err
    assert "Imported 2 new estimates (0 already recorded)" in out
    assert products_recorded(fingolimod) == BOTH

    out, err, error = run(tmp_path, HEADER + BRAND + GENERIC)
    assert error is None, err
    assert "2 already recorded" in out
    assert CostEstimate.objects.count() == 2 and PriceImport.objects.count() == 1


def test_a_json_file_with_brand_and_generic_items_imports_two_estimates(tmp_path, fingolimod):
    text = json_text(
        {"low": 60000, "high": "80000", "product": "brand (Gilenya)"},
        {"low": "1500", "high": 4000, "product": "generic fingolimod"},
    )
    out, err, error = run(tmp_path, text, "prices.json")
    assert error is None, err
    assert products_recorded(fingolimod) == BOTH

    out, err, error = run(tmp_path, text, "prices.json")
    assert error is None, err
    assert "2 already recorded" in out and CostEstimate.objects.count() == 2


def test_a_row_without_a_product_is_for_the_medicine_as_a_whole_and_separate_from_the_products(
    tmp_path, fingolimod, make_estimate
):
    make_estimate(fingolimod, low=Decimal("1500"), high=Decimal("4000"), as_of=DAY, product="generic fingolimod")
    whole = "therapy,fingolimod,20000,70000,USD,2025-01-15,Test survey,\n"
    # Compared with the product's figure (the medicine has none of its own), it is flagged...
    out, err, error = run(tmp_path, HEADER + whole + GENERIC)
    assert error is not None and "products: generic fingolimod" in err and "[large change]" in err
    # ...and, once accepted, recorded beside the product's, not over it.
    out, err, error = run(tmp_path, HEADER + whole + GENERIC, "prices.csv", "--accept-large-changes")
    assert error is None, err
    assert "Imported 1 new estimate" in out and "1 already recorded" in out
    assert CostEstimate.objects.get(therapy=fingolimod, product="").low == Decimal("20000")


def test_different_amounts_for_a_recorded_product_are_a_conflict_naming_it(tmp_path, fingolimod, make_estimate):
    make_estimate(fingolimod, low=Decimal("60000"), high=Decimal("80000"), as_of=DAY, product="brand (Gilenya)")
    before = list(CostEstimate.objects.values())
    wrong_brand = "therapy,fingolimod,61000,80000,USD,2025-01-15,Test survey,brand (Gilenya)\n"
    out, err, error = run(tmp_path, HEADER + wrong_brand + GENERIC)
    assert error is not None
    assert "line 2: conflict: therapy 'fingolimod' (brand (Gilenya)) already has a USD estimate as of 2025-01-15" in err
    assert list(CostEstimate.objects.values()) == before


def test_the_same_product_twice_in_one_file_is_refused_with_both_lines(tmp_path, fingolimod):
    out, err, error = run(tmp_path, HEADER + BRAND + GENERIC + GENERIC)
    assert error is not None
    assert (
        "line 4: the same estimate (therapy 'fingolimod' (generic fingolimod), USD, as of 2025-01-15) is already on line 3."
        in err
    )
    assert not CostEstimate.objects.exists()


def test_an_over_long_product_is_refused_by_line_and_column(tmp_path, fingolimod):
    long_row = f"therapy,fingolimod,1500,4000,USD,2025-01-15,Test survey,{'g' * 121}\n"
    out, err, error = run(tmp_path, HEADER + BRAND + long_row)
    assert error is not None
    assert "line 3, column 'product': is 121 characters long; the limit is 120." in err
    assert "g" * 121 not in err
    assert not CostEstimate.objects.exists()

    out, err, error = run(tmp_path, json_text({"low": 1, "high": 2, "product": "g" * 121}), "prices.json")
    assert "item 0, column 'product': is 121 characters long; the limit is 120." in err


def test_a_product_of_120_characters_is_accepted(tmp_path, fingolimod):
    out, err, error = run(tmp_path, HEADER + f"therapy,fingolimod,1500,4000,USD,2025-01-15,Test survey,{'g' * 120}\n")
    assert error is None, err
    assert CostEstimate.objects.get().product == "g" * 120


def test_a_file_without_the_product_column_still_imports(tmp_path, fingolimod):
    out, err, error = run(tmp_path, "kind,slug,low,high,currency,as_of,source\ntherapy,fingolimod,1500,4000,USD,2025-01-15,S\n")
    assert error is None, err
    assert CostEstimate.objects.get().product == ""


# --- The preview --------------------------------------------------------------------------


def listed_rows(response):
    page = response.content.decode()
    table = re.search(r'<table class="price-rows">(.*?)</table>', page, re.S)
    assert table, "the page has no rows table"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_the_preview_lists_each_rows_product_against_that_products_current_figure(
    price_web, fingolimod, make_estimate
):
    make_estimate(fingolimod, low=Decimal("60000"), high=Decimal("80000"), as_of=datetime.date(2024, 6, 1), product="brand (Gilenya)")
    make_estimate(fingolimod, low=Decimal("1000"), high=Decimal("4000"), as_of=datetime.date(2024, 6, 1), product="generic fingolimod")
    content = (HEADER + GENERIC.replace("1500", "1100")).encode()
    response = price_web.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("prices.csv", content), "format": "", "preview": "Check the file"}
    )
    assert response.status_code == 200
    # Compared with the generic's own figure (+10%), not the brand's.
    assert listed_rows(response) == [
        "line 2 therapy fingolimod (generic fingolimod) USD 1,100.00–4,000.00 2025-01-15 "
        "USD 1,000.00–4,000.00 (as of 2024-06-01) +10.0% / 0.0% new"
    ]


# --- The admin ----------------------------------------------------------------------------


def test_the_estimate_form_records_a_product_and_the_therapy_page_shows_it(price_web, client, fingolimod):
    form = html.unescape(price_web.get(admin_url(CostEstimate, "add")).content.decode())
    assert 'name="product"' in form and "e.g. 'brand (Gilenya)' or 'generic fingolimod'" in form

    response = price_web.post(
        admin_url(CostEstimate, "add"),
        {
            "category": "", "therapy": fingolimod.pk, "low": "1500", "high": "4000", "currency": "USD",
            "as_of": "2025-01-15", "product": "generic fingolimod", "source_name": "Pharmacy survey",
            "source_url": "", "note": "",
        },
    )
    assert response.status_code == 302
    estimate = CostEstimate.objects.get()
    assert (estimate.product, estimate.low) == ("generic fingolimod", Decimal("1500"))

    listing = price_web.get(admin_url(CostEstimate, "changelist")).content.decode()
    assert '<td class="field-product_display">generic fingolimod</td>' in listing
    assert "generic fingolimod" in price_web.get(admin_url(estimate, "change")).content.decode()

    public = html.unescape(client.get(fingolimod.get_absolute_url()).content.decode())
    assert "generic fingolimod:" in public and "1,500" in public


def test_the_estimate_form_refuses_a_second_estimate_for_the_same_product_and_date(price_web, fingolimod, make_estimate):
    make_estimate(fingolimod, as_of=DAY, product="generic fingolimod")
    data = {
        "category": "", "therapy": fingolimod.pk, "low": "1500", "high": "4000", "currency": "USD",
        "as_of": "2025-01-15", "source_name": "Pharmacy survey", "source_url": "", "note": "",
    }
    refused = price_web.post(admin_url(CostEstimate, "add"), {**data, "product": "generic fingolimod"})
    assert refused.status_code == 200 and CostEstimate.objects.count() == 1
    assert price_web.post(admin_url(CostEstimate, "add"), {**data, "product": "brand (Gilenya)"}).status_code == 302
    assert CostEstimate.objects.count() == 2


def test_the_therapy_page_offers_a_product_in_the_blank_estimate_row_and_lists_it_in_the_history(
    editor_client, fingolimod, make_estimate
):
    make_estimate(fingolimod, product="brand (Gilenya)")
    page = editor_client.get(admin_url(fingolimod, "change")).content.decode()
    assert 'name="cost_estimates-1-product"' in page  # the blank row, after the one recorded
    assert "product priced" in page.lower()
    assert re.search(r'<td class="field-product">\s*<p>brand \(Gilenya\)</p>', page)


def test_the_blank_row_records_a_product_beside_another_products_estimate(editor_client, fingolimod, make_estimate):
    make_estimate(fingolimod, as_of=DAY, product="brand (Gilenya)")
    url = admin_url(fingolimod, "change")
    data = form_data(editor_client.get(url))
    data.update(estimate_values(blank_prefix(data), as_of=DAY.isoformat(), product="generic fingolimod"))
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert sorted(CostEstimate.objects.filter(therapy=fingolimod, as_of=DAY).values_list("product", flat=True)) == [
        "brand (Gilenya)", "generic fingolimod",
    ]
