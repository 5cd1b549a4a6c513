"""The choices a therapy (and each of its forms) is described by: how it is
given, how far it has come, how often and where it is taken, how well it
works, and the MS types a medicine can be licensed for."""

from django.db import models


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


def ms_type_field(code):
    return f"licensed_{code}"


# --- The decision aid's structured values (issue 22) ---
# Each is filled from the fact sheets and the content brief and reviewed like
# the rest of the therapy, so the aid never parses a sentence to decide what
# fits: an empty value is said as "not recorded", never guessed.


class TrialComparator(models.TextChoices):
    """What the main trial result (efficacy_result) was measured against.
    Results against different comparators cannot be set side by side."""

    PLACEBO = "placebo", "a dummy treatment (placebo)"
    INTERFERON_BETA_1A = "interferon_beta_1a", "interferon beta-1a"
    TERIFLUNOMIDE = "teriflunomide", "teriflunomide"


class PregnancyPlan(models.TextChoices):
    CAN_CONTINUE = "can_continue", "Can be used in pregnancy when clinically needed"
    STOP_BEFORE = "stop_before", "Stopped a set time before trying to conceive"
    PLAN_WITH_TEAM = "plan_with_team", "Timing planned with the neurologist"


class TimeUnit(models.TextChoices):
    DAYS = "days", "days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"
