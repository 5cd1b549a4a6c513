"""Withdrawing and correcting prices in the admin: the "Withdraw…" and
"Correct…" pages of a cost estimate, "Withdraw this whole import…" on a price
import, and how an estimate's state is shown wherever estimates are listed.

The views only show a form and call prices.pricing.corrections, which holds
the rules."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from editorial.models import person_name
from prices.models import EstimateState
from prices.admin.checks import confirm_field
from prices.pricing import corrections
from prices.pricing.checks import NeedsConfirmation

# Enough to show an estimate's state without a query per row.
STATE_RELATED = ("withdrawn_by__staff_profile", "replaced_by__recorded_by__staff_profile")


def _when(moment):
    return f"{moment:%d %b %Y}" if moment else "an unknown date"


def state_text(estimate):
    """What became of an estimate, in words: in use, withdrawn (when, by whom,
    why) or replaced by a correction (when, by whom, why)."""
    if estimate.pk is None:
        return ""
    if estimate.state == EstimateState.WITHDRAWN:
        who = person_name(estimate.withdrawn_by) or "someone no longer on the staff"
        return f"Withdrawn on {_when(estimate.withdrawn_at)} by {who}: {estimate.withdrawal_reason}"
    if estimate.state == EstimateState.SUPERSEDED:
        correction = getattr(estimate, "replaced_by", None)
        if correction is None:
            return "Replaced by a correction"
        who = person_name(correction.recorded_by) or "a price import"
        return f"Replaced by a correction on {_when(correction.recorded_at)} by {who}: {correction.correction_reason}"
    # Active but older than another of its product and kind (a queryset
    # through estimates.with_in_use): readers see the newer one.
    if getattr(estimate, "has_newer", False):
        return "Earlier figure (a newer one of this product and kind is in use)"
    if estimate.replaces_id:
        return f"In use (a correction: {estimate.correction_reason})"
    return "In use"


def state_html(estimate, link=True):
    """`state_text`, marked so a withdrawn or replaced estimate stands out, and
    linking to the correction where there is one."""
    text = state_text(estimate)
    if estimate.pk is None or estimate.state == EstimateState.ACTIVE:
        return text
    correction = getattr(estimate, "replaced_by", None) if estimate.state == EstimateState.SUPERSEDED else None
    if link and correction is not None:
        url = reverse("admin:prices_costestimate_change", args=[correction.pk])
        return format_html('<strong class="estimate-not-in-use">{}</strong> (<a href="{}">see the correction</a>)', text, url)
    return format_html('<strong class="estimate-not-in-use">{}</strong>', text)


# --- Forms -------------------------------------------------------------------------------


def _reason_field(label, what):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with the estimate and in the record of review decisions.",
        error_messages={"required": f"Please give the reason for {what}: it is kept in the record. Nothing was changed."},
    )


class WithdrawEstimateForm(forms.Form):
    reason = _reason_field("Reason for withdrawing it", "withdrawing it")


class WithdrawImportForm(forms.Form):
    reason = _reason_field("Reason for withdrawing the import", "withdrawing the import")


class CorrectEstimateForm(forms.Form):
    """New figures and source for the same subject, product, currency and date."""

    low = forms.DecimalField(label="Lowest annual cost", max_digits=12, decimal_places=2, min_value=0)
    high = forms.DecimalField(label="Highest annual cost", max_digits=12, decimal_places=2, min_value=0)
    source_name = forms.CharField(label="Source", max_length=200)
    source_url = forms.URLField(label="Source address", max_length=500, required=False, assume_scheme="https")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    reason = _reason_field("Reason for the correction", "the correction")
    # Appears with the warnings when the new figures are flagged (admin/checks.py).
    confirm_flags = confirm_field()

    @classmethod
    def initial_from(cls, estimate):
        return {name: getattr(estimate, name) for name in corrections.CORRECTABLE_FIELDS}


def _show_errors(form, error):
    """Put the domain's ValidationError on the form, by field where it can."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- On the cost estimate ----------------------------------------------------------------


class EstimateCorrectionAdminMixin:
    """For CostEstimateAdmin: the state of each estimate, and Withdraw… and Correct…."""

    change_form_template = "admin/prices/costestimate/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/withdraw/", view(self.withdraw_view), name="prices_costestimate_withdraw"),
            path("<path:object_id>/correct/", view(self.correct_view), name="prices_costestimate_correct"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_correct_prices": corrections.can_correct(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _estimate_or_redirect(self, request, object_id):
        if not corrections.can_correct(request.user):
            raise PermissionDenied
        estimate = self.get_object(request, unquote(object_id))
        if estimate is None:
            return None, self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if estimate.state != EstimateState.ACTIVE:
            messages.error(request, f"This estimate is no longer in use ({state_text(estimate)}), so it cannot be changed.")
            return None, HttpResponseRedirect(self._estimate_url(estimate))
        return estimate, None

    @staticmethod
    def _estimate_url(estimate):
        return reverse("admin:prices_costestimate_change", args=[estimate.pk])

    def withdraw_view(self, request, object_id):
        estimate, refusal = self._estimate_or_redirect(request, object_id)
        if refusal:
            return refusal
        form = WithdrawEstimateForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                corrections.withdraw(estimate, request.user, form.cleaned_data["reason"])
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Withdrawn: readers no longer see “{estimate}”. It stays in the history, marked as withdrawn.",
                )
                return HttpResponseRedirect(self._estimate_url(estimate))
        return self._render_action(
            request,
            estimate,
            form,
            title=f"Withdraw “{estimate}”?",
            intro=[
                "Readers will no longer see this estimate on any page, and it stops counting as the current price. "
                "The price before it (if there is one) shows again.",
                "It stays in the admin's history, marked as withdrawn, with your name, the date and the reason.",
            ],
            submit="Yes, withdraw it",
            cancel="No, keep it",
        )

    def correct_view(self, request, object_id):
        estimate, refusal = self._estimate_or_redirect(request, object_id)
        if refusal:
            return refusal
        if request.method == "POST":
            form = CorrectEstimateForm(request.POST)
        else:
            form = CorrectEstimateForm(initial=CorrectEstimateForm.initial_from(estimate))
        if form.is_bound and form.is_valid():
            values = dict(form.cleaned_data)
            values["confirmation"] = values.pop("confirm_flags", "")
            try:
                correction = corrections.correct(estimate, request.user, **values)
            except NeedsConfirmation as flagged:
                form.fields["confirm_flags"].widget.token = flagged.check.token
                form.add_error(None, flagged)
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Corrected: readers now see “{correction}”. The estimate it replaces stays in the history, marked as replaced.",
                )
                return HttpResponseRedirect(self._estimate_url(correction))
        product = f", product “{estimate.product}”" if estimate.product else ""
        return self._render_action(
            request,
            estimate,
            form,
            title=f"Correct “{estimate}”",
            intro=[
                f"The correction is for the same {('therapy' if estimate.therapy_id else 'category')} "
                f"({estimate.subject}{product}), currency ({estimate.currency}) and as-of date "
                f"({estimate.as_of:%d %b %Y}). To record a newer price instead, add a new estimate with its own date.",
                "Readers will see only the correction. This estimate stays in the admin's history, marked as replaced.",
            ],
            submit="Save the correction",
            cancel="Cancel",
        )

    def _render_action(self, request, estimate, form, *, title, intro, submit, cancel):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "original": estimate,
            "form": form,
            "intro": intro,
            "submit_label": submit,
            "cancel_label": cancel,
            "change_url": self._estimate_url(estimate),
        }
        return TemplateResponse(request, "admin/prices/estimate_action.html", context)


# --- On the price import -----------------------------------------------------------------


class ImportWithdrawalAdminMixin:
    """For PriceImportAdmin: "Withdraw this whole import…"."""

    change_form_template = "admin/prices/priceimport/change_form.html"

    def get_urls(self):
        withdraw = path(
            "<path:object_id>/withdraw/",
            self.admin_site.admin_view(self.withdraw_view),
            name="prices_priceimport_withdraw",
        )
        return [withdraw, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_correct_prices": corrections.can_correct(request.user)}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context["estimates_in_use"] = obj.estimates.active().count()
        return super().change_view(request, object_id, form_url, extra_context)

    def withdraw_view(self, request, object_id):
        if not corrections.can_correct(request.user):
            raise PermissionDenied
        price_import = self.get_object(request, unquote(object_id))
        if price_import is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = reverse("admin:prices_priceimport_change", args=[price_import.pk])
        in_use = price_import.estimates.active().count()
        if not in_use:
            messages.error(request, "None of this import's estimates is still in use: there is nothing to withdraw.")
            return HttpResponseRedirect(change_url)
        form = WithdrawImportForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                count = corrections.withdraw_import(price_import, request.user, form.cleaned_data["reason"])
            except ValidationError as error:
                _show_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Withdrawn {count} estimate{'s' if count != 1 else ''} from this import: readers no longer see them. "
                    "They stay in the history, marked as withdrawn.",
                )
                return HttpResponseRedirect(change_url)
        total = price_import.estimates.count()
        left = total - in_use
        intro = [
            f"All {in_use} estimate{'s' if in_use != 1 else ''} of this import still in use will be withdrawn with the "
            "reason you give: readers will no longer see them, and the prices before them (if any) show again.",
            "They stay in the admin's history, marked as withdrawn, with your name, the date and the reason.",
        ]
        if left:
            intro.append(
                f"{left} of its estimates were already withdrawn or corrected: they are left as they are "
                "(a correction made since stays in use)."
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Withdraw the whole of price import #{price_import.pk}?",
            "original": price_import,
            "form": form,
            "intro": intro,
            "submit_label": "Yes, withdraw them",
            "cancel_label": "No, keep them",
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/prices/estimate_action.html", context)
