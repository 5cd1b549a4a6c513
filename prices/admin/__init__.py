# Split by what the price editors do: record estimates (estimates.py, and on
# the catalogue's pages, catalogue.py), import price files and map NDCs
# (imports.py) and HCPCS codes (hcpcs.py), withdraw or correct (corrections.py); what a figure is:
# countries, kinds of figure, products' dosing (kinds.py); the checks a
# typed figure goes through (checks.py).
from prices.admin import catalogue, estimates, hcpcs, imports, kinds  # noqa: F401
