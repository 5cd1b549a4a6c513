"""Importing cost estimates from files: one pipeline for the command and the admin.

    sources     a file to import (local path, URL fetched by core.fetching,
                staged upload), read once per pass while its SHA-256 is computed
    csv_format, json_format, nadac, asp
                one parser per format; each yields RawRow (the documented
                columns as text, with the row's line label) or Problem
                (asp: CMS's quarterly Medicare Part B file, often a ZIP,
                opened by zipped)
    validation  one validator: turns RawRows into checked EstimateRows,
                finds duplicates, and sorts rows into new / unchanged /
                conflicting against the database, a chunk at a time
    applying    preview() (validate, write nothing) and apply() (validate,
                then write everything in one transaction, or nothing)

The management command `import_prices` and the admin upload page only choose a
source, call preview() or apply(), and show the Report.
"""

from core.fetching import FetchError, fetch_url
from prices.pricing.applying import apply, preview
from prices.pricing.rows import COLUMNS, Conflict, Problem, RawRow, Report
from prices.pricing.sources import FORMATS, Source, infer_format

__all__ = [
    "COLUMNS",
    "FORMATS",
    "Conflict",
    "FetchError",
    "Problem",
    "RawRow",
    "Report",
    "Source",
    "apply",
    "fetch_url",
    "infer_format",
    "preview",
]
