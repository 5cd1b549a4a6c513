"""How each medicine fits a reader's answers to the decision aid (issue 22).

Every medicine gets one line per answer saying how it fits, from its
structured values (Therapy.DECISION_AID_FIELDS and the fact sheet's choices),
never from its prose. A medicine fits unless a line says it does not; a value
the sources do not give is said as "not recorded", and never counts against
a medicine. Nothing is scored or ranked: both lists are in name order."""

from dataclasses import dataclass, field

from pages.decision_aid import ANY, NOT_SURE
from therapies.fact_sheet import NOT_RECORDED, burden_text
from therapies.models import DoseInterval, Efficacy, PregnancyPlan, Route, Setting


WAYS = {
    "tablet": "a tablet or capsule at home",
    "home-injection": "an injection you give yourself at home",
    "clinic": "an infusion or injection in a clinic",
}

# How often a reader is willing to take a medicine, and the schedules that
# are that often or less (DoseInterval, most often first).
LESS_OFTEN_THAN = {
    "daily": set(DoseInterval.values),
    "weekly": {DoseInterval.WEEKLY, DoseInterval.MONTHLY, DoseInterval.TWICE_YEARLY, DoseInterval.COURSES},
    "monthly": {DoseInterval.MONTHLY, DoseInterval.TWICE_YEARLY, DoseInterval.COURSES},
    "yearly": {DoseInterval.TWICE_YEARLY, DoseInterval.COURSES},
}

# "Stronger effect" and "fewer rare serious risks", as the efficacy levels
# the brief's sources give: the stronger medicines are the ones whose rare
# serious risks (PML, other autoimmune conditions) the question is about.
WEIGHING_FITS = {
    "stronger": {Efficacy.HIGH, Efficacy.MODERATE_HIGH},
    "safer": {Efficacy.MODERATE},
}
WEIGHING_SAID = {
    "stronger": "you would accept a higher chance of rare serious risks for a stronger effect",
    "safer": "you would rather have a lower chance of rare serious risks, with a less strong effect",
}


@dataclass
class Line:
    """How a medicine fits one answer: `fits` is True, False (the reason it
    does not fit) or None (said for information, or not recorded)."""

    topic: str
    text: str
    fits: bool | None = None


@dataclass
class Option:
    therapy: object
    lines: list = field(default_factory=list)

    @property
    def fits(self):
        return not self.reasons

    @property
    def reasons(self):
        return [line for line in self.lines if line.fits is False]

    # The figures every option shows in the same form (pages/includes/decide_figures.html).

    @property
    def way(self):
        """'A tablet or capsule at home, a capsule every day.'"""
        way, often = WAYS[way_of_taking(self.therapy)], how_often(self.therapy)
        said = f"{way}, {often[:1].lower()}{often[1:]}" if often else way
        return f"{said[:1].upper()}{said[1:]}."

    @property
    def blood_tests(self):
        return burden_text(self.therapy.blood_tests_first_year, self.therapy.blood_tests_later_year)

    @property
    def clinic_visits(self):
        return burden_text(self.therapy.clinic_visits_first_year, self.therapy.clinic_visits_later_year)

    @property
    def pregnancy(self):
        return pregnancy_text(self.therapy)


def way_of_taking(therapy):
    """The decision aid's answer a medicine matches: "tablet",
    "home-injection" or "clinic"."""
    if therapy.route == Route.INFUSION or therapy.taken_where == Setting.CLINIC:
        return "clinic"
    return "tablet" if therapy.route == Route.ORAL else "home-injection"


def how_often(therapy):
    return therapy.frequency.strip() or therapy.get_dose_interval_display()


def pregnancy_text(therapy):
    """The plan (a structured value), then the fact sheet's own reviewed
    words, which carry what the plan alone would lose: whose label says so,
    that it applies to men too, that it is usually stopped."""
    plan = therapy.pregnancy_plan
    said = therapy.pregnancy.strip()
    if plan == PregnancyPlan.STOP_BEFORE:
        plan_text = f"At least {therapy.conception_wait_text} from the last dose before trying to conceive."
    elif plan == PregnancyPlan.CAN_CONTINUE:
        plan_text = "Can be used in pregnancy when clinically needed."
    elif plan == PregnancyPlan.PLAN_WITH_TEAM:
        washout = therapy.pregnancy_washout.strip()
        plan_text = "Plan the timing with your neurologist." + (f" Wash-out before trying for a baby: {washout}." if washout else "")
    else:
        return f"{NOT_RECORDED.capitalize()}."
    return f"{plan_text} {said}" if said else plan_text


def _ms_type(therapy, value, question):
    labels = therapy.ms_type_labels
    if value == NOT_SURE:
        return Line("MS type", f"Licensed for: {', '.join(labels)}." if labels else f"Licensed for: {NOT_RECORDED}.")
    label = question.label_of(value)
    label = label[:1].lower() + label[1:]  # mid-sentence: "relapsing-remitting MS"
    if not labels:
        return Line("MS type", f"Licensed for: {NOT_RECORDED}.")
    if value in therapy.ms_type_codes:
        return Line("MS type", f"Licensed for {label}.", True)
    return Line("MS type", f"Not licensed for {label}.", False)


def _judged(topic, said, fits, reason):
    """The line for an answer a medicine fits or not: what it is, then why not."""
    return Line(topic, f"{said}.", True) if fits else Line(topic, f"{said}: {reason}.", False)


def _way(therapy, value, question):
    way = way_of_taking(therapy)
    said = f"Taken as {WAYS[way]}"
    if value not in WAYS:
        return Line("How it is taken", f"{said}.")
    if way == value:
        return Line("How it is taken", f"{said}.", True)
    return Line("How it is taken", f"{said}; you prefer {WAYS[value]}.", False)


def _often(therapy, value, question):
    said = how_often(therapy)
    if not therapy.dose_interval:
        return Line("How often", f"{said or NOT_RECORDED.capitalize()}.")
    if value not in LESS_OFTEN_THAN:
        return Line("How often", f"{said}.")
    return _judged("How often", said, therapy.dose_interval in LESS_OFTEN_THAN[value], "more often than you said you could")


def _burden(noun, first_field, later_field):
    def line(therapy, value, question):
        first, later = getattr(therapy, first_field), getattr(therapy, later_field)
        said = burden_text(first, later)
        if not value.isdigit() or (first is None and later is None):
            return Line(noun, f"{said}.")
        limit = int(value)
        within = all(count is None or count <= limit for count in (first, later))
        return _judged(noun, said, within, f"more than the {limit} a year you could manage")

    return line


def _pregnancy(therapy, value, question):
    # Never a reason not to fit: a reader planning a pregnancy needs to see
    # every option with its timing, and the plan is made with the neurologist.
    if value == "no":
        return None
    return Line("Pregnancy", pregnancy_text(therapy))


def _weighing(therapy, value, question):
    tier = therapy.get_efficacy_tier_display()
    if not tier:
        return Line("Effect and risks", f"Efficacy level {NOT_RECORDED}.")
    if value not in WEIGHING_FITS:
        return Line("Effect and risks", f"{tier}.")
    return _judged("Effect and risks", tier, therapy.efficacy_tier in WEIGHING_FITS[value], f"you said {WEIGHING_SAID[value]}")


def _cost(therapy, value, question):
    if value == "yes" or value == NOT_SURE:
        return Line("Cost", "Its yearly cost is shown below; what you pay depends on your insurance or health service.")
    return None


RULES = {
    "ms": _ms_type,
    "way": _way,
    "often": _often,
    "tests": _burden("Blood tests", "blood_tests_first_year", "blood_tests_later_year"),
    "visits": _burden("Clinic visits for doses", "clinic_visits_first_year", "clinic_visits_later_year"),
    "pregnancy": _pregnancy,
    "weighing": _weighing,
    "cost": _cost,
}


def option(therapy, answers, questions):
    """The Option for `therapy`: a line per answered question (none for an
    answer with nothing to say, such as "doesn't matter to me")."""
    lines = []
    for question in questions:
        value = answers.get(question.name)
        if value is None or value == ANY:
            continue
        line = RULES[question.name](therapy, value, question)
        if line is not None:
            lines.append(line)
    return Option(therapy, lines)


@dataclass
class Result:
    fitting: list
    not_fitting: list
    comparators: list  # the different comparators of the listed medicines' main trials

    @property
    def comparators_differ(self):
        return len(self.comparators) > 1


def match(therapies, answers, questions):
    """The medicines that fit and those that do not, each in name order."""
    options = [option(therapy, answers, questions) for therapy in therapies]
    comparators = sorted({t.get_trial_comparator_display() for t in therapies if t.trial_comparator})
    return Result(
        fitting=[o for o in options if o.fits],
        not_fitting=[o for o in options if not o.fits],
        comparators=comparators,
    )


def questions_to_ask(answers):
    """Questions for the neurologist or MS nurse, from the reader's answers."""
    asked = ["Which of these medicines would you suggest for me, and why?"]
    if answers.get("ms") == NOT_SURE:
        asked.append("Which type of MS do I have, and which medicines are licensed for it?")
    if answers.get("pregnancy") in ("yes", NOT_SURE):
        asked.append("How would we plan stopping before a pregnancy, and how would my MS be looked after meanwhile?")
    if any(answers.get(name) not in (None, ANY) for name in ("tests", "visits")):
        asked.append("How many blood tests and clinic visits would I need in the first year, and after that?")
    if answers.get("way") == "clinic":
        asked.append("Where would I go for infusions, and how long does each visit take?")
    elif answers.get("way") in ("tablet", "home-injection"):
        asked.append("What checks would I need before and after starting a medicine at home?")
    if answers.get("weighing") == "stronger":
        asked.append("What are the rare serious risks of a stronger medicine for me, and how would we watch for them?")
    elif answers.get("weighing") == "safer":
        asked.append("What would I give up by choosing a medicine with a less strong effect?")
    elif answers.get("weighing") == NOT_SURE:
        asked.append("How do the benefits and the risks of these medicines compare for someone like me?")
    if answers.get("cost") in ("yes", NOT_SURE):
        asked.append("What would each medicine cost me, with my insurance or health service?")
    asked.append("What would happen if I did not start a medicine now?")
    return asked
