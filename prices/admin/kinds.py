"""Admin for what a figure is: countries and kinds of figure (changed by
superusers only: the price editors' role may view them, accounts/roles.py),
and products' dosing, which price editors record so a price per unit becomes
a year's figure (also on each therapy's page, prices/admin/catalogue.py)."""

from django.contrib import admin

from prices.models import Country, PriceKind, ProductDosing


class PriceKindInline(admin.TabularInline):
    model = PriceKind
    fields = ("slug", "name", "explanation", "position", "source_url")
    extra = 0
    show_change_link = True


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "currency", "position")
    list_editable = ("position",)
    inlines = [PriceKindInline]


@admin.register(PriceKind)
class PriceKindAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "country", "position")
    list_filter = ("country",)
    list_select_related = ("country",)
    search_fields = ("name", "slug")

    def has_delete_permission(self, request, obj=None):
        # Estimates protect their kind; a kind in use is renamed, not deleted.
        if obj is not None and obj.estimates.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ProductDosing)
class ProductDosingAdmin(admin.ModelAdmin):
    list_display = ("therapy", "product_display", "unit", "units_per_year", "note")
    list_select_related = ("therapy",)
    list_filter = (("therapy", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("therapy__generic_name", "product", "unit")
    autocomplete_fields = ("therapy",)

    @admin.display(description="product", ordering="product")
    def product_display(self, obj):
        return obj.product or "the medicine as a whole"


class ProductDosingInline(admin.TabularInline):
    """Beside the NDC mappings: how much of each product a year takes."""

    model = ProductDosing
    fields = ("product", "unit", "units_per_year", "note")
    extra = 0
    verbose_name_plural = "Product dosing (for prices per unit: units of each product a year)"
