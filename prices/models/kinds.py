"""What a figure is: the country it is for and its kind (US list price,
Medicare Part B payment limit, NADAC, UK NHS list price...), and how much of
a product a year of treatment takes, so a price per unit becomes a year's cost.

Countries and kinds are rows, not code: a new country or a new kind of figure
is added in the admin. Only figures of one kind are ever put in one range,
chart line or comparison."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from prices.currencies import is_known_currency
from therapies.models import Therapy


class Country(models.Model):
    """A country readers can choose to see prices for, in its currency."""

    code = models.SlugField(
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[a-z]{2,8}$", "Lower-case letters only, e.g. 'us' or 'uk'.")],
        help_text="Short lower-case code used in page addresses (?country=uk).",
    )
    name = models.CharField(max_length=80, unique=True, help_text="e.g. United Kingdom")
    currency = models.CharField(max_length=3, help_text="ISO 4217 code of the figures for this country, e.g. GBP.")
    reader_note = models.TextField(
        blank=True,
        help_text="Shown before any figure in this country's view: what people there pay, "
        "and what the figures are not. Plain text.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the country choice; the first is the default.")

    class Meta:
        verbose_name_plural = "countries"
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[a-z]{2,8}$"), name="country_code_lower_letters"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="country_currency_iso_code"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.currency = (self.currency or "").strip().upper()
        if self.currency and not is_known_currency(self.currency):
            raise ValidationError({"currency": f"'{self.currency}' is not an ISO 4217 currency code."})


class PriceKind(models.Model):
    """One kind of figure, e.g. "US list price": what it means in one line,
    for readers, and the country (and so the currency) it belongs to."""

    slug = models.SlugField(max_length=40, unique=True, help_text="Used in price files' price_kind column, e.g. us-list.")
    name = models.CharField(max_length=80, unique=True, help_text="Shown beside every figure, e.g. 'US list price'.")
    explanation = models.CharField(
        max_length=200,
        help_text="One line readers can open beside the figure, e.g. 'what the maker charges before discounts'.",
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="price_kinds")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the country: the first is its main kind.")
    source_url = models.URLField(
        "about this kind", blank=True, max_length=500, help_text="Where readers can learn how these figures are set."
    )

    class Meta:
        ordering = ["country__position", "position", "name"]

    def __str__(self):
        return self.name

    @property
    def currency(self):
        return self.country.currency


class ProductDosing(models.Model):
    """How many units of one product a year of treatment takes, recorded once
    per product and unit, so a price per unit (per mg, per vial, per pen)
    becomes a year's figure the same way everywhere."""

    therapy = models.ForeignKey(Therapy, on_delete=models.PROTECT, related_name="dosings")
    product = models.CharField(
        "product", max_length=120, blank=True, help_text="As the estimates name it; empty for the medicine as a whole."
    )
    unit = models.CharField(max_length=40, help_text="The unit a price is given per, singular: 'mg', '300 mg vial', 'pen'.")
    units_per_year = models.DecimalField("units a year", max_digits=12, decimal_places=4)
    note = models.CharField(
        max_length=300, blank=True, help_text="Where the dosing comes from, e.g. '600 mg every 6 months (label)'."
    )

    class Meta:
        verbose_name = "product dosing"
        ordering = ["therapy__generic_name", "product", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["therapy", "product", "unit"], name="product_dosing_unique_unit"),
            models.CheckConstraint(condition=Q(units_per_year__gt=0), name="product_dosing_units_positive"),
        ]

    def __str__(self):
        product = self.product or self.therapy.generic_name
        return f"{product}: {self.units_per_year.normalize():,f} × {self.unit} a year"
