"""The NDC codes a NADAC price file is matched by."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from therapies.models import Therapy

_DIGITS = re.compile(r"[0-9]+")


def normalise_ndc(value):
    """An NDC as the 11 digits NADAC uses, or None if it cannot be one.

    Accepts the 11-digit form ('00002143380'), the same with leading zeros lost
    by a spreadsheet ('2143380'), and the hyphenated 5-4-2, 4-4-2, 5-3-2 and
    5-4-1 forms printed on packs ('0002-1433-80' becomes '00002143380')."""
    text = str(value).strip()
    if "-" in text:
        parts = text.split("-")
        widths = (5, 4, 2)
        if len(parts) != 3 or not all(_DIGITS.fullmatch(part) and len(part) <= width for part, width in zip(parts, widths)):
            return None
        return "".join(part.zfill(width) for part, width in zip(parts, widths))
    if not _DIGITS.fullmatch(text) or len(text) > 11:
        return None
    return text.zfill(11)


class NdcMapping(models.Model):
    """Ties one National Drug Code to a therapy, with how many of its pricing
    units (tablets, mL, each...) a year of treatment takes, so a NADAC price per
    unit becomes an annual cost."""

    therapy = models.ForeignKey(Therapy, on_delete=models.PROTECT, related_name="ndc_mappings")
    ndc = models.CharField(
        "NDC",
        max_length=11,
        unique=True,
        help_text="11 digits as in the NADAC file, e.g. 00002143380 (0002-1433-80 is accepted and converted).",
    )
    units_per_year = models.DecimalField(
        "units a year",
        max_digits=12,
        decimal_places=4,
        help_text="Pricing units (as in NADAC's 'Pricing Unit' column) for one year of treatment, e.g. 365 tablets.",
    )
    note = models.TextField(blank=True, help_text="e.g. the pack, strength and dosing the units are based on.")

    class Meta:
        verbose_name = "NDC mapping"
        ordering = ["therapy__generic_name", "ndc"]
        constraints = [
            models.CheckConstraint(condition=Q(ndc__regex=r"^[0-9]{11}$"), name="ndc_mapping_ndc_11_digits"),
            models.CheckConstraint(condition=Q(units_per_year__gt=0), name="ndc_mapping_units_positive"),
        ]

    def __str__(self):
        return f"{self.ndc_display} → {self.therapy}"

    @property
    def ndc_display(self):
        return f"{self.ndc[:5]}-{self.ndc[5:9]}-{self.ndc[9:]}" if len(self.ndc) == 11 else self.ndc

    def clean(self):
        if self.ndc:
            normalised = normalise_ndc(self.ndc)
            if normalised is None:
                raise ValidationError({"ndc": "An NDC is 11 digits (or 10 digits in a hyphenated 4-4-2, 5-3-2 or 5-4-1 form)."})
            self.ndc = normalised
        if self.units_per_year is not None and self.units_per_year <= 0:
            raise ValidationError({"units_per_year": "Units a year must be more than zero."})
