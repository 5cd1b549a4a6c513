# Split by what the price editors do: record estimates (estimates.py, and on
# the catalogue's pages, catalogue.py), import price files and map NDCs
# (imports.py), withdraw or correct (corrections.py).
from prices.admin import catalogue, estimates, imports  # noqa: F401
