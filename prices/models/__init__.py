"""Prices: what a figure is (its country and kind, a product's dosing), the
cost estimates of the catalogue's medicines and groups, the price imports
that wrote them, and the NDC codes a NADAC price file is matched by.

A price is of something in the catalogue (therapies), so this app depends on
it; the catalogue never imports prices (its pages get theirs through
therapies.extensions, filled in by prices.apps)."""

from prices.models.estimates import (
    CostEstimate,
    CostEstimateQuerySet,
    DatePrecision,
    EstimateState,
    current_estimate,
    main_kind_for_currency,
    staleness_cutoff,
)
from prices.models.imports import PriceImport
from prices.models.kinds import Country, PriceKind, ProductDosing
from prices.models.ndc import NdcMapping, normalise_ndc

__all__ = [
    "CostEstimate",
    "CostEstimateQuerySet",
    "Country",
    "DatePrecision",
    "EstimateState",
    "NdcMapping",
    "PriceImport",
    "PriceKind",
    "ProductDosing",
    "current_estimate",
    "main_kind_for_currency",
    "normalise_ndc",
    "staleness_cutoff",
]
