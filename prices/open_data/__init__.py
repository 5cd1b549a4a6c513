"""The site's prices as open data: /prices.csv and /prices.json (the current
figures: each published medicine's current figure of each kind for each
product, and each group's range of each kind, worked out from those),
/prices/history.csv (every figure readers have been shown, active,
corrected-away or withdrawn), /data/datapackage.json (a Frictionless Data
Package typing the files' columns) and the "Reuse our data" page that
explains them.

Every row says what its figure is: its country, its kind (code and name),
its product, its unit price, unit and units a year when it is priced per
unit, and how precisely its date is known. `?country=uk` on a file gives
that country's figures only; an unknown country is a plain-text 404.

Only published subjects appear, through the same rules the pages use
(`Category.objects.live()`, `published_therapies()`).

The licence and the price disclaimer travel with each file. The JSON carries
them as fields. A CSV has no place for notes that every parser skips (a
comment line breaks spreadsheets and `csv` readers alike), so the CSV files
name them in `Link` headers (`rel="license"` to the licence, and
`rel="describedby"` to the "Reuse our data" page, which shows the disclaimer
and explains each column, and to the data package), and the page links to
the files. The disclaimer's wording has one source,
templates/includes/price_disclaimer.html.

Spreadsheet formula injection: a text cell starting with = + - @, a tab or
a carriage return would be run as a formula by a spreadsheet, so it gets a
leading single quote (OWASP's advice). Amounts are written as plain decimals
and never need it: the model's constraints keep them at zero or more.

Each file sends `ETag` and `Last-Modified` from the newest change to the
prices and their subjects, and the ETag also from how many estimates,
withdrawals and subjects there are (three small aggregate queries for both)
and the kinds' names, and answers a conditional request with 304 before
building anything. The history is streamed (history.py).

Where things are: columns.py (the columns, once, and how values become
cells), serving.py (licence, country, validators), current.py, history.py,
package.py (the data package and the page).
"""

from prices.open_data.columns import (
    CURRENT_COLUMNS,
    FORMULA_STARTS,
    HISTORY_COLUMNS,
    spreadsheet_safe,
)
from prices.open_data.current import current_prices, prices_csv, prices_json
from prices.open_data.history import STATE_LABELS, history_lines, history_rows, price_history_csv
from prices.open_data.package import data_package, datapackage_json, reuse_data
from prices.open_data.serving import (
    DEFAULT_LICENCE_NAME,
    DEFAULT_LICENCE_URL,
    DataVersion,
    data_version,
    last_change,
    licence,
    open_data_file,
    price_disclaimer,
    published_estimates,
)

__all__ = [
    "CURRENT_COLUMNS",
    "DEFAULT_LICENCE_NAME",
    "DEFAULT_LICENCE_URL",
    "FORMULA_STARTS",
    "HISTORY_COLUMNS",
    "STATE_LABELS",
    "DataVersion",
    "current_prices",
    "data_package",
    "data_version",
    "datapackage_json",
    "history_lines",
    "history_rows",
    "last_change",
    "licence",
    "open_data_file",
    "price_disclaimer",
    "price_history_csv",
    "prices_csv",
    "prices_json",
    "published_estimates",
    "reuse_data",
    "spreadsheet_safe",
]
