"""Demo fact sheets for the ten disease-modifying therapies, from the content
brief's "Therapy fact sheets", in the site's own plain words, with the trial
or label each block rests on as a reference.

`load(command, therapies)` is called by load_demo_content. Like the rest of the
demo content it is safe to run again: it only fills fact-sheet fields that are
empty (so an editor's text is never overwritten) and only adds references a
page does not already cite (by title). The filled fields go live the way any
edit does: saved as an edit, and a published page's pending revision approved
by the demo medical reviewer. A page with an edit already waiting for review
is left alone, so the editor's pending work is neither merged nor approved.

The brief gives no addresses for these trials and labels, so the references
have none: an address we could not vouch for would be worse than none (the
same rule as the launch price reference). Editors add addresses in the admin.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

from editorial import workflow
from editorial.models import Reference
from therapies.models import Therapy

# All fact-sheet fields, in the admin's order; the MS-type boxes count as one
# field ("ms_types"): filled only when none is ticked.
TEXT_FIELDS = [
    "who_for",
    "dose_interval",
    "taken_where",
    "efficacy_tier",
    "efficacy_result",
    "common_side_effects",
    "serious_risks",
    "monitoring",
    "before_starting",
    "pregnancy",
    "pregnancy_washout",
    "stopping",
]

RELAPSING_FORMS = ["cis", "rrms", "spms"]  # the brief's "relapsing forms"

LABEL = "Product label (prescribing information)"
TRIAL = "Pivotal trial"

# The blocks a label backs unless a page says otherwise: everything but the
# trial result, which cites its trial.
LABEL_BLOCKS = "who,how,side_effects,risks,monitoring,before,pregnancy,stopping"


def _lines(*items):
    return "\n".join(items)


INTERFERON_SIDE_EFFECTS = _lines(
    "Flu-like symptoms (aches, fever, chills) in the hours after an injection",
    "Redness or soreness where the injection goes in",
    "Headache",
)
INTERFERON_RISKS = _lines(
    "Liver damage",
    "Depression",
    "Low numbers of blood cells",
    "Damage to the skin where the injection goes in",
)
INTERFERON_MONITORING = _lines(
    "Blood counts and liver tests every few months at first, then less often",
    "Thyroid tests",
)
INTERFERON_PREGNANCY = (
    "In Europe, the labels allow it to be used during pregnancy and breastfeeding when a doctor "
    "thinks it is needed."
)

# slug -> {"ms_types": [...], field: value, ..., "references": [reference rows]}
FACT_SHEETS = {
    "interferon-beta-1a": {
        "ms_types": RELAPSING_FORMS,
        "dose_interval": Therapy.Interval.WEEKLY,
        "taken_where": Therapy.Setting.HOME,
        "efficacy_tier": Therapy.Efficacy.MODERATE,
        "efficacy_result": "About a third fewer relapses than a dummy treatment (placebo) in its trials.",
        "common_side_effects": INTERFERON_SIDE_EFFECTS,
        "serious_risks": INTERFERON_RISKS,
        "monitoring": INTERFERON_MONITORING,
        "pregnancy": INTERFERON_PREGNANCY,
        "references": [
            {
                "title": "Avonex and Rebif (interferon beta-1a): prescribing information",
                "publisher": LABEL,
                "supports": "who,how,efficacy,side_effects,risks,monitoring",
            },
            {
                "title": "Interferon beta: European product labels on pregnancy and breastfeeding",
                "publisher": LABEL,
                "supports": "pregnancy",
            },
        ],
    },
    "interferon-beta-1b": {
        "ms_types": RELAPSING_FORMS,
        # Every other day: nearer "a few times a week" than "every day"; the
        # page's "how often" says it exactly.
        "dose_interval": Therapy.Interval.WEEKLY,
        "taken_where": Therapy.Setting.HOME,
        "efficacy_tier": Therapy.Efficacy.MODERATE,
        "efficacy_result": "About a third fewer relapses than a dummy treatment (placebo) in its trials.",
        "common_side_effects": INTERFERON_SIDE_EFFECTS,
        "serious_risks": INTERFERON_RISKS,
        "monitoring": INTERFERON_MONITORING,
        "pregnancy": INTERFERON_PREGNANCY,
        "references": [
            {
                "title": "Betaseron and Extavia (interferon beta-1b): prescribing information",
                "publisher": LABEL,
                "supports": "who,how,efficacy,side_effects,risks,monitoring",
            },
            {
                "title": "Interferon beta: European product labels on pregnancy and breastfeeding",
                "publisher": LABEL,
                "supports": "pregnancy",
            },
        ],
    },
    "peginterferon-beta-1a": {
        "ms_types": RELAPSING_FORMS,
        "dose_interval": Therapy.Interval.WEEKLY,
        "taken_where": Therapy.Setting.HOME,
        "efficacy_tier": Therapy.Efficacy.MODERATE,
        "efficacy_result": "About a third fewer relapses than a dummy treatment (placebo) (ADVANCE trial).",
        "common_side_effects": INTERFERON_SIDE_EFFECTS,
        "serious_risks": INTERFERON_RISKS,
        "monitoring": INTERFERON_MONITORING,
        "pregnancy": INTERFERON_PREGNANCY,
        "references": [
            {
                "title": "ADVANCE: peginterferon beta-1a compared with placebo",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "Plegridy (peginterferon beta-1a): prescribing information",
                "publisher": LABEL,
                "supports": "who,how,side_effects,risks,monitoring",
            },
            {
                "title": "Interferon beta: European product labels on pregnancy and breastfeeding",
                "publisher": LABEL,
                "supports": "pregnancy",
            },
        ],
    },
    "glatiramer-acetate": {
        "ms_types": RELAPSING_FORMS,
        # 20 mg every day or 40 mg three times a week: one choice has to be
        # made for the filter; "how often" on the page gives both.
        "dose_interval": Therapy.Interval.DAILY,
        "taken_where": Therapy.Setting.HOME,
        "efficacy_tier": Therapy.Efficacy.MODERATE,
        "efficacy_result": (
            "About a third fewer relapses than a dummy treatment (placebo) (GALA trial, for the 40 mg dose)."
        ),
        "common_side_effects": _lines(
            "Redness, swelling or soreness where the injection goes in",
            "Small dents in the skin where it is often injected (lipoatrophy)",
            "Just after an injection, a short spell of flushing, a tight chest or a racing heart "
            "that passes within minutes",
        ),
        "serious_risks": _lines(
            "A severe allergic reaction (anaphylaxis), which can happen even years after starting; "
            "the US label carries a boxed warning about it since January 2025",
            "Liver damage (rare)",
        ),
        "monitoring": "No routine blood tests are needed.",
        "pregnancy": "It can be used during pregnancy and breastfeeding when a doctor thinks it is needed.",
        "references": [
            {
                "title": "GALA: glatiramer acetate 40 mg three times a week compared with placebo",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "Copaxone (glatiramer acetate): prescribing information",
                "publisher": LABEL,
                "supports": "who,how,side_effects,risks,monitoring,pregnancy",
            },
            {
                "title": "Glatiramer acetate: boxed warning on anaphylaxis added to the US label, January 2025",
                "publisher": "US Food and Drug Administration",
                "supports": "risks",
            },
        ],
    },
    "fingolimod": {
        "ms_types": RELAPSING_FORMS,
        "who_for": "Adults, and children from the age of 10.",
        "dose_interval": Therapy.Interval.DAILY,
        "taken_where": Therapy.Setting.HOME,
        "efficacy_tier": Therapy.Efficacy.MODERATE_HIGH,
        "efficacy_result": (
            "54% fewer relapses than a dummy treatment (placebo) over two years (FREEDOMS trial), "
            "and about half as many relapses as weekly interferon injections over one year (TRANSFORMS trial)."
        ),
        "common_side_effects": _lines("Headache", "Raised liver enzymes in blood tests", "Diarrhoea", "Cough"),
        "serious_risks": _lines(
            "A slow heartbeat after the first dose",
            "Infections, including shingles and, rarely, cryptococcal meningitis and PML (a serious brain infection)",
            "Swelling at the back of the eye (macular oedema)",
            "Skin cancers",
        ),
        "monitoring": _lines(
            "Heart monitoring for 6 hours after the first dose",
            "An eye check 3 to 4 months after starting",
            "Blood counts and liver tests",
            "Skin checks",
        ),
        "before_starting": _lines(
            "Blood counts and liver tests",
            "A check that you are immune to chickenpox, with a vaccination if you are not",
        ),
        "pregnancy": "Stop taking it before trying for a baby, and plan this with your MS team.",
        "pregnancy_washout": "at least 2 months",
        "stopping": (
            "MS can come back strongly after stopping (rebound), so the next treatment should be "
            "planned before you stop."
        ),
        "references": [
            {
                "title": "FREEDOMS: fingolimod compared with placebo over two years",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "TRANSFORMS: fingolimod compared with weekly interferon beta-1a over one year",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "Gilenya (fingolimod): prescribing information",
                "publisher": LABEL,
                "supports": LABEL_BLOCKS,
            },
        ],
    },
    "dimethyl-fumarate": {
        "ms_types": RELAPSING_FORMS,
        "dose_interval": Therapy.Interval.DAILY,
        "taken_where": Therapy.Setting.HOME,
        "efficacy_tier": Therapy.Efficacy.MODERATE,
        "efficacy_result": (
            "About half as many relapses as a dummy treatment (placebo) over two years: 53% fewer in the "
            "DEFINE trial and 44% fewer in the CONFIRM trial."
        ),
        "common_side_effects": _lines(
            "Flushing (warm, red skin)",
            "Stomach pain",
            "Diarrhoea",
            "Feeling sick",
        ),
        "serious_risks": _lines(
            "Low numbers of lymphocytes, a kind of white blood cell",
            "PML, a rare serious brain infection, in people whose lymphocytes stay low for a long time",
            "Liver damage",
            "Allergic reactions",
        ),
        "monitoring": _lines("A blood count every 3 months", "Liver tests"),
        "before_starting": "A blood count",
        "pregnancy": "It is usually stopped for pregnancy: talk to your MS team before trying for a baby.",
        "references": [
            {
                "title": "DEFINE: dimethyl fumarate compared with placebo over two years",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "CONFIRM: dimethyl fumarate compared with placebo over two years",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "Tecfidera (dimethyl fumarate): prescribing information",
                "publisher": LABEL,
                "supports": LABEL_BLOCKS,
            },
        ],
    },
    "ozanimod": {
        "ms_types": RELAPSING_FORMS,
        "dose_interval": Therapy.Interval.DAILY,
        "taken_where": Therapy.Setting.HOME,
        "efficacy_tier": Therapy.Efficacy.MODERATE_HIGH,
        "efficacy_result": (
            "38% to 48% fewer relapses than weekly interferon beta-1a injections (RADIANCE and SUNBEAM trials)."
        ),
        "common_side_effects": _lines(
            "Colds and other nose and throat infections",
            "Raised liver enzymes in blood tests",
            "Dizziness on standing up",
            "Back pain",
            "High blood pressure",
        ),
        "serious_risks": _lines(
            "Infections",
            "A slow heartbeat when starting",
            "Swelling at the back of the eye (macular oedema)",
            "Liver damage",
            "PML, a rare serious brain infection",
        ),
        "before_starting": _lines(
            "A heart trace (ECG)",
            "A blood count and liver tests",
            "A check that you are immune to chickenpox",
            "An eye check if you have diabetes or have had inflammation inside the eye",
        ),
        "pregnancy": "Stop taking it before trying for a baby, and plan this with your MS team.",
        "pregnancy_washout": "3 months",
        "references": [
            {
                "title": "RADIANCE: ozanimod compared with weekly interferon beta-1a",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "SUNBEAM: ozanimod compared with weekly interferon beta-1a",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {"title": "Zeposia (ozanimod): prescribing information", "publisher": LABEL, "supports": LABEL_BLOCKS},
        ],
    },
    "natalizumab": {
        "ms_types": RELAPSING_FORMS,
        "who_for": "Usually people whose MS is very active.",
        "dose_interval": Therapy.Interval.MONTHLY,
        "taken_where": Therapy.Setting.CLINIC,
        "efficacy_tier": Therapy.Efficacy.HIGH,
        "efficacy_result": "68% fewer relapses than a dummy treatment (placebo) over two years (AFFIRM trial).",
        "common_side_effects": _lines(
            "Headache",
            "Tiredness",
            "Joint pain",
            "Urine infections",
            "Reactions during or soon after the infusion",
        ),
        "serious_risks": _lines(
            "PML, a rare serious brain infection; the risk is higher with antibodies to the JC virus, "
            "earlier medicines that weaken the immune system, and more than two years of treatment",
            "Liver damage",
            "Herpes infections",
        ),
        "monitoring": _lines("A JC virus antibody test about every 6 months", "Regular MRI scans"),
        "before_starting": "A JC virus antibody test",
        "pregnancy": (
            "A decision for a specialist: in very active MS it is sometimes carried on during pregnancy."
        ),
        "stopping": (
            "MS activity can come back within months of stopping, so the next treatment should be planned "
            "before you stop."
        ),
        "references": [
            {
                "title": "AFFIRM: natalizumab compared with placebo over two years",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {"title": "Tysabri (natalizumab): prescribing information", "publisher": LABEL, "supports": LABEL_BLOCKS},
        ],
    },
    "ocrelizumab": {
        "ms_types": [*RELAPSING_FORMS, "ppms"],
        "who_for": "It was the first medicine licensed for primary progressive MS.",
        "dose_interval": Therapy.Interval.TWICE_YEARLY,
        "taken_where": Therapy.Setting.CLINIC,
        "efficacy_tier": Therapy.Efficacy.HIGH,
        "efficacy_result": (
            "About 46% fewer relapses than interferon beta-1a over two years (OPERA I and II trials). "
            "In primary progressive MS, a 24% lower risk that disability got worse and stayed worse "
            "than with a dummy treatment (placebo) (ORATORIO trial)."
        ),
        "common_side_effects": _lines(
            "Reactions during or soon after the infusion",
            "Colds and chest infections",
            "Herpes infections, such as cold sores",
        ),
        "serious_risks": _lines(
            "Infections",
            "Hepatitis B coming back in people who have had it",
            "Low levels of antibodies (immunoglobulins) after long use",
            "Vaccines working less well",
            "PML, a rare serious brain infection",
        ),
        "before_starting": _lines(
            "A test for hepatitis B",
            "A check of antibody (immunoglobulin) levels",
            "Any vaccinations you need; live vaccines at least 4 to 6 weeks before",
        ),
        "pregnancy": (
            "Plan the timing of a pregnancy with your neurologist. The label advises using contraception "
            "for a time after the last infusion."
        ),
        "references": [
            {
                "title": "OPERA I and OPERA II: ocrelizumab compared with interferon beta-1a over two years",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "ORATORIO: ocrelizumab compared with placebo in primary progressive MS",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {"title": "Ocrevus (ocrelizumab): prescribing information", "publisher": LABEL, "supports": LABEL_BLOCKS},
        ],
    },
    "alemtuzumab": {
        # The brief says "relapsing MS", not "relapsing forms": only the box it names.
        "ms_types": ["rrms"],
        "who_for": "Usually after other treatments have not worked well enough.",
        "dose_interval": Therapy.Interval.COURSES,
        "taken_where": Therapy.Setting.CLINIC,
        "efficacy_tier": Therapy.Efficacy.HIGH,
        "efficacy_result": (
            "55% (CARE-MS I trial) and 49% (CARE-MS II trial) fewer relapses than interferon beta-1a "
            "injections under the skin over two years."
        ),
        "common_side_effects": _lines(
            "Reactions to the infusion, such as a rash, headache or fever",
            "Infections",
            "Thyroid problems",
        ),
        "serious_risks": _lines(
            "Other autoimmune illnesses months or years later: thyroid disease in about a third of people, "
            "a low platelet count (immune thrombocytopenia) and a kidney disease",
            "Stroke and tears in the arteries of the neck in the days after an infusion (rare)",
            "Some cancers",
            "Listeria infection: avoid foods that can carry it",
        ),
        "monitoring": _lines(
            "Blood count and urine tests every month",
            "Thyroid tests every 3 months",
            "These carry on until 4 years after the last course",
        ),
        "pregnancy": "Avoid pregnancy after a course of treatment.",
        "pregnancy_washout": "4 months after a course",
        "references": [
            {
                "title": "CARE-MS I: alemtuzumab compared with interferon beta-1a over two years",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {
                "title": "CARE-MS II: alemtuzumab compared with interferon beta-1a over two years",
                "publisher": TRIAL,
                "supports": "efficacy",
            },
            {"title": "Lemtrada (alemtuzumab): prescribing information", "publisher": LABEL, "supports": LABEL_BLOCKS},
        ],
    },
}


def missing_values(therapy, sheet):
    """The fact-sheet values `therapy` lacks: {field: value} for empty fields
    only, with the MS types as their boxes when none is ticked."""
    values = {name: sheet[name] for name in TEXT_FIELDS if name in sheet and not getattr(therapy, name)}
    if not therapy.ms_type_codes:
        values.update({f"licensed_{code}": True for code in sheet["ms_types"]})
    return values


def load(command, therapies):
    """Fill the ten DMTs' fact sheets and add their references. `command`
    is load_demo_content (its reviewer, output and counts); `therapies`
    maps slug to Therapy."""
    for slug, sheet in FACT_SHEETS.items():
        therapy = therapies.get(slug)
        if therapy is None:
            continue
        _fill(command, Therapy.objects.get(pk=therapy.pk), sheet)
        _add_references(command, therapy, sheet["references"])


def _fill(command, therapy, sheet):
    label = f"fact sheet of {therapy}"
    values = missing_values(therapy, sheet)
    if not values:
        command.existing += 1
        command.stdout.write(f"  already there: {label}")
        return
    if workflow.open_revision(therapy) is not None:
        command.stdout.write(f"  left for its editors (an edit is waiting for review): {label}")
        return
    for name, value in values.items():
        setattr(therapy, name, value)
    therapy.full_clean()
    revision = workflow.save_edit(therapy, command.reviewer)
    if revision is not None:
        workflow.approve(therapy, command.reviewer, note="Demo fact sheet from the content brief.")
    command.created += 1
    command.stdout.write(command.style.SUCCESS(f"  filled: {label} ({len(values)} fields)"))


def _add_references(command, therapy, rows):
    page = {"content_type": ContentType.objects.get_for_model(Therapy), "object_id": therapy.pk}
    last = Reference.objects.filter(**page).aggregate(last=Max("position"))["last"] or 0
    for row in rows:
        key = {**page, "title": row["title"]}
        if Reference.objects.filter(**key).exists():
            command.existing += 1
            command.stdout.write(f"  already there: reference {row['title']!r} on {therapy}")
            continue
        last += 1
        reference = Reference(**key, position=last, **{k: v for k, v in row.items() if k != "title"})
        reference.full_clean()
        reference.save()
        command.created += 1
        command.stdout.write(command.style.SUCCESS(f"  created: reference {row['title']!r} on {therapy}"))
