"""The one validator: every parser's RawRows are checked here, the same way.

Per row: kind, slug (against the database), amounts, currency, date, source
fields, product. Across the file: the same estimate (subject, product,
currency, as-of date) twice: a brand and a generic row for one therapy and
date are two estimates. Against the database, a chunk of rows at a time (one query per chunk):
whether each estimate is new, already recorded with the same amounts
(unchanged), or recorded with different amounts (a conflict)."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone

from prices.currencies import is_known_currency
from therapies.models import Category, Therapy
from prices.models import CostEstimate, PriceKind
from prices.pricing.cells import cell_problems
from prices.pricing.rows import Problem

_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_GROUPED = re.compile(r"-?[0-9]{1,3}([,  '_][0-9]{3})+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")
MAX_AMOUNT_DIGITS = 10  # CostEstimate amounts: 12 digits, 2 after the point
SOURCE_MAX = CostEstimate._meta.get_field("source_name").max_length
URL_MAX = CostEstimate._meta.get_field("source_url").max_length
PRODUCT_MAX = CostEstimate._meta.get_field("product").max_length
KINDS = ("category", "therapy")


class EstimateRow:
    """A checked row, ready to compare with the database and to save."""

    __slots__ = (
        "where", "kind", "slug", "subject_id", "low", "high", "currency", "as_of", "source_name", "source_url", "note",
        "product", "price_kind_id", "key",
    )

    def __init__(
        self, where, kind, slug, subject_id, low, high, currency, as_of, source_name, source_url, note, product="",
        price_kind_id=None,
    ):
        self.where = where
        self.kind = kind
        self.slug = slug
        self.subject_id = subject_id
        self.low = low
        self.high = high
        self.currency = currency
        self.as_of = as_of
        self.source_name = source_name
        self.source_url = source_url
        self.note = note
        self.product = product
        self.price_kind_id = price_kind_id
        # The estimate's identity, for duplicates in the file and matches in
        # the database; made once, as each row is looked up by it twice or more.
        self.key = (kind, subject_id, product, price_kind_id, currency, as_of)

    @property
    def subject_label(self):
        product = f" ({self.product})" if self.product else ""
        return f"{self.kind} '{self.slug}'{product}"


class RowValidator:
    """Checks rows one by one; remembers only what duplicate detection needs
    (one small key per row) and the slug tables (one query each)."""

    def __init__(self, today=None):
        self.today = today or timezone.localdate()
        self.ids = {
            "category": dict(Category.objects.values_list("slug", "id")),
            "therapy": dict(Therapy.objects.values_list("slug", "id")),
        }
        # slug -> (id, currency); and each currency's main kind (the first of
        # the first country using it), for rows that name no kind.
        self.price_kinds = {}
        self.main_kinds = {}
        for kind in PriceKind.objects.select_related("country").order_by("country__position", "position", "id"):
            self.price_kinds[kind.slug] = (kind.pk, kind.country.currency)
            self.main_kinds.setdefault(kind.country.currency, kind.pk)
        self.seen = {}  # key -> where it first appeared
        self.url_validator = URLValidator(schemes=["http", "https"])
        self.good_urls = set()

    def check(self, raw):
        """(EstimateRow or None, [Problem, ...]) for one RawRow."""
        where, values = raw.where, raw.values
        # Characters no database column takes (PostgreSQL refuses NUL) stop
        # here for every format, whatever its parser checked.
        unsafe = cell_problems(where, values, lengths=False)
        if unsafe:
            return None, unsafe
        problems = []

        def problem(column, message):
            problems.append(Problem(where, column, message))

        kind = values["kind"].lower()
        subject_id = None
        if kind not in KINDS:
            problem("kind", f"'{values['kind']}' is not a kind: write category or therapy.")
        slug = values["slug"]
        if not slug:
            problem("slug", "empty: every row needs the slug of its category or therapy.")
        elif kind in KINDS:
            subject_id = self.ids[kind].get(slug)
            if subject_id is None:
                other = "therapy" if kind == "category" else "category"
                hint = f" (there is a {other} with that slug: is the kind wrong?)" if slug in self.ids[other] else ""
                problem("slug", f"unknown {kind} slug '{slug}'{hint}.")

        low = self._amount(values["low"], "low", problem)
        high = self._amount(values["high"], "high", problem)
        if low is not None and high is not None and low > high:
            problem("high", f"low ({low}) is above high ({high}).")

        currency = values["currency"].upper()
        if not currency:
            problem("currency", "empty: write an ISO 4217 code such as USD, EUR or GBP.")
        elif not _CURRENCY.fullmatch(currency) or not is_known_currency(currency):
            problem("currency", f"'{values['currency']}' is not an ISO 4217 currency code (such as USD, EUR, GBP).")

        as_of = self._date(values["as_of"], problem)
        # A currency already reported as not a currency is not reported again
        # as one no country uses.
        currency_ok = not any(p.column == "currency" for p in problems)
        price_kind_id = self._price_kind(values.get("price_kind", ""), currency if currency_ok else "", problem)

        source_name = values["source"]
        if not source_name:
            problem("source", "empty: every estimate needs its source (who published the figures).")
        elif len(source_name) > SOURCE_MAX:
            problem("source", f"longer than {SOURCE_MAX} characters.")
        source_url = values["source_url"]
        if source_url:
            if len(source_url) > URL_MAX:
                problem("source_url", f"longer than {URL_MAX} characters.")
            elif source_url not in self.good_urls:
                try:
                    self.url_validator(source_url)
                except ValidationError:
                    problem("source_url", f"'{source_url}' is not a web address (http:// or https://...).")
                else:
                    if len(self.good_urls) < 10_000:  # files repeat a few addresses many times
                        self.good_urls.add(source_url)
        # NADAC rows have no product column: they price the medicine as a whole.
        product = values.get("product", "")
        if len(product) > PRODUCT_MAX:
            problem("product", f"longer than {PRODUCT_MAX} characters.")

        if problems:
            return None, problems
        row = EstimateRow(
            where, kind, slug, subject_id, low, high, currency, as_of, source_name, source_url, values["note"], product,
            price_kind_id,
        )
        first = self.seen.get(row.key)
        if first is None:
            self.seen[row.key] = where
        else:
            return None, [
                Problem(
                    where,
                    None,
                    f"the same estimate ({row.subject_label}, {currency}, as of {as_of:%Y-%m-%d}) is already on {first}.",
                )
            ]
        return row, []

    def _price_kind(self, slug, currency, problem):
        """The kind's id, checked against the row's currency; None after a problem."""
        if not slug:
            kind_id = self.main_kinds.get(currency)
            if kind_id is None and currency:
                # Naming a kind would not help: every kind belongs to a country
                # and its currency.
                used = ", ".join(sorted(set(self.main_kinds))) or "none yet"
                problem(
                    "currency",
                    f"no country on the site has figures in {currency} (they are in {used}): "
                    "give the figure in one of those currencies, or add the country and its kinds of figure first.",
                )
            return kind_id
        found = self.price_kinds.get(slug.lower())
        if found is None:
            known = ", ".join(sorted(self.price_kinds))
            problem("price_kind", f"'{slug}' is not a kind of figure: write one of {known}.")
            return None
        kind_id, kind_currency = found
        if currency and currency != kind_currency:
            problem("currency", f"{slug} figures are in {kind_currency}, not {currency}.")
            return None
        return kind_id

    @staticmethod
    def _amount(text, column, problem):
        if not text:
            problem(column, "empty: write the annual amount as a plain number, e.g. 60000 or 60000.00.")
            return None
        if not _AMOUNT.fullmatch(text):
            if _GROUPED.fullmatch(text):
                problem(column, f"'{text}' has a thousands separator: write plain digits, e.g. 60000.00.")
            else:
                problem(column, f"'{text}' is not a plain number (e.g. 60000 or 60000.00; no currency signs or separators).")
            return None
        if text.startswith("-"):
            problem(column, f"'{text}' is negative: a cost cannot be below zero.")
            return None
        whole, _, fraction = text.partition(".")
        if len(fraction) > 2:
            problem(column, f"'{text}' has more than 2 decimal places.")
            return None
        if len(whole.lstrip("0")) > MAX_AMOUNT_DIGITS:
            problem(column, f"'{text}' is too large (at most {MAX_AMOUNT_DIGITS} digits before the point).")
            return None
        return Decimal(text)

    def _date(self, text, problem):
        if not text:
            problem("as_of", "empty: write the date the figures were true, as YYYY-MM-DD.")
            return None
        if not _DATE.fullmatch(text):
            problem("as_of", f"'{text}' is not a date written YYYY-MM-DD.")
            return None
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            problem("as_of", f"'{text}' is not a real date.")
            return None
        if day > self.today:
            problem("as_of", f"{text} is in the future: the as-of date is when the figures were true.")
            return None
        return day


def subjects_of(rows):
    """A filter on the estimates of the categories and therapies `rows` name;
    None when they name none."""
    therapy_ids = {row.subject_id for row in rows if row.kind == "therapy"}
    category_ids = {row.subject_id for row in rows if row.kind == "category"}
    subjects = Q()
    if therapy_ids:
        subjects |= Q(therapy_id__in=therapy_ids)
    if category_ids:
        subjects |= Q(category_id__in=category_ids)
    return subjects or None


def existing_estimates(rows):
    """Recorded estimates for a chunk of checked rows, one query:
    key -> (id, low, high)."""
    subjects = subjects_of(rows)
    if subjects is None:
        return {}
    found = (
        CostEstimate.objects.active()
        .filter(subjects, product__in={row.product for row in rows}, as_of__in={row.as_of for row in rows})
        .values_list("therapy_id", "category_id", "product", "kind_id", "currency", "as_of", "id", "low", "high")
        .order_by()
    )
    return {
        ("therapy" if therapy_id else "category", therapy_id or category_id, product, kind_id, currency, as_of): (
            pk, low, high
        )
        for therapy_id, category_id, product, kind_id, currency, as_of, pk, low, high in found
    }
