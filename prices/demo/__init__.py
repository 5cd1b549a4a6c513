"""The demo prices: the yearly ranges the seed article gave each
disease-modifying group (estimates.json; pages show them as dated history,
since a group's current range is worked out from its medicines' figures),
each medicine's US list prices from two published studies
(medicine_prices.csv; a blank: not in that study), and the newer figures of
other kinds and of the United Kingdom, with the dosing their prices per unit
need and the HCPCS codes a CMS ASP pricing file is matched by
(newer_prices.json).

The study prices are older than the staleness limit, so pages show them as
the newest we have, marked as possibly out of date. Ozanimod is in neither
study: its page shows its group's range. Like all demo rows, an estimate is
created only when missing (by its subject, product, kind and as-of date)."""

import csv
from decimal import Decimal
from pathlib import Path

from core.demo import date, read_json
from prices.models import CostEstimate, HcpcsMapping, PriceKind, ProductDosing
from therapies.models import Therapy

HERE = Path(__file__).parent


def load(loader, catalogue):
    data = read_json(HERE, "estimates.json")
    load_group_ranges(loader, catalogue.categories, data["group_ranges"])
    load_medicine_prices(loader, catalogue.therapies, data["studies"], data["study_price_note"])
    newer = read_json(HERE, "newer_prices.json")
    dosing = load_dosing(loader, catalogue.therapies, newer["dosing"])
    load_hcpcs(loader, catalogue.therapies, newer["hcpcs"])
    load_newer_figures(loader, catalogue.therapies, dosing, newer["figures"])


def _therapy(therapies, slug):
    """The demo's therapy, or on an install that has it only in review (the
    catalogue update adds medicines as drafts), its row."""
    return therapies.get(slug) or Therapy.objects.filter(slug=slug).first()


def load_dosing(loader, therapies, rows):
    """{(therapy slug, product, unit): units a year}, recording each product's dosing once."""
    found = {}
    for row in rows:
        therapy = _therapy(therapies, row["therapy"])
        if therapy is None:
            continue
        key = {"therapy": therapy, "product": row["product"], "unit": row["unit"]}
        dosing, _ = loader.get_or_create(
            ProductDosing,
            lookups=[key],
            values={**key, "units_per_year": Decimal(row["units_per_year"]), "note": row["note"]},
            label=f"dosing of {row['product']}: {row['units_per_year']} × {row['unit']} a year",
        )
        found[(row["therapy"], row["product"], row["unit"])] = dosing.units_per_year
    return found


def load_hcpcs(loader, therapies, rows):
    """The HCPCS codes of the Medicare figures, with the brief's dosing, so
    the quarter's ASP pricing file can be imported (format asp)."""
    for row in rows:
        therapy = _therapy(therapies, row["therapy"])
        if therapy is None:
            continue
        values = {
            "therapy": therapy, "hcpcs": row["hcpcs"], "product": row["product"], "billing_unit": row["billing_unit"],
            "units_per_year": Decimal(row["units_per_year"]), "note": row["note"],
        }
        loader.get_or_create(
            HcpcsMapping, lookups=[{"hcpcs": row["hcpcs"]}], values=values,
            label=f"HCPCS mapping {row['hcpcs']} → {row['product']}: {row['units_per_year']} × {row['billing_unit']} a year",
        )


def load_newer_figures(loader, therapies, dosing, rows):
    kinds = {kind.slug: kind for kind in PriceKind.objects.select_related("country")}
    for row in rows:
        kind = kinds[row["kind"]]
        therapy = _therapy(therapies, row["therapy"])
        if therapy is None:
            continue
        as_of = date(row["as_of"])
        key = {"therapy": therapy, "product": row["product"], "kind": kind, "as_of": as_of}
        values = {
            **key, "currency": kind.country.currency, "source_name": row["source_name"],
            "source_url": row.get("source_url", ""), "note": row.get("note", ""),
            "as_of_precision": row.get("as_of_precision", CostEstimate.Precision.DAY),
        }
        if "unit_price" in row:
            # The year's figure is worked out by the model (clean): price per unit × units a year.
            values.update(
                unit_price=Decimal(row["unit_price"]), unit=row["unit"],
                units_per_year=dosing[(row["therapy"], row["product"], row["unit"])], low=0, high=0,
            )
        else:
            values.update(low=Decimal(row["low"]), high=Decimal(row["high"]))
        loader.get_or_create(
            CostEstimate, lookups=[key], values=values,
            label=f"{kind.name} for {row['product']} as of {as_of}",
        )


def load_group_ranges(loader, categories, data):
    as_of = date(data["as_of"])
    for slug, estimate in data["ranges"].items():
        category = categories[slug]
        low, high = Decimal(estimate["low"]), Decimal(estimate["high"])
        key = {"category": category, "currency": data["currency"], "as_of": as_of}
        loader.get_or_create(
            CostEstimate,
            lookups=[key],
            values={**key, "low": low, "high": high, "source_name": data["source_name"], "note": data["note"]},
            label=f"estimate for {category.name!r}: {data['currency']} {low:,.0f}–{high:,.0f} as of {as_of}",
        )


def load_medicine_prices(loader, therapies, studies, note):
    with open(HERE / "medicine_prices.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        for year, study in studies.items():
            if not row[year]:
                continue
            amount = int(row[year])
            as_of = date(study["as_of"])
            key = {"therapy": therapies[row["therapy"]], "product": row["product"], "currency": "USD", "as_of": as_of}
            loader.get_or_create(
                CostEstimate,
                lookups=[key],
                values={**key, **study, "as_of": as_of, "low": amount, "high": amount, "note": note},
                label=f"estimate for {row['product']}: USD {amount:,} as of {as_of}",
            )
