"""Admin for cost estimates: the estimates page, and the rows and forms
the catalogue's change pages use to record a new price.

Prices are history: an estimate, once recorded, is never edited or deleted in
the admin. A new price is a new estimate, recorded in the blank form under a
category or therapy (or on the cost estimates page); the newest as-of date is
the current price. Wrong ones are withdrawn or corrected (corrections.py)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    BooleanField, Case, CheckConstraint, ExpressionWrapper, F, OuterRef, Q, Subquery, UniqueConstraint, When,
)
from django.db.models.constants import LOOKUP_SEP
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from editorial.admin import PersonListFilter
from editorial.models import person_name
from prices.admin.checks import CheckedEstimateFormMixin, confirm_field
from prices.admin.corrections import STATE_RELATED, EstimateCorrectionAdminMixin, state_html
from prices.admin.imports import NdcMappingForm
from prices.templatetags.prices import unit_arithmetic
from prices.models import CostEstimate, NdcMapping, staleness_cutoff


ESTIMATE_FIELDS = (
    "kind", "low", "high", "currency", "unit_price", "unit", "as_of", "product", "source_name", "source_url", "note"
)


INLINE_FIELDS = tuple(name for name in ESTIMATE_FIELDS if name not in ("unit_price", "unit"))

# A source address typed without a scheme gets https://, not http://.
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


def with_current_price(queryset, subject_field):
    """Annotate each row with its newest estimate (as-of date, then recording
    time, then id: the same order as `current_estimate`), one subquery per
    column, so a changelist runs the same number of queries for any number of rows."""
    newest = CostEstimate.objects.active().filter(**{subject_field: OuterRef("pk")}).order_by(
        "-as_of", "-recorded_at", "-id"
    )
    return queryset.annotate(
        current_low=Subquery(newest.values("low")[:1]),
        current_high=Subquery(newest.values("high")[:1]),
        current_currency=Subquery(newest.values("currency")[:1]),
        current_as_of=Subquery(newest.values("as_of")[:1]),
    )


def with_in_use(queryset):
    """Mark each estimate `has_newer` unless it is the current one of its
    subject, product and kind (newest by as-of date, recording time, id),
    so only that one reads "In use". Each row's current estimate is one seek
    in its subject's index, whatever the history (an OR of "later" conditions
    over the history would read all of it)."""

    def current_id(subject):
        return (
            CostEstimate.objects.active()
            .filter(**{subject: OuterRef(subject)}, kind=OuterRef("kind"), product=OuterRef("product"))
            .newest_first().values("id")[:1]
        )

    current = Case(When(therapy__isnull=False, then=Subquery(current_id("therapy"))), default=Subquery(current_id("category")))
    return queryset.annotate(current_of_kind=current).annotate(
        has_newer=ExpressionWrapper(~Q(id=F("current_of_kind")), output_field=BooleanField())
    )


class CurrentPriceColumns:
    """List columns for a changelist whose queryset went through `with_current_price`."""

    @admin.display(description="current price (a year)")
    def current_price(self, obj):
        if obj.current_low is None:
            return "—"
        return f"{obj.current_currency} {obj.current_low:,.0f}–{obj.current_high:,.0f}"

    @admin.display(description="price as of", ordering="current_as_of")
    def current_as_of(self, obj):
        if obj.current_as_of is None:
            return "—"
        text = f"{obj.current_as_of:%d %b %Y}"
        if obj.current_as_of < staleness_cutoff():
            return format_html('{} <strong title="Older than the staleness limit">(out of date?)</strong>', text)
        return text


def _condition_fields(condition):
    """Field names a CheckConstraint's condition refers to."""
    for child in condition.children:
        if isinstance(child, Q):
            yield from _condition_fields(child)
            continue
        lookup, value = child
        yield lookup.split(LOOKUP_SEP)[0]
        if isinstance(value, F):
            yield value.name.split(LOOKUP_SEP)[0]


def _constraint_fields(constraint):
    if isinstance(constraint, UniqueConstraint):
        fields = set(constraint.fields)
        if constraint.condition is not None:
            fields |= set(_condition_fields(constraint.condition))
        return fields
    if isinstance(constraint, CheckConstraint):
        return set(_condition_fields(constraint.condition))
    return set()


def flags_confirmed_text(estimate):
    """'Checked by Edna Editor: Large change: ...', or '—'."""
    if not estimate.flags_confirmed:
        return "—"
    who = person_name(estimate.flags_confirmed_by) or "someone no longer on the staff"
    return f"Checked by {who}: {estimate.flags_confirmed}"


class EstimateInlineForm(CheckedEstimateFormMixin, forms.ModelForm):
    """The form of the blank estimate row under a category or therapy.

    Django leaves the inline's own foreign key out of model validation, so
    constraints that name it (one estimate per subject, currency and date;
    exactly one subject) would reach the database unchecked and fail there as
    a server error. The formset sets that key before validation, so those
    constraints are checked here, with the key included, and their messages
    land on the form."""

    # No Meta: the inline supplies model and fields (and the form field options).
    parent_field = None  # set by the inline: "category" or "therapy"
    confirm_flags = confirm_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A column of the table: empty until the row's figure is flagged.
        self.fields["confirm_flags"].widget.hidden_until_flagged = False

    def validate_unique(self):
        super().validate_unique()
        fk = self.parent_field
        if fk is None or getattr(self.instance, f"{fk}_id") is None:
            return
        # Fields that failed validation are left out, as Model.full_clean does;
        # fields not on the form keep the instance's value and are checked.
        exclude = {name for name in self.errors if name != fk}
        errors = {}
        for constraint in CostEstimate._meta.constraints:
            if fk not in _constraint_fields(constraint):
                continue
            try:
                constraint.validate(CostEstimate, self.instance, exclude=exclude)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            self._update_errors(ValidationError(errors))


class EstimateInlineFormSet(forms.BaseInlineFormSet):
    """Two new rows for the same product, currency and date in one save are
    refused too (Django's own formset check skips conditional unique constraints)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() or not form.is_valid() or form in self.deleted_forms:
                continue
            key = (form.instance.product, form.instance.kind_id, form.instance.currency, form.instance.as_of)
            if key in seen:
                raise ValidationError(
                    "Two new estimates have the same currency and as-of date (and the same product and kind): "
                    "keep one of them."
                )
            seen.add(key)


ESTIMATES_SHOWN_INLINE = 10


class RecentEstimatesFormSet(EstimateInlineFormSet):
    """Only the newest ESTIMATES_SHOWN_INLINE estimates become rows, whatever
    the length of the history (years of weekly imports reach thousands, and a
    row each made the change page unusable); the full list is one link away,
    on the cost estimates page filtered to this subject."""

    shown = ESTIMATES_SHOWN_INLINE

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            queryset = super().get_queryset()
            if self.is_bound:
                # The rows the editor was shown, even if newer estimates have
                # been recorded since the page was opened.
                queryset = queryset.filter(pk__in=self._posted_ids())
            self._queryset = queryset[: self.shown]
        return self._queryset

    def _posted_ids(self):
        ids = []
        for i in range(min(self.initial_form_count(), self.shown)):
            value = self.data.get(f"{self.add_prefix(i)}-{self.model._meta.pk.name}", "")
            if str(value).isdigit():
                ids.append(int(value))
        return ids

    @property
    def estimates_total(self):
        """Every estimate of the subject, withdrawn and replaced ones included."""
        if not hasattr(self, "_estimates_total"):
            self._estimates_total = 0 if self.instance.pk is None else self.queryset.count()
        return self._estimates_total

    @property
    def full_list_url(self):
        changelist = reverse("admin:prices_costestimate_changelist")
        return f"{changelist}?{self.fk.name}__id__exact={self.instance.pk}"


class CostEstimateInline(admin.TabularInline):
    """The newest estimates shown read-only (newest first, at most
    ESTIMATES_SHOWN_INLINE, with a link to all of them); one blank row to record
    a new one. No editing or deleting: a new price is a new estimate."""

    model = CostEstimate
    form = EstimateInlineForm
    formset = RecentEstimatesFormSet
    template = "admin/prices/costestimate/recent_inline.html"
    # A price per unit is recorded on the estimate's own page (Cost estimates >
    # Add): two more columns would push the row past 1280 px.
    fields = (*INLINE_FIELDS, "recorded_by_name", "recorded_at", "state_display", "confirm_flags")
    readonly_fields = ("recorded_by_name", "recorded_at", "state_display")
    formfield_overrides = URL_OVERRIDES
    extra = 1
    can_delete = False
    show_change_link = False
    verbose_name = "cost estimate"
    verbose_name_plural = (
        "Cost estimates (history is read-only: to change a price, record a new estimate "
        "with its as-of date in the blank row)"
    )

    def get_queryset(self, request):
        return (
            with_in_use(super().get_queryset(request))
            # The subject too: each row's title (str()) names it.
            .select_related(
                "category", "therapy", "kind", "recorded_by__staff_profile", "flags_confirmed_by__staff_profile",
                *STATE_RELATED,
            )
            .order_by("-as_of", "-recorded_at", "-id")
        )

    @admin.display(description="recorded by")
    def recorded_by_name(self, obj):
        return recorded_by_name(obj)

    @admin.display(description="in use?")
    def state_display(self, obj):
        return state_html(obj)

    @admin.display(description="")
    def confirm_flags(self, obj):
        # The saved rows' cell of the blank row's "I have checked this figure"
        # column, kept narrow (the row must fit 1280 px): the details are on
        # the estimate's own page and in the title.
        if not obj.flags_confirmed:
            return ""
        return format_html('<span title="{}">checked</span>', flags_confirmed_text(obj))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.parent_field = formset.fk.name
        return formset

    def has_change_permission(self, request, obj=None):
        # Without change permission Django shows the saved rows read-only and
        # ignores anything posted for them; the blank row stays editable.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def recorded_by_name(estimate):
    """The name, without the link to the user account Django would add: most
    editors may not open accounts, and the link only led them to a refusal."""
    if estimate.recorded_by_id is None:
        return "a price import" if estimate.price_import_id else "—"
    return person_name(estimate.recorded_by)


class SaveEstimatesAsUserMixin:
    """Stamps new estimates from an inline with the editor who recorded them."""

    def get_inlines(self, request, obj):
        # An estimate needs a saved subject: save the category or therapy first,
        # then record its price on the change page.
        if obj is None:
            return [inline for inline in self.inlines if inline.model is not CostEstimate]
        return self.inlines

    def save_formset(self, request, form, formset, change):
        if formset.model is not CostEstimate:
            return super().save_formset(request, form, formset, change)
        confirmed = {id(form.instance): form for form in formset.forms if form.figure_check}
        for estimate in formset.save(commit=False):
            if estimate._state.adding:
                estimate.recorded_by = request.user
                estimate.recorded_at = timezone.now()
                if id(estimate) in confirmed:
                    confirmed[id(estimate)].record_confirmation(request.user)
            estimate.save()
        formset.save_m2m()


class NdcMappingInline(admin.TabularInline):
    """The NDCs a NADAC price file is matched by (see Price updates)."""

    model = NdcMapping
    form = NdcMappingForm
    fields = ("ndc", "units_per_year", "note")
    extra = 0
    verbose_name_plural = "NDC mappings (for NADAC price files)"


class CostEstimateForm(CheckedEstimateFormMixin, forms.ModelForm):
    confirm_flags = confirm_field()

    class Meta:  # the admin adds model and fields
        help_texts = {
            "category": "Choose a category or a therapy, not both.",
            "therapy": "Choose a category or a therapy, not both.",
        }


@admin.register(CostEstimate)
class CostEstimateAdmin(EstimateCorrectionAdminMixin, admin.ModelAdmin):
    """Add new estimates; existing ones can be looked at, withdrawn or
    corrected (see corrections.py), never changed or deleted."""

    form = CostEstimateForm
    formfield_overrides = URL_OVERRIDES
    list_display = (
        "subject_display",
        "kind",
        "low",
        "high",
        "currency",
        "as_of",
        "product_display",
        "source_name",
        "recorded_by_name",
        "recorded_at",
        "state_display",
    )
    list_filter = ("state", "kind", "currency", "category__kind", "category", ("recorded_by", PersonListFilter))
    list_select_related = ("category", "therapy", "kind", "recorded_by__staff_profile", *STATE_RELATED)
    search_fields = ("category__name", "therapy__generic_name", "therapy__brand_names", "product", "source_name", "note")
    date_hierarchy = "as_of"
    ordering = ("-as_of", "-recorded_at", "-id")
    autocomplete_fields = ("category", "therapy")
    fieldsets = (
        ("What it is the price of", {"fields": ("category", "therapy", "product")}),
        (
            "Annual cost",
            {
                "fields": ("kind", "currency", ("low", "high"), ("unit_price", "unit"), ("as_of", "as_of_precision")),
                "description": "A year's figure (low and high), or a price per unit: the units a year then come "
                "from the product's recorded dosing.",
            },
        ),
        ("Source", {"fields": ("source_name", "source_url", "note")}),
        (None, {"fields": ("confirm_flags",)}),
    )

    def get_queryset(self, request):
        return with_in_use(super().get_queryset(request))

    @admin.display(description="category or therapy", ordering="category__name")
    def subject_display(self, obj):
        return obj.subject

    @admin.display(description="product priced", ordering="product")
    def product_display(self, obj):
        return obj.product or "—"

    @admin.display(description="recorded by", ordering="recorded_by__first_name")
    def recorded_by_name(self, obj):
        return recorded_by_name(obj)

    @admin.display(description="in use?", ordering="state")
    def state_display(self, obj):
        return state_html(obj)

    @admin.display(description="corrects")
    def corrects_display(self, obj):
        replaced = obj.replaces
        url = reverse("admin:prices_costestimate_change", args=[replaced.pk])
        return format_html('<a href="{}">{}</a>, because: {}', url, replaced, obj.correction_reason)

    @admin.display(description="units a year")
    def units_display(self, obj):
        # As readers see it on the pages.
        return unit_arithmetic(obj) or "—"

    @admin.display(description="warnings confirmed")
    def flags_confirmed_display(self, obj):
        return flags_confirmed_text(obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            state = ("state_display", "corrects_display") if obj.replaces_id else ("state_display",)
            fieldsets = (
                *(fieldset for fieldset in fieldsets if fieldset[0] is not None),
                ("Recorded", {"fields": ("units_display", "recorded_by_name", "recorded_at", "flags_confirmed_display")}),
                ("In use?", {"fields": state}),
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (
                "category",
                "therapy",
                *ESTIMATE_FIELDS,
                "as_of_precision",
                "units_display",
                "flags_confirmed_display",
                "recorded_by_name",
                "recorded_at",
                "state_display",
                "corrects_display",
            )
        return ()

    def has_change_permission(self, request, obj=None):
        # Existing estimates are history: the change page only shows them.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
            obj.recorded_at = timezone.now()
            if form.figure_check:
                form.record_confirmation(request.user)
        super().save_model(request, obj, form, change)
