"""What the admin's estimate forms check before a typed figure is saved: the
kind of figure and its currency agree, a price per unit becomes a year's
figure through the product's recorded dosing, and a figure the upload's
review would flag (large change, implausible amount) is saved only once the
editor ticks "I have checked this figure", shown with the warnings.

The rules are prices.pricing.checks (and pricing.review, which uploads use);
this module only puts them on the forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from prices.currencies import is_known_currency
from prices.models import DatePrecision, main_kind_for_currency
from prices.pricing.checks import (
    CONFIRM_LABEL, NeedsConfirmation, check_figure, record_confirmation, units_a_year,
)



class ConfirmCheckbox(forms.Widget):
    """A checkbox that exists only once the figure is flagged. Its value names
    the figures and flags the editor saw (FigureCheck.token), so ticking it
    confirms those, not a figure typed afterwards."""

    token = ""
    hidden_until_flagged = True  # the add page hides the row; the inline keeps an empty cell

    @property
    def is_hidden(self):
        return self.hidden_until_flagged and not self.token

    def render(self, name, value, attrs=None, renderer=None):
        if not self.token:
            return ""
        return format_html(
            '<label class="confirm-figure"><input type="checkbox" name="{}" value="{}"{}> {}</label>',
            name, self.token, " checked" if value == self.token else "", CONFIRM_LABEL,
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")

    def value_omitted_from_data(self, data, files, name):
        return False


def confirm_field():
    """The form field of the checkbox (each form class declares its own)."""
    return forms.CharField(label="Confirm", required=False, widget=ConfirmCheckbox())


class CheckedEstimateFormMixin:
    """For the ModelForms that record a new estimate (its own page, the
    inline under a category or therapy), which declare `confirm_flags =
    confirm_field()`. `figure_check` is the FigureCheck the editor
    confirmed, for the admin to record when it saves."""

    figure_check = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, help_text in (
            ("kind", "Empty: the main kind of the currency's country (USD: US list price)."),
            ("currency", "Empty: the currency of the kind's country."),
            ("low", "Empty when a price per unit is given: worked out from it."),
            ("high", "Empty when a price per unit is given: worked out from it."),
        ):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = help_text
        if "as_of_precision" in self.fields:
            self.fields["as_of_precision"].required = False  # empty: the day
        # A new estimate's currency comes from its kind unless typed: the
        # model's default (USD) would otherwise contradict a UK kind.
        if self.instance._state.adding and "currency" not in (kwargs.get("initial") or {}):
            self.initial.pop("currency", None)

    def subject_therapy(self, cleaned):
        """The therapy the estimate is for (a field on its own page; the
        inline's parent, set on the instance, under a therapy)."""
        return cleaned.get("therapy") or self.instance.therapy

    def clean(self):
        cleaned = super().clean()
        if "as_of_precision" in self.fields and not cleaned.get("as_of_precision"):
            cleaned["as_of_precision"] = DatePrecision.DAY
        self._settle_kind_and_currency(cleaned)
        self._year_from_unit_price(cleaned)
        return cleaned

    def _settle_kind_and_currency(self, cleaned):
        kind, currency = cleaned.get("kind"), (cleaned.get("currency") or "").strip().upper()
        if "currency" in self.errors:
            return
        if kind is None and not currency:
            self.add_error("kind", "Choose the kind of figure (US list price, UK NHS list price...).")
        elif kind is None:
            kind = main_kind_for_currency(currency)
            if kind is None:
                # An unknown code is the model's to explain; a real currency
                # no country uses is explained here.
                if is_known_currency(currency):
                    self.add_error(
                        "currency",
                        f"No country on the site has figures in {currency}: choose the kind of figure, and give "
                        "the figure in its currency.",
                    )
            else:
                cleaned["kind"] = kind
        elif not currency:
            cleaned["currency"] = kind.currency
        # A kind and a currency that disagree are refused by the model's
        # clean(): "US list price figures are in USD, not GBP."

    def _year_from_unit_price(self, cleaned):
        unit_price, unit = cleaned.get("unit_price"), (cleaned.get("unit") or "").strip()
        if unit_price is None and not unit:
            self.instance.units_per_year = None
            for name in ("low", "high"):
                if name in self.fields and cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, "Give the yearly figure, or a price per unit.")
            return
        try:
            units = units_a_year(self.subject_therapy(cleaned), cleaned.get("product", ""), unit, unit_price)
        except ValidationError as error:
            self.add_error(None, error)
            return
        self.instance.units_per_year = units
        self.instance.unit_price = unit_price
        year = self.instance.year_from_units()
        for name in ("low", "high"):
            typed = cleaned.get(name)
            if typed is not None and typed != year:
                self.add_error(
                    name,
                    f"Leave it empty: a price per unit of {unit_price:,f} × {units.normalize():,f} {unit} a year "
                    f"(the product's dosing) makes {year:,.2f}.",
                )
            cleaned[name] = year

    def _post_clean(self):
        super()._post_clean()
        if self._errors:
            return
        check = check_figure(self.instance, replaces=self.instance.replaces)
        if not check:
            return
        widget = self.fields["confirm_flags"].widget
        widget.token = check.token
        if self.cleaned_data.get("confirm_flags") == check.token:
            self.figure_check = check
            return
        self.add_error(None, NeedsConfirmation(check))

    def record_confirmation(self, user):
        record_confirmation(self.instance, self.figure_check, user)
