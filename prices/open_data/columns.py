"""The open data's columns, defined once.

Each file's header, the order of its cells, the "Reuse our data" page's list
of columns and /data/datapackage.json's Table Schema are all made from the
`Column`s here, so a column added to a file is described and typed
everywhere at once, and a data user's tools read the same names the CSV has.

Also here: how a value becomes a cell (a CSV's text, a JSON value), one rule
per Table Schema type, so what the schema declares is what is written.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def amount(value):
    return "" if value is None else f"{value:f}"  # plain digits, never 6E+4


def json_amount(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def moment(value):
    """A time in UTC as Table Schema's default datetime format writes it
    (2026-07-01T09:30:00Z). isoformat, not strftime: the history writes one
    a row, and strftime costs half as much again."""
    if not value:
        return ""
    return value.astimezone(datetime.timezone.utc).isoformat(timespec="seconds").removesuffix("+00:00") + "Z"


# How each Table Schema type is written: to a CSV cell, and to a JSON value.
CSV_CELL = {
    "string": spreadsheet_safe,
    "number": amount,
    "integer": lambda value: "" if value is None else str(value),
    "date": lambda value: value.isoformat() if value else "",
    "datetime": moment,
}
JSON_VALUE = {
    "string": lambda value: "" if value is None else str(value),
    "number": json_amount,
    "integer": lambda value: value,
    "date": lambda value: value.isoformat() if value else None,
    "datetime": lambda value: moment(value) or None,
}
# How the "Reuse our data" page names each type.
TYPE_WORDS = {
    "string": "text",
    "number": "number",
    "integer": "whole number",
    "date": "date (year-month-day)",
    "datetime": "date and time (UTC)",
}


@dataclass(frozen=True)
class Column:
    """One column: its name, Table Schema type, meaning, whether every row
    has a value, and any further Table Schema constraints (enum, minimum)."""

    name: str
    type: str
    description: str
    required: bool = False
    constraints: dict = field(default_factory=dict)

    def schema_field(self, extra_constraints=None):
        """The Table Schema field descriptor (`extra_constraints`: ones only
        known at request time, such as the countries' codes)."""
        constraints = {"required": True} if self.required else {}
        constraints.update(self.constraints)
        constraints.update(extra_constraints or {})
        descriptor = {"name": self.name, "type": self.type, "description": self.description}
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor

    @property
    def type_words(self):
        return TYPE_WORDS[self.type]

    def described(self, description):
        return dataclasses.replace(self, description=description)


def _columns(*columns):
    return {column.name: column for column in columns}


ALL = _columns(
    Column("estimate_id", "integer", "Our number for the figure; it never changes.", True, {"minimum": 1}),
    Column("subject", "string", "The medicine (by its generic name) or the treatment group the figure is for.", True),
    Column(
        "subject_type", "string",
        "therapy (one medicine or treatment) or category (a group of treatments).",
        True, {"enum": ["category", "therapy"]},
    ),
    Column(
        "product", "string",
        "Which product the figure is for, such as a brand or a generic; empty when it is for the medicine as a "
        "whole, and for a group.",
    ),
    Column(
        "country", "string",
        "The country the figure is for, as this site's code (us is the United States, uk the United Kingdom). "
        "The same code in ?country= gives a file of that country's figures only.",
        True,
    ),
    Column(
        "kind", "string",
        "What kind of figure it is, as a short code that never changes (us-list, us-medicare-b, us-nadac, "
        "uk-nhs-list...). Kinds measure different things: compare and combine figures of one kind only.",
        True,
    ),
    Column("kind_name", "string", "The kind of figure in words, such as US list price.", True),
    Column("low", "number", "The lowest yearly cost, in the currency, with two decimal places.", True, {"minimum": 0}),
    Column(
        "high", "number", "The highest yearly cost, in the currency, with two decimal places.", True, {"minimum": 0}
    ),
    Column(
        "currency", "string",
        "The currency of low, high and unit_price, as a three-letter ISO 4217 code (USD: US dollars, GBP: pounds "
        "sterling).",
        True, {"pattern": "[A-Z]{3}"},
    ),
    Column(
        "unit_price", "number",
        "When the source prices a unit (a mg, a vial, a pen): the price of one unit. The yearly cost is then "
        "unit_price times units_per_year, rounded to the cent, and low equals high. Empty otherwise.",
        False, {"minimum": 0},
    ),
    Column("unit", "string", "The unit unit_price is for, such as mg or 300 mg vial; empty without a unit price."),
    Column(
        "units_per_year", "number",
        "How many units a year of treatment takes (from the product's dosing); empty without a unit price.",
        False, {"minimum": 0},
    ),
    Column(
        "as_of", "date",
        "The date the figure was true. When the source gives only a month or a year, this is its first day: "
        "see as_of_precision.",
        True,
    ),
    Column(
        "as_of_precision", "string",
        "How precisely as_of is known: day, month (only the month and year) or year (only the year).",
        True, {"enum": ["day", "month", "year"]},
    ),
    Column("source", "string", "Where the figure came from.", True),
    Column("source_url", "string", "The web address of the source, when it has one."),
    Column(
        "state", "string",
        "active (in use), corrected (replaced by a correction) or withdrawn (taken out of use).",
        True, {"enum": ["active", "corrected", "withdrawn"]},
    ),
    Column("recorded_at", "datetime", "When we recorded the figure (UTC).", True),
    Column("corrects_estimate_id", "integer", "For a correction: the estimate_id of the figure it replaces."),
    Column("correction_reason", "string", "For a correction: why the earlier figure was wrong."),
    Column("replaced_by_estimate_id", "integer", "For a corrected figure: the estimate_id of its correction."),
    Column("withdrawn_at", "datetime", "For a withdrawn figure: when it was withdrawn (UTC)."),
    Column("withdrawal_reason", "string", "For a withdrawn figure: why."),
    Column("page_url", "string", "The page on this site that shows the figure.", True),
)

CURRENT = [
    ALL["subject"],
    ALL["subject_type"].described(
        "therapy (one medicine or treatment) or category (a group of treatments). A group's row is worked out "
        "from its medicines' current figures of that kind (the lowest low and the highest high of them), never "
        "typed in; a group has one row per kind its medicines have figures of."
    ),
    ALL["product"],
    ALL["country"],
    ALL["kind"],
    ALL["kind_name"],
    ALL["low"],
    ALL["high"],
    ALL["currency"],
    ALL["unit_price"],
    ALL["unit"],
    ALL["units_per_year"],
    ALL["as_of"].described(
        "The date the figure was true; for a group, the newest date of the figures it is worked out from. When "
        "only a month or a year is known, this is its first day: see as_of_precision."
    ),
    ALL["as_of_precision"],
    ALL["source"].described(
        "Where the figure came from; for a group, how many of its medicines' figures it is worked out from."
    ),
    ALL["source_url"],
    ALL["page_url"],
]

HISTORY = [
    ALL["estimate_id"],
    ALL["subject"],
    ALL["subject_type"].described(
        "therapy (one medicine or treatment) or category (a group of treatments). A group's rows are the ranges "
        "published for the whole group in the past, kept as dated history: a group's current range is worked "
        "out from its medicines' figures (see the current prices)."
    ),
    *(ALL[name] for name in (
        "product", "country", "kind", "kind_name", "low", "high", "currency", "unit_price", "unit", "units_per_year",
        "as_of", "as_of_precision", "source", "source_url", "state", "recorded_at", "corrects_estimate_id",
        "correction_reason", "replaced_by_estimate_id", "withdrawn_at", "withdrawal_reason", "page_url",
    )),
]

CURRENT_COLUMNS = [column.name for column in CURRENT]
HISTORY_COLUMNS = [column.name for column in HISTORY]


def csv_cells(columns, row):
    """A row (a dict by column name) as a CSV's cells, in the columns' order."""
    return [CSV_CELL[column.type](row[column.name]) for column in columns]


def json_item(columns, row):
    return {column.name: JSON_VALUE[column.type](row[column.name]) for column in columns}
