"""Admin for the HCPCS codes a CMS ASP pricing file is matched by (Medicare
Part B payment limits), as NDC codes are mapped for NADAC files: on their own
list, and on each therapy's page (prices/admin/catalogue.py)."""

from django import forms
from django.contrib import admin

from prices.models import HcpcsMapping, normalise_dosage, normalise_hcpcs


class HcpcsMappingForm(forms.ModelForm):
    # A little longer than the stored 5 characters, so " j2350 " can be typed in.
    hcpcs = forms.CharField(label="HCPCS code", max_length=10, help_text=HcpcsMapping._meta.get_field("hcpcs").help_text)

    class Meta:
        model = HcpcsMapping
        fields = ("therapy", "hcpcs", "product", "billing_unit", "units_per_year", "note")

    def clean_hcpcs(self):
        code = normalise_hcpcs(self.cleaned_data["hcpcs"])
        if code is None:
            raise forms.ValidationError("A HCPCS code is a letter and 4 digits, e.g. J2350.")
        return code

    def clean_billing_unit(self):
        unit = normalise_dosage(self.cleaned_data["billing_unit"])
        if not unit:
            raise forms.ValidationError("Write the billing unit as the file's 'HCPCS Code Dosage' gives it, e.g. 1 MG.")
        return unit

    def clean_units_per_year(self):
        units = self.cleaned_data["units_per_year"]
        if units is not None and units <= 0:
            raise forms.ValidationError("Billing units a year must be more than zero.")
        return units


@admin.register(HcpcsMapping)
class HcpcsMappingAdmin(admin.ModelAdmin):
    form = HcpcsMappingForm
    list_display = ("hcpcs", "therapy", "product", "billing_unit", "units_per_year", "note")
    list_select_related = ("therapy",)
    list_filter = ("therapy__category",)
    search_fields = ("hcpcs", "product", "therapy__generic_name", "therapy__brand_names", "therapy__slug", "note")
    autocomplete_fields = ("therapy",)
    ordering = ("therapy__generic_name", "hcpcs")


class HcpcsMappingInline(admin.TabularInline):
    """The HCPCS codes an ASP pricing file is matched by (see Price updates)."""

    model = HcpcsMapping
    form = HcpcsMappingForm
    fields = ("hcpcs", "product", "billing_unit", "units_per_year", "note")
    extra = 0
    verbose_name_plural = "HCPCS mappings (for CMS ASP pricing files, Medicare Part B)"
