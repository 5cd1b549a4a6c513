"""The admin checks what it publishes: a figure typed in the admin gets the
upload's checks (large change, implausible amount) and waits for "I have
checked this figure", kept with the editor's name; kind and currency agree; a
price per unit needs the product's dosing; the price editors' panel keeps the
product and kind; a whole-medicine upload row is compared with its products;
counts say "1 estimate"."""

import datetime
import html
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from prices.models import CostEstimate, PriceKind, ProductDosing
from tests.prices.test_estimates_admin import blank_prefix, change_url, estimate_values, form_data
from tests.prices.test_price_preview import csv_file, upload

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:prices_costestimate_add")
LAST_MONTH = timezone.localdate() - datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def private_staging(settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def alemtuzumab(make_therapy, make_estimate):
    therapy = make_therapy(generic_name="alemtuzumab", slug="alemtuzumab")
    make_estimate(therapy, low=Decimal("100000"), high=Decimal("120000"), as_of=LAST_MONTH - datetime.timedelta(days=300))
    return therapy


def kind(slug):
    return PriceKind.objects.get(slug=slug)


def add_data(therapy, **fields):
    data = {
        "category": "", "therapy": therapy.pk, "kind": "", "currency": "USD", "low": "", "high": "",
        "unit_price": "", "unit": "", "as_of": LAST_MONTH.isoformat(), "as_of_precision": "day", "product": "",
        "source_name": "Maker's list", "source_url": "", "note": "",
    }
    data.update(fields)
    return data


def page_text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def confirmation_token(response, name="confirm_flags"):
    found = re.search(rf'name="{re.escape(name)}" value="([0-9a-f]+)"', response.content.decode())
    assert found, "no 'I have checked this figure' box on the page"
    return found.group(1)


# --- a flagged figure waits for the editor's confirmation ---------------------------------


def test_a_typo_of_8_to_8032000_is_stopped_until_confirmed_and_the_confirmation_is_kept(
    price_web, price_editor, alemtuzumab
):
    typo = add_data(alemtuzumab, low="8", high="8032000")
    refused = price_web.post(ADD_URL, typo)
    assert refused.status_code == 200
    text = page_text(refused)
    assert "Nothing was saved: please check this figure." in text
    assert "Implausible amount: USD 8.00–8,032,000.00 a year" in text
    assert "Large change: the US list price in use for alemtuzumab is USD 100,000.00–120,000.00" in text
    assert "I have checked this figure" in text
    assert alemtuzumab.cost_estimates.count() == 1

    saved = price_web.post(ADD_URL, {**typo, "confirm_flags": confirmation_token(refused)})
    assert saved.status_code == 302
    estimate = alemtuzumab.cost_estimates.get(as_of=LAST_MONTH)
    assert (estimate.low, estimate.high, estimate.recorded_by) == (Decimal(8), Decimal(8032000), price_editor)
    assert estimate.flags_confirmed_by == price_editor
    assert "Implausible amount" in estimate.flags_confirmed and "Large change" in estimate.flags_confirmed
    shown = page_text(price_web.get(change_url(estimate)))
    assert "Checked by Pat Prices: Large change" in shown


def test_a_confirmation_does_not_carry_over_to_another_figure(price_web, alemtuzumab):
    refused = price_web.post(ADD_URL, add_data(alemtuzumab, low="8", high="8032000"))
    token = confirmation_token(refused)
    again = price_web.post(ADD_URL, add_data(alemtuzumab, low="9", high="9032000", confirm_flags=token))
    assert again.status_code == 200 and "Nothing was saved" in page_text(again)
    assert alemtuzumab.cost_estimates.count() == 1


def test_an_ordinary_figure_needs_no_confirmation_and_records_none(price_web, alemtuzumab):
    response = price_web.post(ADD_URL, add_data(alemtuzumab, low="105000", high="125000"))
    assert response.status_code == 302
    assert 'name="confirm_flags"' not in price_web.get(ADD_URL).content.decode()
    assert alemtuzumab.cost_estimates.get(as_of=LAST_MONTH).flags_confirmed == ""


def test_the_therapy_page_row_is_checked_too(editor_client, editor, alemtuzumab):
    url = change_url(alemtuzumab)
    data = form_data(editor_client.get(url))
    prefix = blank_prefix(data)
    data.update(estimate_values(prefix, low="8", high="8032000"))
    refused = editor_client.post(url, data)
    assert refused.status_code == 200 and "Implausible amount" in page_text(refused)
    assert alemtuzumab.cost_estimates.count() == 1
    data[f"{prefix}confirm_flags"] = confirmation_token(refused, f"{prefix}confirm_flags")
    assert editor_client.post(url, data).status_code == 302
    assert alemtuzumab.cost_estimates.get(low=8).flags_confirmed_by == editor


def test_a_flagged_correction_waits_for_confirmation(price_web, price_editor, alemtuzumab):
    estimate = alemtuzumab.cost_estimates.get()
    url = reverse("admin:prices_costestimate_correct", args=[estimate.pk])
    values = {"low": "100000", "high": "1200000", "source_name": "Maker's list", "reason": "A digit was missing."}
    refused = price_web.post(url, values)
    assert refused.status_code == 200 and "Implausible amount" in page_text(refused)
    assert CostEstimate.objects.count() == 1
    price_web.post(url, {**values, "confirm_flags": confirmation_token(refused)})
    correction = CostEstimate.objects.get(replaces=estimate)
    assert (correction.kind.slug, correction.flags_confirmed_by) == ("us-list", price_editor)


# --- kind, currency and price per unit -----------------------------------------------------


def test_a_gbp_figure_cannot_be_recorded_as_a_us_list_price(price_web, alemtuzumab):
    response = price_web.post(ADD_URL, add_data(alemtuzumab, kind=kind("us-list").pk, currency="GBP", low="90000",
                                                 high="95000"))
    assert response.status_code == 200
    assert "US list price figures are in USD, not GBP." in page_text(response)
    assert alemtuzumab.cost_estimates.count() == 1


def test_the_currency_follows_the_kind(price_web, alemtuzumab):
    data = add_data(alemtuzumab, kind=kind("uk-nhs-list").pk, currency="", low="70000", high="70000")
    assert price_web.post(ADD_URL, data).status_code == 302
    assert alemtuzumab.cost_estimates.get(kind__slug="uk-nhs-list").currency == "GBP"


def test_a_price_per_unit_without_the_products_dosing_is_refused(price_web, alemtuzumab):
    data = add_data(alemtuzumab, product="Lemtrada", unit_price="30000", unit="12 mg vial")
    response = price_web.post(ADD_URL, data)
    assert response.status_code == 200
    assert "No dosing is recorded for “Lemtrada” of alemtuzumab per “12 mg vial”" in page_text(response)
    assert "Record the product's dosing first" in page_text(response)
    assert alemtuzumab.cost_estimates.count() == 1


def test_a_price_per_unit_becomes_a_year_through_the_products_dosing(price_web, alemtuzumab):
    ProductDosing.objects.create(therapy=alemtuzumab, product="", unit="12 mg vial", units_per_year=Decimal("4"))
    data = add_data(alemtuzumab, unit_price="27500.50", unit="12 mg vial")
    assert price_web.post(ADD_URL, data).status_code == 302
    estimate = alemtuzumab.cost_estimates.get(as_of=LAST_MONTH)
    assert (estimate.low, estimate.high, estimate.units_per_year) == (Decimal("110002.00"), Decimal("110002.00"), 4)


def test_price_editors_record_dosing_but_only_view_countries_and_kinds(price_web, alemtuzumab):
    assert price_web.get(reverse("admin:prices_productdosing_add")).status_code == 200
    assert price_web.get(reverse("admin:prices_pricekind_changelist")).status_code == 200
    assert price_web.get(reverse("admin:prices_pricekind_add")).status_code == 403
    assert price_web.get(reverse("admin:prices_country_add")).status_code == 403
    assert "Product dosing (for prices per unit" in price_web.get(change_url(alemtuzumab)).content.decode()


# --- the panel, the lists, the uploads ------------------------------------------------------


def test_the_panels_link_keeps_the_product_and_the_kind(price_web, make_therapy, make_estimate):
    fingolimod = make_therapy(generic_name="fingolimod", slug="fingolimod")
    old = timezone.localdate() - datetime.timedelta(days=800)
    make_estimate(fingolimod, product="brand (Gilenya)", low=Decimal(100000), high=Decimal(100000), as_of=old)
    make_estimate(fingolimod, product="generic fingolimod", low=Decimal(3000), high=Decimal(4000))  # new
    index = price_web.get(reverse("admin:index")).content.decode()
    links = re.findall(r'href="(/admin/prices/costestimate/add/\?[^"]+)"', index)
    assert len(links) == 1  # the generic's new figure does not hide the brand's old one
    form = price_web.get(html.unescape(links[0])).context["adminform"].form
    assert form.initial["product"] == "brand (Gilenya)"
    assert str(form.initial["kind"]) == str(kind("us-list").pk)


def test_only_the_current_estimate_of_its_product_and_kind_reads_in_use(price_web, alemtuzumab, make_estimate):
    make_estimate(alemtuzumab, low=Decimal(101000), high=Decimal(121000), as_of=LAST_MONTH)
    page = price_web.get(reverse("admin:prices_costestimate_changelist")).content.decode()
    states = [" ".join(cell.split()) for cell in re.findall(r'<td class="field-state_display">(.*?)</td>', page, re.S)]
    assert states == ["In use", "Earlier figure (a newer one of this product and kind is in use)"]


def test_a_whole_medicine_row_is_compared_with_its_products_figures(tmp_path, make_therapy, make_estimate):
    fingolimod = make_therapy(generic_name="fingolimod", slug="fingolimod")
    make_estimate(fingolimod, product="brand (Gilenya)", low=Decimal(105390), high=Decimal(105390))
    path = tmp_path / "prices.csv"
    path.write_bytes(csv_file(f"therapy,fingolimod,7000,7000,USD,{timezone.localdate()}"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_prices", str(path), stdout=StringIO(), stderr=err)
    assert "products: brand (Gilenya)" in err.getvalue() and "[large change]" in err.getvalue()
    assert CostEstimate.objects.count() == 1


def test_one_estimate_is_counted_as_one(price_web, alemtuzumab):
    page = page_text(upload(price_web, csv_file(f"therapy,alemtuzumab,105000,125000,USD,{LAST_MONTH}")))
    assert "adds 1 new estimate in one step" in page and "Apply: add 1 estimate" in page
    assert "1 estimate row " in page and "1 estimates" not in page
