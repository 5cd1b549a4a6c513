"""The catalogue's records: the groups and sections therapies are listed in
(categories), the therapies with their fact sheets (therapies), the choices
they are described by (choices), and the forms and versions of a medicine
(medicine_forms). Callers import from here."""

from therapies.models.categories import (
    CATEGORY_PROXIES,
    Category,
    CategoryKind,
    CategoryKindManager,
    DmtGroup,
    EmergingSection,
    OneKindOfCategory,
    SupportiveSection,
)
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
)
from therapies.models.medicine_forms import FormKind, TherapyForm
from therapies.models.therapies import (
    DECISION_AID_ADMIN_ROWS,
    DECISION_AID_FIELDS,
    FACT_SHEET,
    FACT_SHEET_ADMIN_ROWS,
    FACT_SHEET_BLOCKS,
    FACT_SHEET_FIELDS,
    FACT_SHEET_MS_TYPE_FIELDS,
    FACT_SHEET_REQUIRED_BLOCKS,
    FACT_SHEET_REQUIRED_FIELDS,
    FACT_SHEET_TEXT_FIELDS,
    LIST_HELP,
    Therapy,
    TherapyQuerySet,
)

__all__ = [
    "CATEGORY_PROXIES",
    "DECISION_AID_ADMIN_ROWS",
    "DECISION_AID_FIELDS",
    "FACT_SHEET",
    "FACT_SHEET_ADMIN_ROWS",
    "FACT_SHEET_BLOCKS",
    "FACT_SHEET_FIELDS",
    "FACT_SHEET_MS_TYPE_FIELDS",
    "FACT_SHEET_REQUIRED_BLOCKS",
    "FACT_SHEET_REQUIRED_FIELDS",
    "FACT_SHEET_TEXT_FIELDS",
    "LIST_HELP",
    "MS_TYPES",
    "Category",
    "CategoryKind",
    "CategoryKindManager",
    "DevelopmentStage",
    "DmtGroup",
    "DoseInterval",
    "Efficacy",
    "EmergingSection",
    "FormKind",
    "OneKindOfCategory",
    "PregnancyPlan",
    "Route",
    "Setting",
    "SupportiveSection",
    "Therapy",
    "TherapyForm",
    "TherapyQuerySet",
    "TimeUnit",
    "TrialComparator",
]
