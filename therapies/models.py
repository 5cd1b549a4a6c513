from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from simple_history.models import HistoricalRecords

from editorial.models import ReviewedContent, ReviewedContentQuerySet
from core.markup import MARKDOWN_HELP, reject_images



class CategoryKind(models.TextChoices):
    DISEASE_MODIFYING = "dmt", "Disease-modifying therapy"
    EMERGING = "emerging", "Emerging therapy"
    SUPPORTIVE = "supportive", "Supportive care"


# Named so the kind-specific proxies below can share it (see _record_history_of).
_CATEGORY_HISTORY = HistoricalRecords()


class Category(ReviewedContent):
    """A group of therapies: a DMT category, an emerging-therapy section or a
    supportive-care section. The kind decides which public page shows it.
    Editors find each kind under its own name (the proxies below)."""

    Kind = CategoryKind

    kind = models.CharField(max_length=20, choices=CategoryKind.choices)
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the page's address, e.g. 'oral-dmts' for /categories/oral-dmts/.",
    )
    display_order = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed from the lowest number up."
    )
    summary = models.TextField(help_text="One or two plain sentences shown in lists and tables.")
    body = models.TextField(blank=True, help_text=MARKDOWN_HELP, validators=[reject_images])
    administration = models.CharField(
        "how it is given",
        max_length=200,
        blank=True,
        help_text="For DMT categories, e.g. 'Self-injection, 1 to 7 times a week'.",
    )
    history = _CATEGORY_HISTORY

    class Meta(ReviewedContent.Meta):
        verbose_name_plural = "categories"
        ordering = ["kind", "display_order", "name"]
        permissions = [("publish_category", "Can approve, publish and unpublish categories and sections")]
        constraints = [
            *ReviewedContent.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=CategoryKind.values), name="category_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("therapies:category_detail", args=[self.slug])

    # Emerging sections are due for review sooner (settings.EMERGING_REVIEW_INTERVAL_MONTHS).
    @property
    def default_review_interval(self):
        return _default_review_interval(self.kind)

    @classmethod
    def default_review_intervals(cls):
        return _default_review_intervals("kind")


def _default_review_interval(kind):
    if kind == CategoryKind.EMERGING:
        return min(settings.EMERGING_REVIEW_INTERVAL_MONTHS, settings.REVIEW_INTERVAL_MONTHS)
    return settings.REVIEW_INTERVAL_MONTHS


def _default_review_intervals(kind_field):
    emerging = Q(**{kind_field: CategoryKind.EMERGING})
    return [(_default_review_interval(CategoryKind.EMERGING), emerging), (settings.REVIEW_INTERVAL_MONTHS, ~emerging)]


# --- Each kind of category under the name the site's menu gives it -----------------------


class CategoryKindManager(models.Manager.from_queryset(ReviewedContentQuerySet)):
    """Only the categories of one kind."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class OneKindOfCategory:
    """A proxy of Category that holds one kind only: its rows are that kind,
    and a new one is made of that kind. Revisions, redirects, references and
    review decisions stay on Category's content type (Django's default for
    proxies), so a section has one history however it is reached."""

    KIND = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.kind:
            self.kind = self.KIND


class DmtGroup(OneKindOfCategory, Category):
    KIND = CategoryKind.DISEASE_MODIFYING
    objects = CategoryKindManager(KIND)

    class Meta:
        proxy = True
        verbose_name = "disease-modifying therapy group"
        verbose_name_plural = "disease-modifying therapy groups"
        ordering = ["display_order", "name"]
        permissions = [("publish_dmtgroup", "Can approve, publish and unpublish disease-modifying therapy groups")]


class EmergingSection(OneKindOfCategory, Category):
    KIND = CategoryKind.EMERGING
    objects = CategoryKindManager(KIND)

    class Meta:
        proxy = True
        verbose_name = "emerging therapy section"
        verbose_name_plural = "emerging therapy sections"
        ordering = ["display_order", "name"]
        permissions = [("publish_emergingsection", "Can approve, publish and unpublish emerging therapy sections")]


class SupportiveSection(OneKindOfCategory, Category):
    KIND = CategoryKind.SUPPORTIVE
    objects = CategoryKindManager(KIND)

    class Meta:
        proxy = True
        verbose_name = "supportive care section"
        verbose_name_plural = "supportive care sections"
        ordering = ["display_order", "name"]
        permissions = [("publish_supportivesection", "Can approve, publish and unpublish supportive care sections")]


CATEGORY_PROXIES = {proxy.KIND: proxy for proxy in (DmtGroup, EmergingSection, SupportiveSection)}


def _record_history_of(history, proxies):
    """simple-history listens only for saves of the model it is declared on,
    and Django names the proxy as the sender of a proxy's save
    (django-simple-history #544): without this, an edit made in a section's
    admin would leave no history. The proxies share Category's history table."""
    for proxy in proxies:
        proxy._meta.simple_history_manager_attribute = history.manager_name
        models.signals.post_save.connect(history.post_save, sender=proxy, weak=False)
        models.signals.pre_delete.connect(history.pre_delete, sender=proxy, weak=False)
        models.signals.post_delete.connect(history.post_delete, sender=proxy, weak=False)


_record_history_of(_CATEGORY_HISTORY, CATEGORY_PROXIES.values())


class Route(models.TextChoices):
    INJECTION = "injection", "Injection"
    ORAL = "oral", "Tablet or capsule"
    INFUSION = "infusion", "Infusion into a vein"
    PROCEDURE = "procedure", "Medical procedure"
    NON_DRUG = "non_drug", "Not a medicine (therapy or programme)"

class DevelopmentStage(models.TextChoices):
    PRECLINICAL = "preclinical", "Preclinical research"
    PHASE_1 = "phase_1", "Phase 1 trial"
    PHASE_2 = "phase_2", "Phase 2 trial"
    PHASE_3 = "phase_3", "Phase 3 trial"
    REGULATORY_REVIEW = "regulatory_review", "Under regulatory review"
    APPROVED = "approved", "Approved"
    # Stages end in other ways too, and readers must not be told a stopped
    # or refused medicine is still on its way.
    NOT_APPROVED = "not_approved", "Not approved in its current form"
    DISCONTINUED = "discontinued", "Development stopped"


class DoseInterval(models.TextChoices):
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "One to three times a week, or every two weeks"
    MONTHLY = "monthly", "Every 4 to 6 weeks"
    TWICE_YEARLY = "twice_yearly", "Twice a year"
    COURSES = "courses", "Short courses a year apart"


class Setting(models.TextChoices):
    HOME = "home", "At home"
    CLINIC = "clinic", "In a clinic or hospital"


class Efficacy(models.TextChoices):
    MODERATE = "moderate", "Moderate efficacy"
    MODERATE_HIGH = "moderate_high", "Moderate to high efficacy"
    HIGH = "high", "High efficacy"


# The MS types a medicine can be licensed for, in the order readers meet them.
# Stored as one yes/no field each (licensed_<code>): a ticked box in the admin,
# a plain value in a revision's snapshot and "Yes"/"No" in the review diff,
# with no lookup table to seed or many-to-many history to keep.
MS_TYPES = [
    ("cis", "Clinically isolated syndrome"),
    ("rrms", "Relapsing-remitting MS"),
    ("spms", "Active secondary progressive MS"),
    ("ppms", "Primary progressive MS"),
]


def _ms_type_field(code):
    return f"licensed_{code}"


# The fact sheet, block by block in reading order: its code, its heading and
# the fields that fill it, in the admin's order (a tuple is one admin row).
# Block codes are what a reference's "supports" names, so one source can back
# several blocks. The admin's fieldset, the search index and the demo loader
# all take their field lists from here.
FACT_SHEET = [
    ("who", "Who it is for", (tuple(_ms_type_field(code) for code, _label in MS_TYPES), "who_for")),
    ("how", "How it is taken", (("dose_interval", "taken_where"),)),
    ("efficacy", "How well it works", ("efficacy_tier", "efficacy_result")),
    ("side_effects", "Common side effects", ("common_side_effects",)),
    ("risks", "Serious risks", ("serious_risks",)),
    ("monitoring", "Tests and monitoring", ("monitoring",)),
    ("before", "Before starting", ("before_starting",)),
    ("pregnancy", "Pregnancy and breastfeeding", ("pregnancy", "pregnancy_washout")),
    ("stopping", "When treatment stops", ("stopping",)),
]
FACT_SHEET_BLOCKS = [(code, heading) for code, heading, _fields in FACT_SHEET]
FACT_SHEET_ADMIN_ROWS = tuple(row for _code, _heading, rows in FACT_SHEET for row in rows)
FACT_SHEET_FIELDS = tuple(
    name for row in FACT_SHEET_ADMIN_ROWS for name in (row if isinstance(row, tuple) else (row,))
)
# The MS-type boxes, stored one yes/no field each: shown together as one list.
FACT_SHEET_MS_TYPE_FIELDS = tuple(name for name in FACT_SHEET_FIELDS if name.startswith("licensed_"))

LIST_HELP = "One item per line; each line is shown as a bullet point."


class TherapyQuerySet(ReviewedContentQuerySet):
    def licensed_for(self, code):
        """Therapies licensed for the MS type `code` (one of MS_TYPES' codes)."""
        if code not in dict(MS_TYPES):
            raise ValueError(f"Unknown MS type {code!r}; expected one of {', '.join(dict(MS_TYPES))}.")
        return self.filter(**{_ms_type_field(code): True})


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
    pregnancy = models.TextField(
        "pregnancy and breastfeeding", blank=True, help_text="A short plain statement."
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
        return _default_review_interval(category.kind if category else None)

    @classmethod
    def default_review_intervals(cls):
        return _default_review_intervals("category__kind")

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
        return [code for code, _ in MS_TYPES if getattr(self, _ms_type_field(code))]

    @property
    def ms_type_labels(self):
        return [label for code, label in MS_TYPES if getattr(self, _ms_type_field(code))]

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


def _is_written(name):
    field = Therapy._meta.get_field(name)
    return isinstance(field, (models.CharField, models.TextField)) and not field.choices


# The fact sheet's written fields (not its boxes and choices): searched as text.
FACT_SHEET_TEXT_FIELDS = tuple(name for name in FACT_SHEET_FIELDS if _is_written(name))
