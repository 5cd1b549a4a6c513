"""The demo prices: each disease-modifying group's current yearly range
(estimates.json), and each medicine's US list prices from two published
studies (medicine_prices.csv; a blank: not in that study).

The study prices are older than the staleness limit, so pages show them as
history marked "may be out of date"; the group ranges stay the current group
figures. Ozanimod (approved in 2020) is in neither study: its page falls back
to its group's range. Like all demo rows, an estimate is created only when
missing (by its subject, product, currency and as-of date)."""

import csv
from decimal import Decimal
from pathlib import Path

from core.demo import date, read_json
from prices.models import CostEstimate

HERE = Path(__file__).parent


def load(loader, catalogue):
    data = read_json(HERE, "estimates.json")
    load_group_ranges(loader, catalogue.categories, data["group_ranges"])
    load_medicine_prices(loader, catalogue.therapies, data["studies"], data["study_price_note"])


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
