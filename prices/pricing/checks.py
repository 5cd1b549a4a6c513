"""Checking a figure typed in the admin (a new estimate, or a correction)
before it goes live, with the rules an uploaded file's rows get
(pricing.review: large change, implausible amount), and working out a year's
figure from a price per unit and the product's recorded dosing.

A flagged figure is saved only when the editor confirms it; what they
confirmed, and who they are, is kept on the estimate (flags_confirmed,
flags_confirmed_by) and shown in the admin."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from prices.models import ProductDosing
from prices.pricing.review import IMPLAUSIBLE, LARGE_CHANGE, Rules, current_estimates, review_rows
from prices.pricing.validation import EstimateRow


def units_a_year(therapy, product, unit, unit_price):
    """The units a year of `therapy`'s `product` priced per `unit`, from its
    ProductDosing, so a price per unit becomes a year's figure the same way
    everywhere. Raises ValidationError (by field) when something is missing,
    or no dosing is recorded for that product and unit."""
    if unit_price is None:
        raise ValidationError({"unit_price": "Give the price per unit, or leave the unit empty."})
    if not unit:
        raise ValidationError({"unit": "Give the unit the price is per, e.g. 'mg' or '300 mg vial'."})
    if therapy is None:
        raise ValidationError({"unit_price": "A price per unit is for a medicine's product, not a group: choose a therapy."})
    dosing = ProductDosing.objects.filter(therapy=therapy, product=product, unit=unit).first()
    if dosing is None:
        which = f"“{product}”" if product else "the medicine as a whole (no product)"
        raise ValidationError(
            {
                "unit": f"No dosing is recorded for {which} of {therapy} per “{unit}”, so the units a year are "
                "unknown. Record the product's dosing first (Product dosings, or the therapy's page), then "
                "enter the price again."
            }
        )
    return dosing.units_per_year


@dataclass(frozen=True)
class FigureCheck:
    """The review of one typed figure: its flags and, for each, a sentence
    an editor can act on."""

    flags: tuple
    explanations: tuple
    # Names the figures and flags the editor saw: a confirmation given for
    # one figure does not carry over to another typed after it.
    token: str = ""

    def __bool__(self):
        return bool(self.flags)

    @property
    def summary(self):
        return " ".join(self.explanations)


def _money(currency, low, high):
    return f"{currency} {low:,.2f}–{high:,.2f}"


def check_figure(estimate, rules=None, replaces=None):
    """Review `estimate` (not yet saved) as an upload row would be: compared
    with the figure in use for its subject, product and kind (`replaces`, the
    estimate a correction replaces, is left out). Returns a FigureCheck."""
    rules = rules or Rules()
    subject = estimate.subject
    kind = "therapy" if estimate.therapy_id else "category"
    row = EstimateRow(
        "this figure", kind, getattr(subject, "slug", ""), subject.pk, estimate.low, estimate.high,
        estimate.currency, estimate.as_of, estimate.source_name, estimate.source_url, estimate.note,
        estimate.product, estimate.kind_id,
    )
    current = current_estimates([row], exclude_ids=[replaces.pk] if replaces is not None else [])
    (reviewed,) = review_rows([row], ["new"], current, rules)
    explanations = []
    what = f"{subject}{f' ({estimate.product})' if estimate.product else ''}"
    if LARGE_CHANGE in reviewed.flags:
        now = reviewed.current
        compared = f" (its products' figures taken together: {', '.join(now.products)})" if now.products else ""
        explanations.append(
            f"Large change: the {estimate.kind} in use for {what}{compared} is "
            f"{_money(estimate.currency, now.low, now.high)} (as of {date_format(now.as_of, 'j M Y')}); this figure "
            f"changes the low by {reviewed.low_change_text} and the high by {reviewed.high_change_text} "
            f"(more than {rules.threshold:,f}% either way is flagged)."
        )
    if IMPLAUSIBLE in reviewed.flags:
        explanations.append(
            f"Implausible amount: {_money(estimate.currency, estimate.low, estimate.high)} a year is below "
            f"{rules.plausible_min:,.0f} or above {rules.plausible_max:,.0f}, as a typo often is "
            "(a digit too many or too few, a price per unit given as the year's figure)."
        )
    seen = repr((estimate.subject, estimate.product, estimate.kind_id, estimate.currency, estimate.low,
                 estimate.high, reviewed.flags, reviewed.current))
    return FigureCheck(reviewed.flags, tuple(explanations), hashlib.sha256(seen.encode()).hexdigest()[:20])


def record_confirmation(estimate, check, user):
    """Keep on the estimate which flags `user` confirmed, in the words they saw."""
    if check:
        estimate.flags_confirmed = check.summary
        estimate.flags_confirmed_by = user


# The box an editor ticks to confirm a flagged figure, named in the message that asks for it.
CONFIRM_LABEL = "I have checked this figure"


class NeedsConfirmation(ValidationError):
    """A flagged figure given without the confirmation of that figure."""

    def __init__(self, check):
        super().__init__(
            f"Nothing was saved: please check this figure. {check.summary} If it is right, tick "
            f"“{CONFIRM_LABEL}” and save again; your name is kept with the estimate."
        )
        self.check = check


def require_confirmation(estimate, user, confirmation, replaces=None):
    """Check `estimate`; raise NeedsConfirmation unless it is unflagged or
    `confirmation` is the token of its check; record who confirmed what."""
    check = check_figure(estimate, replaces=replaces)
    if check and confirmation != check.token:
        raise NeedsConfirmation(check)
    record_confirmation(estimate, check, user)
    return check
