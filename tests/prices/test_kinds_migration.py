"""Figures recorded before kinds existed get the kind they were (issue 19):
US dollars a US list price, what a NADAC file wrote a NADAC figure, pounds a
UK NHS list price, and a currency no country uses a kind an editor is told
to settle, never a wrong one."""

import datetime

import pytest

from prices.models import CostEstimate
from tests.old_databases import database_at, migrate_to_the_newest

BEFORE_KINDS = [("prices", "0001_initial")]


@pytest.mark.migration
@pytest.mark.django_db(transaction=True)
def test_existing_figures_become_the_kind_they_were():
    old = database_at(BEFORE_KINDS)
    Category = old.get_model("therapies", "Category")
    OldEstimate = old.get_model("prices", "CostEstimate")
    PriceImport = old.get_model("prices", "PriceImport")
    group = Category.objects.create(name="Oral DMTs", slug="oral-dmts-before-kinds", kind="dmt")
    nadac_file = PriceImport.objects.create(
        file_name="nadac.csv", sha256="a" * 64, format="nadac", source_kind="command", rows_total=1, rows_new=1,
        rows_unchanged=0, created_by_label="by the command",
    )
    common = {"category": group, "low": 1, "high": 2, "as_of": datetime.date(2020, 1, 1), "source_name": "Survey"}
    ids = {
        "usd": OldEstimate.objects.create(currency="USD", **common).pk,
        "nadac": OldEstimate.objects.create(currency="USD", product="generic", price_import=nadac_file, **common).pk,
        "gbp": OldEstimate.objects.create(currency="GBP", **common).pk,
        "eur": OldEstimate.objects.create(currency="EUR", **common).pk,
    }

    migrate_to_the_newest()

    kinds = {name: CostEstimate.objects.select_related("kind__country").get(pk=pk).kind for name, pk in ids.items()}
    assert kinds["usd"].name == "US list price"
    assert kinds["nadac"].name == "US pharmacy acquisition cost (NADAC)"
    assert kinds["gbp"].name == "UK NHS list price"
    assert kinds["eur"].country.currency == "EUR"
    assert "country not yet set" in kinds["eur"].country.name
    assert "an editor should say what they are" in kinds["eur"].explanation
