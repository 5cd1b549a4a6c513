"""The HCPCS codes a CMS ASP pricing file (Medicare Part B) is matched by."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from therapies.models import Therapy

_HCPCS = re.compile(r"[A-Z][0-9]{4}")


def normalise_hcpcs(value):
    """A HCPCS Level II code as CMS writes it (a capital letter and 4 digits,
    e.g. J2350), or None if it cannot be one. Spaces around it and a lower-case
    letter are accepted."""
    text = str(value).strip().upper()
    return text if _HCPCS.fullmatch(text) else None


def normalise_dosage(value):
    """A billing unit as compared with the file's 'HCPCS Code Dosage' column:
    '1 mg', '1 MG' and ' 1  MG ' are the same unit."""
    return " ".join(str(value).split()).upper()


class HcpcsMapping(models.Model):
    """Ties one HCPCS code to a therapy's product, with how many of its billing
    units (the file's 'HCPCS Code Dosage', e.g. 1 MG) a year of treatment takes,
    so a Medicare Part B payment limit per unit becomes a year's figure."""

    therapy = models.ForeignKey(Therapy, on_delete=models.PROTECT, related_name="hcpcs_mappings")
    hcpcs = models.CharField(
        "HCPCS code",
        max_length=5,
        unique=True,
        help_text="A capital letter and 4 digits, as in the ASP pricing file, e.g. J2350.",
    )
    product = models.CharField(
        max_length=120,
        blank=True,
        help_text="As the estimates name it, e.g. 'Ocrevus (brand)'; empty for the medicine as a whole.",
    )
    billing_unit = models.CharField(
        max_length=40,
        help_text="The file's 'HCPCS Code Dosage' for this code, e.g. '1 MG'. A file giving another unit is refused, "
        "so the units a year never multiply the wrong unit.",
    )
    units_per_year = models.DecimalField(
        "billing units a year",
        max_digits=12,
        decimal_places=4,
        help_text="Billing units for one year of treatment, e.g. 1200 for 1,200 mg billed per 1 MG.",
    )
    note = models.TextField(help_text="Where the dosing comes from, e.g. '600 mg every 6 months (label)'.")

    class Meta:
        verbose_name = "HCPCS mapping"
        ordering = ["therapy__generic_name", "hcpcs"]
        constraints = [
            models.CheckConstraint(condition=Q(hcpcs__regex=r"^[A-Z][0-9]{4}$"), name="hcpcs_mapping_code_letter_4_digits"),
            models.CheckConstraint(condition=Q(units_per_year__gt=0), name="hcpcs_mapping_units_positive"),
            models.CheckConstraint(condition=~Q(billing_unit=""), name="hcpcs_mapping_billing_unit_given"),
        ]

    def __str__(self):
        return f"{self.hcpcs} → {self.product or self.therapy}"

    def clean(self):
        if self.hcpcs:
            code = normalise_hcpcs(self.hcpcs)
            if code is None:
                raise ValidationError({"hcpcs": "A HCPCS code is a letter and 4 digits, e.g. J2350."})
            self.hcpcs = code
        if self.billing_unit:
            self.billing_unit = normalise_dosage(self.billing_unit)
        if self.units_per_year is not None and self.units_per_year <= 0:
            raise ValidationError({"units_per_year": "Billing units a year must be more than zero."})
