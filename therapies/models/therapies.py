"""A therapy: a medicine, procedure or programme, its page and its fact sheet.

The fact sheet is described once (FACT_SHEET: each block's code, heading and
fields); the admin's fieldset, the search index, the demo loader and the
public page all take their field lists from it, so a new field is added in
one place."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from simple_history.models import HistoricalRecords

from core.markup import MARKDOWN_HELP, reject_images
from editorial.models import ReviewedContent, ReviewedContentQuerySet
from therapies.models.categories import Category, review_interval_for_kind, review_intervals_by_kind
from therapies.models.choices import (
    MS_TYPES,
    DevelopmentStage,
    DoseInterval,
    Efficacy,
    PregnancyPlan,
    Route,
    Setting,
    TimeUnit,
    TrialComparator,
    ms_type_field,
)

# The fact sheet, block by block in reading order: its code, its heading and
# the fields that fill it, in the admin's order (a tuple is one admin row).
# Block codes are what a reference's "supports" names, so one source can back
# several blocks. The admin's fieldset, the search index and the demo loader
# all take their field lists from here.
FACT_SHEET = [
    ("who", "Who it is for", (tuple(ms_type_field(code) for code, _label in MS_TYPES), "who_for")),
    ("how", "How it is taken", (("dose_interval", "taken_where"),)),
    ("efficacy", "How well it works", ("efficacy_tier", "efficacy_result")),
    ("side_effects", "Common side effects", ("common_side_effects",)),
    ("risks", "Serious risks", ("serious_risks",)),
    ("monitoring", "Tests and monitoring", ("monitoring",)),
    ("before", "Before starting", ("before_starting",)),
    ("pregnancy", "Pregnancy and breastfeeding", ("pregnancy", "breastfeeding", "pregnancy_washout")),
    ("stopping", "When treatment stops", ("stopping",)),
]
FACT_SHEET_BLOCKS = [(code, heading) for code, heading, _fields in FACT_SHEET]
FACT_SHEET_ADMIN_ROWS = tuple(row for _code, _heading, rows in FACT_SHEET for row in rows)


def _flat(rows):
    """The field names of admin rows (a tuple is one row of several fields)."""
    return tuple(name for row in rows for name in (row if isinstance(row, tuple) else (row,)))


FACT_SHEET_FIELDS = _flat(FACT_SHEET_ADMIN_ROWS)
# The MS-type boxes, stored one yes/no field each: shown together as one list.
FACT_SHEET_MS_TYPE_FIELDS = tuple(name for name in FACT_SHEET_FIELDS if name.startswith("licensed_"))
# What a reader choosing between approved medicines must find on every one of
# them (issue 18): these blocks each say something, and breastfeeding is
# answered on its own line. "Before starting" and "When treatment stops" are
# said where the sources say something, so they are not required.
FACT_SHEET_REQUIRED_BLOCKS = ("who", "how", "efficacy", "side_effects", "risks", "monitoring", "pregnancy")
FACT_SHEET_REQUIRED_FIELDS = ("breastfeeding",)

LIST_HELP = "One item per line; each line is shown as a bullet point."

# The decision aid's structured values (issue 22), in the admin's order. They
# are content like the fact sheet: an edit is a revision, reviewed and shown
# in the review's diff (editorial takes every editable field).
DECISION_AID_ADMIN_ROWS = (
    "trial_comparator",
    ("blood_tests_first_year", "blood_tests_later_year"),
    ("clinic_visits_first_year", "clinic_visits_later_year"),
    "pregnancy_plan",
    ("conception_wait", "conception_wait_unit"),
)
DECISION_AID_FIELDS = _flat(DECISION_AID_ADMIN_ROWS)
DECISION_AID_COUNT_FIELDS = (
    "blood_tests_first_year",
    "blood_tests_later_year",
    "clinic_visits_first_year",
    "clinic_visits_later_year",
)
# At most weekly: a count above this is a typing slip, not a schedule.
MOST_A_YEAR = 53
COUNT_HELP = (
    "A whole number a year, as the label or the content brief gives it (e.g. 'every 3 months' is 4). "
    "Leave empty where the sources give no count: the decision aid then says 'not recorded'."
)


class TherapyQuerySet(ReviewedContentQuerySet):
    def licensed_for(self, code):
        """Therapies licensed for the MS type `code` (one of MS_TYPES' codes)."""
        if code not in dict(MS_TYPES):
            raise ValueError(f"Unknown MS type {code!r}; expected one of {', '.join(dict(MS_TYPES))}.")
        return self.filter(**{ms_type_field(code): True})


def _lines(text):
    """One item per line: blank lines dropped, and a bullet an editor typed
    ("- ", "• ", "* ") too, as the page draws its own."""
    items = (line.strip().lstrip("-•* ").strip() for line in (text or "").splitlines())
    return [item for item in items if item]


class Therapy(ReviewedContent):
    Route = Route
    Stage = DevelopmentStage
    Interval = DoseInterval
    Setting = Setting
    Efficacy = Efficacy
    MS_TYPES = MS_TYPES
    FACT_SHEET_BLOCKS = FACT_SHEET_BLOCKS
    # The parts of the page a reference can say it supports (editorial.Reference.supports).
    CITATION_BLOCKS = FACT_SHEET_BLOCKS

    generic_name = models.CharField(max_length=120, unique=True)
    brand_names = models.CharField(
        max_length=250, blank=True, help_text="Comma-separated, e.g. 'Avonex, Rebif'."
    )
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the page's address, e.g. 'ocrelizumab' for /therapies/ocrelizumab/.",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="therapies")
    # Who makes it, when it was first approved and whether generics exist:
    # plain text as the sources give it (mostly a year, never a made-up day).
    maker = models.CharField(max_length=200, blank=True, help_text="The company behind it, e.g. 'Novartis'.")
    first_approved = models.CharField(
        "first approved",
        max_length=200,
        blank=True,
        help_text="Where and when it was first approved, as the sources give it, e.g. 'US 2020, EU 2021'.",
    )
    generics = models.CharField(
        "generic versions",
        max_length=300,
        blank=True,
        help_text="One plain sentence, e.g. 'Generic fingolimod has been sold in the US since 31 October 2022.' "
        "or 'No generic version yet.'",
    )
    route = models.CharField("how it is given", max_length=20, choices=Route.choices)
    frequency = models.CharField(
        "how often", max_length=120, blank=True, help_text="e.g. 'Once a week' or 'Every 6 months'."
    )
    mechanism = models.TextField("how it works", blank=True)
    summary = models.TextField(help_text="One or two plain sentences shown in lists.")
    body = models.TextField(blank=True, help_text=MARKDOWN_HELP, validators=[reject_images])
    development_stage = models.CharField(
        max_length=20,
        choices=DevelopmentStage.choices,
        blank=True,
        help_text="Required for agents in an emerging-therapy section.",
    )
    # --- Fact sheet: what a reader choosing a treatment needs to know ---
    # One box per MS type (see MS_TYPES): tick each the medicine is licensed for.
    licensed_cis = models.BooleanField("licensed for clinically isolated syndrome", default=False)
    licensed_rrms = models.BooleanField("licensed for relapsing-remitting MS", default=False)
    licensed_spms = models.BooleanField("licensed for active secondary progressive MS", default=False)
    licensed_ppms = models.BooleanField("licensed for primary progressive MS", default=False)
    who_for = models.CharField(
        "who it is for, in more detail",
        max_length=300,
        blank=True,
        help_text="Optional, one plain sentence, e.g. 'Usually for very active MS.' or 'Adults and children from 10.'",
    )
    dose_interval = models.CharField(
        "dose schedule",
        max_length=20,
        choices=DoseInterval.choices,
        blank=True,
        help_text="The closest group, used to filter and compare; say it exactly in 'how often'.",
    )
    taken_where = models.CharField(
        "where it is taken",
        max_length=20,
        choices=Setting.choices,
        blank=True,
        help_text="At home (tablets, self-injection) or in a clinic (infusions).",
    )
    efficacy_tier = models.CharField(
        "efficacy",
        max_length=20,
        choices=Efficacy.choices,
        blank=True,
        help_text="How well it prevents relapses, as the brief's sources group it.",
    )
    efficacy_result = models.TextField(
        "main trial result",
        blank=True,
        help_text="In plain words, with what it was compared with and the trial's name, e.g. "
        "'About half as many relapses as placebo over two years (FREEDOMS).'",
    )
    common_side_effects = models.TextField(blank=True, help_text=LIST_HELP)
    serious_risks = models.TextField(blank=True, help_text=LIST_HELP)
    monitoring = models.TextField(
        "tests and monitoring", blank=True, help_text="Which test and how often. " + LIST_HELP
    )
    before_starting = models.TextField(
        blank=True, help_text="Screening tests and vaccinations needed first. " + LIST_HELP
    )
    pregnancy = models.TextField("pregnancy", blank=True, help_text="A short plain statement.")
    breastfeeding = models.TextField(
        blank=True,
        help_text="A short plain statement, shown as its own line, e.g. 'Not while taking it, and for 10 days "
        "after the last dose.'",
    )
    pregnancy_washout = models.CharField(
        "wash-out before pregnancy",
        max_length=200,
        blank=True,
        help_text="How long to wait after stopping before trying to conceive, where that applies, e.g. '2 months'.",
    )
    stopping = models.TextField(
        "when treatment stops",
        blank=True,
        help_text="What happens on stopping: rebound risk, how long it stays in the body.",
    )
    # --- Decision aid: structured values, never parsed from the text above ---
    trial_comparator = models.CharField(
        "main trial compared with",
        max_length=30,
        choices=TrialComparator.choices,
        blank=True,
        help_text="What the main trial result was measured against. The decision aid says figures against "
        "different comparators cannot be compared directly.",
    )
    blood_tests_first_year = models.PositiveSmallIntegerField(
        "blood tests in the first year", null=True, blank=True, help_text="After starting. " + COUNT_HELP
    )
    blood_tests_later_year = models.PositiveSmallIntegerField(
        "blood tests a year after that", null=True, blank=True, help_text="The most a later year needs. " + COUNT_HELP
    )
    clinic_visits_first_year = models.PositiveSmallIntegerField(
        "clinic visits for doses in the first year",
        null=True,
        blank=True,
        help_text="Visits to be given the medicine or watched after a dose (0 for a medicine taken at home). "
        + COUNT_HELP,
    )
    clinic_visits_later_year = models.PositiveSmallIntegerField(
        "clinic visits for doses a year after that", null=True, blank=True, help_text="The most a later year needs. " + COUNT_HELP
    )
    pregnancy_plan = models.CharField(
        "pregnancy plan",
        max_length=20,
        choices=PregnancyPlan.choices,
        blank=True,
        help_text="How a pregnancy is planned with this medicine. 'Stopped a set time before' needs the time below.",
    )
    conception_wait = models.PositiveSmallIntegerField(
        "time from the last dose to trying for a baby",
        null=True,
        blank=True,
        help_text="Only with 'Stopped a set time before', e.g. 2 (months) for 'stop at least 2 months before "
        "trying to conceive'.",
    )
    conception_wait_unit = models.CharField("in", max_length=10, choices=TimeUnit.choices, blank=True)
    references = GenericRelation("editorial.Reference", related_query_name="therapy")
    history = HistoricalRecords()

    objects = TherapyQuerySet.as_manager()

    class Meta(ReviewedContent.Meta):
        verbose_name_plural = "therapies"
        ordering = ["generic_name"]
        permissions = [("publish_therapy", "Can approve, publish and unpublish therapies")]
        constraints = [
            *ReviewedContent.Meta.constraints,
            models.CheckConstraint(
                condition=Q(route__in=Route.values),
                name="therapy_route_valid",
            ),
            models.CheckConstraint(
                condition=Q(development_stage="") | Q(development_stage__in=DevelopmentStage.values),
                name="therapy_development_stage_valid",
            ),
            models.CheckConstraint(
                condition=Q(dose_interval="") | Q(dose_interval__in=DoseInterval.values),
                name="therapy_dose_interval_valid",
            ),
            models.CheckConstraint(
                condition=Q(taken_where="") | Q(taken_where__in=Setting.values),
                name="therapy_taken_where_valid",
            ),
            models.CheckConstraint(
                condition=Q(efficacy_tier="") | Q(efficacy_tier__in=Efficacy.values),
                name="therapy_efficacy_tier_valid",
            ),
            models.CheckConstraint(
                condition=Q(trial_comparator="") | Q(trial_comparator__in=TrialComparator.values),
                name="therapy_trial_comparator_valid",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lte": MOST_A_YEAR}),
                    name=f"therapy_{name}_at_most_weekly",
                )
                for name in DECISION_AID_COUNT_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(pregnancy_plan="") | Q(pregnancy_plan__in=PregnancyPlan.values),
                name="therapy_pregnancy_plan_valid",
            ),
            # A set time before conceiving is a number and a unit, given
            # exactly when the plan is to stop a set time before.
            models.CheckConstraint(
                condition=(
                    # isnull=False as well: a NULL wait makes "gte" unknown, and an unknown check passes.
                    Q(
                        pregnancy_plan=PregnancyPlan.STOP_BEFORE,
                        conception_wait__isnull=False,
                        conception_wait__gte=1,
                        conception_wait_unit__in=TimeUnit.values,
                    )
                    | (~Q(pregnancy_plan=PregnancyPlan.STOP_BEFORE) & Q(conception_wait__isnull=True, conception_wait_unit=""))
                ),
                name="therapy_conception_wait_with_its_plan",
            ),
        ]

    def __str__(self):
        return self.generic_name

    def get_absolute_url(self):
        return reverse("therapies:therapy_detail", args=[self.slug])

    # An agent in an emerging section is due for review as soon as its section.
    REVIEW_INTERVAL_RELATED = ("category",)

    @property
    def default_review_interval(self):
        category = getattr(self, "category", None) if self.category_id else None
        return review_interval_for_kind(category.kind if category else None)

    @classmethod
    def default_review_intervals(cls):
        return review_intervals_by_kind("category__kind")

    @property
    def address_aliases(self):
        """What readers type after /therapies/ and mean this therapy: its own
        address in any capitals, and each brand name ('gilenya' for
        fingolimod)."""
        brands = (slugify(brand) for brand in self.brand_names.split(","))
        return {self.slug.lower(), *(brand for brand in brands if brand)}

    @property
    def is_medicine(self):
        """A procedure (aHSCT) or a programme (physiotherapy) is not a medicine:
        pages list it apart from the medicines and give it no drug-trial stage."""
        return self.route not in (Route.PROCEDURE, Route.NON_DRUG)

    def clean(self):
        super().clean()
        if not self.slug and self.generic_name:
            self.slug = slugify(self.generic_name)
        category = getattr(self, "category", None) if self.category_id else None
        if category and category.kind == Category.Kind.EMERGING and not self.development_stage and self.is_medicine:
            raise ValidationError(
                {"development_stage": "Agents in an emerging-therapy section need a development stage."}
            )
        self._clean_conception_wait()

    def _clean_conception_wait(self):
        """The database's rule (therapy_conception_wait_with_its_plan), said
        next to the field an editor must change."""
        stops_before = self.pregnancy_plan == PregnancyPlan.STOP_BEFORE
        given = self.conception_wait is not None or bool(self.conception_wait_unit)
        if stops_before and (not self.conception_wait or not self.conception_wait_unit):
            raise ValidationError(
                {"conception_wait": "Give the time and its unit, e.g. 2 months: the plan is to stop a set time before."}
            )
        if given and not stops_before:
            raise ValidationError(
                {"conception_wait": "Leave this empty, or set the pregnancy plan to 'Stopped a set time before'."}
            )

    @property
    def conception_wait_text(self):
        """'2 months', '1 week', '10 days'; '' when there is no set time."""
        if not self.conception_wait or not self.conception_wait_unit:
            return ""
        unit = self.conception_wait_unit
        return f"{self.conception_wait} {unit[:-1] if self.conception_wait == 1 else unit}"

    def preview_notes(self):
        category = getattr(self, "category", None) if self.category_id else None
        if category is not None and not category.is_live:
            return [
                f"Its group, {category.name}, is not live: readers will not see this page until the group is published too."
            ]
        return []

    @property
    def brand_name_list(self):
        return [name.strip() for name in self.brand_names.split(",") if name.strip()]

    # --- Fact sheet helpers (the public page and the comparison read these) ---

    @property
    def ms_type_codes(self):
        return [code for code, _ in MS_TYPES if getattr(self, ms_type_field(code))]

    @property
    def ms_type_labels(self):
        return [label for code, label in MS_TYPES if getattr(self, ms_type_field(code))]

    @property
    def side_effect_list(self):
        return _lines(self.common_side_effects)

    @property
    def serious_risk_list(self):
        return _lines(self.serious_risks)

    @property
    def monitoring_list(self):
        return _lines(self.monitoring)

    @property
    def before_starting_list(self):
        return _lines(self.before_starting)

    @property
    def has_fact_sheet(self):
        """Has any fact-sheet block something to show?"""
        return bool(self.ms_type_codes) or any(
            _lines(getattr(self, name)) for name in FACT_SHEET_FIELDS if name not in FACT_SHEET_MS_TYPE_FIELDS
        )

    def unfilled_fact_sheet_parts(self):
        """What an approved medicine's fact sheet must say and this one does
        not: the codes of the required blocks with nothing in them, then the
        names of the required fields left empty (FACT_SHEET_REQUIRED_*)."""
        fields_of = {code: _flat(rows) for code, _heading, rows in FACT_SHEET}
        empty_blocks = [
            code
            for code in FACT_SHEET_REQUIRED_BLOCKS
            if not any(_says_something(getattr(self, name)) for name in fields_of[code])
        ]
        return empty_blocks + [name for name in FACT_SHEET_REQUIRED_FIELDS if not _says_something(getattr(self, name))]


def _says_something(value):
    return value is True or (isinstance(value, str) and bool(value.strip()))


def _is_written(name):
    field = Therapy._meta.get_field(name)
    return isinstance(field, (models.CharField, models.TextField)) and not field.choices


# The fact sheet's written fields (not its boxes and choices): searched as text.
FACT_SHEET_TEXT_FIELDS = tuple(name for name in FACT_SHEET_FIELDS if _is_written(name))
