"""Prices on the catalogue's admin pages: each group and therapy list gets
its current price and as-of date as columns, and each change page the rows
of its recent estimates with a blank one to record a new price (therapies
also their NDC and HCPCS mappings and products' dosing). The catalogue's admins know nothing of prices, so
each is registered again here as a subclass that adds them, the usual way
to extend another app's admin."""

from django.contrib import admin

from prices.admin.estimates import (
    CostEstimateInline,
    CurrentPriceColumns,
    NdcMappingInline,
    SaveEstimatesAsUserMixin,
    with_current_price,
)
from prices.admin.hcpcs import HcpcsMappingInline
from prices.admin.kinds import ProductDosingInline
from therapies.admin.content import (
    CategoryAdmin,
    DmtGroupAdmin,
    EmergingSectionAdmin,
    SupportiveSectionAdmin,
    TherapyAdmin,
)
from therapies.models import Category, DmtGroup, EmergingSection, SupportiveSection, Therapy


def with_price_columns(list_display, after):
    at = list_display.index(after) + 1
    return (*list_display[:at], "current_price", "current_as_of", *list_display[at:])


class PricedAdminMixin(SaveEstimatesAsUserMixin, CurrentPriceColumns):
    subject_field = None  # "category" or "therapy"

    def get_queryset(self, request):
        return with_current_price(super().get_queryset(request), self.subject_field)


class PricedCategoryAdmin(PricedAdminMixin, CategoryAdmin):
    subject_field = "category"
    list_display = with_price_columns(CategoryAdmin.list_display, after="display_order")
    inlines = [*CategoryAdmin.inlines, CostEstimateInline]


class PricedDmtGroupAdmin(PricedAdminMixin, DmtGroupAdmin):
    subject_field = "category"
    list_display = with_price_columns(DmtGroupAdmin.list_display, after="display_order")
    inlines = [*DmtGroupAdmin.inlines, CostEstimateInline]


# Sections carry no prices of their own (the DMT groups do), so their lists
# have no price columns; a price recorded on a section still shows on its page.
class PricedEmergingSectionAdmin(PricedAdminMixin, EmergingSectionAdmin):
    subject_field = "category"
    inlines = [*EmergingSectionAdmin.inlines, CostEstimateInline]


class PricedSupportiveSectionAdmin(PricedAdminMixin, SupportiveSectionAdmin):
    subject_field = "category"
    inlines = [*SupportiveSectionAdmin.inlines, CostEstimateInline]


class PricedTherapyAdmin(PricedAdminMixin, TherapyAdmin):
    subject_field = "therapy"
    list_display = with_price_columns(TherapyAdmin.list_display, after="stage_display")
    inlines = [*TherapyAdmin.inlines, NdcMappingInline, HcpcsMappingInline, ProductDosingInline, CostEstimateInline]


PRICED_ADMINS = {
    Category: PricedCategoryAdmin,
    DmtGroup: PricedDmtGroupAdmin,
    EmergingSection: PricedEmergingSectionAdmin,
    SupportiveSection: PricedSupportiveSectionAdmin,
    Therapy: PricedTherapyAdmin,
}

for model, model_admin in PRICED_ADMINS.items():
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
