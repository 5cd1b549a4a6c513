"""Prices: what a figure is (its country and kind, a product's dosing), the
cost estimates of the catalogue's medicines and groups, the price imports
that wrote them, and the codes CMS's files are matched by: NDCs for a NADAC
file, HCPCS codes for an ASP pricing file.

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
from prices.models.hcpcs import HcpcsMapping, normalise_dosage, normalise_hcpcs
from prices.models.imports import PriceImport
from prices.models.kinds import Country, PriceKind, ProductDosing
from prices.models.ndc import NdcMapping, normalise_ndc

__all__ = [
    "CostEstimate",
    "CostEstimateQuerySet",
    "Country",
    "DatePrecision",
    "EstimateState",
    "HcpcsMapping",
    "NdcMapping",
    "PriceImport",
    "PriceKind",
    "ProductDosing",
    "current_estimate",
    "main_kind_for_currency",
    "normalise_dosage",
    "normalise_hcpcs",
    "normalise_ndc",
    "staleness_cutoff",
]
