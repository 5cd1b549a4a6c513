"""The forms and versions of a medicine: ocrelizumab's infusion and its
injection under the skin, natalizumab's original and its biosimilar, a
generic of fingolimod.

They are the same medicine, with one page and one fact sheet, so a form is a
row of its therapy (as a product is for prices), not a therapy of its own:
what differs between forms is how, how often and where it is given, its brand
and maker, and when it was approved. On a live page readers see a form as soon
as it is saved, so only a medical reviewer may change the forms of a live page
(the therapy admin's inline, as for its references)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from therapies.models.choices import Route, Setting
from therapies.models.therapies import Therapy


class FormKind(models.TextChoices):
    ORIGINAL = "original", "Original"
    NEW_FORM = "new_form", "Another form"
    BIOSIMILAR = "biosimilar", "Biosimilar"
    GENERIC = "generic", "Generic"


class TherapyForm(models.Model):
    """A form or version of a medicine, listed on its therapy's page under
    "Forms and versions"."""

    Kind = FormKind
    Route = Route
    Setting = Setting

    therapy = models.ForeignKey(Therapy, on_delete=models.CASCADE, related_name="forms")
    position = models.PositiveSmallIntegerField(default=0, help_text="Forms are listed from the lowest number up.")
    name = models.CharField(
        max_length=120, help_text="What the form is, in plain words, e.g. 'Infusion into a vein' or 'Injection under the skin'."
    )
    kind = models.CharField(max_length=20, choices=FormKind.choices, default=FormKind.ORIGINAL)
    brand_names = models.CharField(
        max_length=250, blank=True, help_text="The names it is sold under, comma-separated, e.g. 'Ocrevus Zunovo'."
    )
    maker = models.CharField(max_length=200, blank=True, help_text="Where it differs from the medicine's, e.g. 'Sandoz'.")
    route = models.CharField("how it is given", max_length=20, choices=Route.choices)
    schedule = models.CharField("how often", max_length=200, help_text="e.g. 'Every 6 months'.")
    taken_where = models.CharField("where it is given", max_length=20, choices=Setting.choices)
    how_given = models.TextField(
        "how and where it is given",
        help_text="In plain words: who gives it, where, how long it takes and what comes before or after.",
    )
    approved = models.CharField(
        max_length=200, blank=True, help_text="When it was approved, as the sources give it, e.g. 'US September 2024, EU June 2024'."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "form or version"
        verbose_name_plural = "forms and versions"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["therapy", "name"], name="therapy_form_name_unique_per_therapy"),
            models.CheckConstraint(condition=Q(kind__in=FormKind.values), name="therapy_form_kind_valid"),
            models.CheckConstraint(condition=Q(route__in=Route.values), name="therapy_form_route_valid"),
            models.CheckConstraint(condition=Q(taken_where__in=Setting.values), name="therapy_form_taken_where_valid"),
        ]

    def __str__(self):
        return f"{self.therapy}: {self.name}"

    @property
    def brand_name_list(self):
        return [name.strip() for name in self.brand_names.split(",") if name.strip()]
