"""The site's starting content, as data: what `manage.py load_demo_content` puts
into an empty database.

The facts come from the content brief (/work/shared/content-brief.md); the
words are the site's own, written for a reader of about twelve. Editors own
the content once it is loaded: the command never changes a row that already
exists. Prices and development stages in particular are editors' facts to keep
current in the admin.
"""

import datetime
from decimal import Decimal

from articles.models import COST_TABLE_MARKER

REVIEWED = datetime.date(2026, 1, 15)
REVIEWED_AT = datetime.datetime.combine(REVIEWED, datetime.time(9, 0), tzinfo=datetime.timezone.utc)
# Launch content counts as published and reviewed on the review date, and
# approved by the demo reviewer account below (the command adds approved_by),
# so "Reviewed by" shows on the public pages from the start.
PUBLISHED = {
    "status": "published",
    "published_at": REVIEWED_AT,
    "last_reviewed": REVIEWED,
    "approved_at": REVIEWED_AT,
}

# --- The demo medical reviewer ---------------------------------------------------------
# Not a person and not a login (no usable password): its profile says so on
# every page it "reviewed". Before launch, a real medical reviewer approves
# the pages again, and this account can then be deactivated.

DEMO_REVIEWER = {
    "username": "demo-medical-reviewer",
    "first_name": "Demo",
    "last_name": "medical reviewer",
}
DEMO_REVIEWER_PROFILE = {
    "display_name": "Demo medical reviewer",
    "credentials": "demo account, not a real person: replace before launch",
}
DEMO_REVIEWER_GROUP = "Medical reviewers"
PRICES_AS_OF = datetime.date(2026, 1, 15)
PRICE_SOURCE = "MS treatment cost brief: editors' compilation of US list prices"
PRICE_NOTE = (
    "A yearly range for the medicines in this group, before insurance or discounts. "
    "An estimate, not a quote."
)
ARTICLE_PUBLISHED_AT = datetime.datetime(2026, 1, 20, 9, 0, tzinfo=datetime.UTC)

STAGE_NOTE = (
    "Trial stages change as studies finish. Our editors check this page and update "
    "the stage when it changes; it is not a promise that the medicine will be approved."
)


def registry(nct):
    """A trial's entry on ClinicalTrials.gov, from its NCT number (given in the content brief)."""
    return f"https://clinicaltrials.gov/study/{nct}"


def _registry_links(*ncts):
    return ", ".join(f"[{nct}]({registry(nct)})" for nct in ncts)


# Where each BTK inhibitor stood in late 2025 (content brief); editors review it every 6 months.
BTK_SECTION_BODY = (
    "BTK stands for Bruton's tyrosine kinase. It is an enzyme, a kind of switch, that "
    "several immune cells use to become active. BTK inhibitors turn that switch down.\n\n"
    "They can reach B cells and the brain's own immune cells (microglia), which may keep MS "
    "slowly getting worse, so they have been studied in both relapsing and progressive MS. "
    "The results so far are mixed:\n\n"
    "- **Tolebrutinib** (Sanofi): in non-relapsing secondary progressive MS, the HERCULES trial "
    f"({_registry_links('NCT04411641')}) found it slowed the build-up of disability. In relapsing "
    f"MS, the GEMINI 1 and 2 trials ({_registry_links('NCT04410978', 'NCT04410991')}) found it "
    "lowered relapses no more than teriflunomide, an older tablet. In December 2025 the US "
    "regulator, the FDA, did not approve it in its current form (a \"complete response letter\"). "
    "The United Arab Emirates gave it a provisional approval in July 2025. A trial in primary "
    f"progressive MS, PERSEUS ({_registry_links('NCT04458051')}), also ran.\n"
    "- **Evobrutinib** (Merck KGaA): in the EVOLUTION RMS 1 and 2 trials "
    f"({_registry_links('NCT04338022', 'NCT04338061')}) it did no better than teriflunomide. "
    "Its development for MS was stopped in 2024.\n"
    "- **Fenebrutinib** (Roche): in Phase 3 trials. FENhance 1 and 2 compare it with "
    f"teriflunomide in relapsing MS ({_registry_links('NCT04586023', 'NCT04586010')}); FENtrepid "
    f"compares it with ocrelizumab in primary progressive MS ({_registry_links('NCT04544449')}). "
    "Results are being reported from 2025.\n"
    "- **Remibrutinib** (Novartis): in Phase 3 trials in relapsing MS, compared with "
    "teriflunomide.\n\n"
    "Several BTK inhibitors caused liver injury in trials, so people taking one need regular "
    "liver blood tests.\n\n" + STAGE_NOTE
)

# The MS-FATIGUE trial: said wherever modafinil is named (content brief).
MS_FATIGUE_URL = "https://pmc.ncbi.nlm.nih.gov/articles/PMC7772747/"
FATIGUE_ADVICE = (
    "exercise, planning your energy through the day, and treating poor sleep or low mood come "
    "first. Modafinil is sometimes prescribed off-label (outside its licence), but in the "
    f"[MS-FATIGUE trial]({MS_FATIGUE_URL}) (Lancet Neurology, 2021) modafinil, amantadine and "
    "methylphenidate worked no better than a dummy pill (placebo), and caused more side effects."
)
MS_FATIGUE_REFERENCE = {
    "title": "Safety and efficacy of amantadine, modafinil, and methylphenidate for fatigue in multiple "
    "sclerosis: a randomised, placebo-controlled, crossover, double-blind trial (MS-FATIGUE; Nourbakhsh B "
    "et al.)",
    "publisher": "Lancet Neurology 2021;20(1):38-48, doi:10.1016/S1474-4422(20)30354-9",
    "url": MS_FATIGUE_URL,
}

# --- Disease-modifying therapy categories (the cost table) ------------------------------

DMT_CATEGORIES = [
    {
        "slug": "injectable-dmts",
        "name": "Injectable DMTs",
        "display_order": 1,
        "administration": "Self-injection at home, from every day to once every two weeks",
        "summary": (
            "Medicines you inject yourself, from every day to once every two weeks. "
            "They were among the first MS medicines and have long safety records."
        ),
        "body": (
            "Injectable DMTs were some of the first medicines made to change the course of MS. "
            "Doctors have used them for many years, so a lot is known about how safe they are.\n\n"
            "You, or someone who helps you, give the injection at home. How often depends on the "
            "medicine: from every day (glatiramer acetate 20 mg) to once every two weeks "
            "(peginterferon beta-1a). A nurse usually shows you how.\n\n"
            "Interferon beta and glatiramer acetate both calm and adjust the immune system so that "
            "it does less harm to the nerves."
        ),
        "estimate": (Decimal("60000"), Decimal("80000")),
    },
    {
        "slug": "oral-dmts",
        "name": "Oral DMTs",
        "display_order": 2,
        "administration": "A tablet or capsule every day",
        "summary": (
            "Medicines you swallow, every day. They changed MS treatment because "
            "people no longer needed injections."
        ),
        "body": (
            "Oral DMTs are taken by mouth, as a tablet or capsule, every day. When they arrived, "
            "they changed MS treatment: for the first time, people could keep their MS in check "
            "without injections.\n\n"
            "The group includes fingolimod, dimethyl fumarate and the newer ozanimod. "
            "Fingolimod and ozanimod keep some immune cells waiting in the lymph nodes, "
            "so fewer of them reach the brain and spinal cord."
        ),
        "estimate": (Decimal("80000"), Decimal("100000")),
    },
    {
        "slug": "infusion-therapies",
        "name": "Infusion therapies",
        "display_order": 3,
        "administration": (
            "A drip into a vein (IV infusion) in a clinic: every 4 weeks to every 6 months, "
            "or two short courses a year apart"
        ),
        "summary": (
            "Medicines given through a drip into a vein, from every 4 weeks to every 6 months "
            "(alemtuzumab: two short courses a year apart). The strongest group, usually for MS "
            "that is more active."
        ),
        "body": (
            "Infusion therapies are given slowly through a thin tube into a vein, in a hospital "
            "or clinic. Between visits there is nothing to take at home. How often depends on the "
            "medicine: natalizumab every 4 weeks, ocrelizumab every 6 months, and alemtuzumab as two "
            "short courses a year apart (infusions on 5 days, then on 3 days a year later).\n\n"
            "They are the strongest group of DMTs. Doctors usually suggest them when MS is more "
            "aggressive, or when other medicines have not kept it under control.\n\n"
            "Natalizumab stops immune cells from getting into the brain and spinal cord. "
            "Ocrelizumab removes one kind of immune cell, called B cells. Alemtuzumab removes a "
            "wide range of immune cells, after which the immune system slowly rebuilds itself."
        ),
        "estimate": (Decimal("65000"), Decimal("120000")),
    },
]

# --- Approved disease-modifying therapies -----------------------------------------------

_MODULATES = (
    "Calms and adjusts the immune system, so that it attacks the protective covering of "
    "the nerves less often."
)
_S1P = (
    "An S1P receptor modulator: it keeps some white blood cells (lymphocytes) waiting in the "
    "lymph nodes, so fewer of them travel to the brain and spinal cord."
)

APPROVED_THERAPIES = [
    {
        "generic_name": "interferon beta-1a",
        "slug": "interferon-beta-1a",
        "category": "injectable-dmts",
        "brand_names": "Avonex, Rebif",
        "route": "injection",
        "frequency": "Once to three times a week, depending on the brand",
        "mechanism": _MODULATES,
        "summary": "An injected medicine that calms the immune system. One of the first MS treatments.",
        "body": (
            "Interferon beta-1a is a copy of a protein the body makes itself to help control the "
            "immune system. Extra amounts of it help to calm the immune attacks that cause MS "
            "relapses.\n\nIt is sold under the brand names Avonex and Rebif, which are given on "
            "different schedules. Your MS team will show you how to inject it."
        ),
    },
    {
        "generic_name": "interferon beta-1b",
        "slug": "interferon-beta-1b",
        "category": "injectable-dmts",
        "brand_names": "Betaseron, Extavia",
        "route": "injection",
        "frequency": "Every other day",
        "mechanism": _MODULATES,
        "summary": "An injected interferon, a close relative of interferon beta-1a.",
        "body": (
            "Interferon beta-1b works in much the same way as interferon beta-1a: it helps to calm "
            "the immune system so that it does less damage to the nerves.\n\nIt is sold as "
            "Betaseron and Extavia and is injected under the skin."
        ),
    },
    {
        "generic_name": "peginterferon beta-1a",
        "slug": "peginterferon-beta-1a",
        "category": "injectable-dmts",
        "brand_names": "Plegridy",
        "route": "injection",
        "frequency": "Every two weeks",
        "mechanism": _MODULATES,
        "summary": "A longer-lasting interferon, so injections are needed less often.",
        "body": (
            "Peginterferon beta-1a is interferon beta-1a with a small chemical 'tail' attached. "
            "The tail makes it last longer in the body, so people need fewer injections."
        ),
    },
    {
        "generic_name": "glatiramer acetate",
        "slug": "glatiramer-acetate",
        "category": "injectable-dmts",
        "brand_names": "Copaxone",
        "route": "injection",
        "frequency": "Every day or three times a week, depending on the dose",
        "mechanism": _MODULATES,
        "summary": "An injected medicine with a long safety record that steers the immune response.",
        "body": (
            "Glatiramer acetate is made of small protein pieces that look a little like myelin, "
            "the protective covering of nerves. It is thought to distract and re-train the immune "
            "system, so that it attacks the real myelin less."
        ),
    },
    {
        "generic_name": "fingolimod",
        "slug": "fingolimod",
        "category": "oral-dmts",
        "brand_names": "Gilenya",
        "route": "oral",
        "frequency": "Once a day",
        "mechanism": _S1P,
        "summary": "A daily capsule that keeps some immune cells away from the brain and spinal cord.",
        "body": (
            "Fingolimod was the first MS medicine that could be swallowed instead of injected. "
            "The lymph nodes it keeps the white blood cells in are the small 'stations' of the "
            "immune system, found all over the body."
        ),
    },
    {
        "generic_name": "dimethyl fumarate",
        "slug": "dimethyl-fumarate",
        "category": "oral-dmts",
        "brand_names": "Tecfidera",
        "route": "oral",
        "frequency": "Twice a day",
        "mechanism": _MODULATES,
        "summary": "A capsule taken by mouth that calms the immune system.",
        "body": (
            "Dimethyl fumarate is taken by mouth and helps to calm the immune system, so there "
            "are fewer attacks on the nerves."
        ),
    },
    {
        "generic_name": "ozanimod",
        "slug": "ozanimod",
        "category": "oral-dmts",
        "brand_names": "Zeposia",
        "route": "oral",
        "frequency": "Once a day",
        "mechanism": _S1P,
        "summary": "A newer daily capsule that works in a similar way to fingolimod.",
        "body": (
            "Ozanimod is one of the newer oral MS medicines. Like fingolimod, it keeps some "
            "white blood cells in the lymph nodes, so fewer reach the brain and spinal cord."
        ),
    },
    {
        "generic_name": "natalizumab",
        "slug": "natalizumab",
        "category": "infusion-therapies",
        "brand_names": "Tysabri",
        "route": "infusion",
        "frequency": "Every 4 weeks",
        "mechanism": (
            "Blocks immune cells from crossing into the central nervous system (the brain and "
            "spinal cord)."
        ),
        "summary": "An infusion that stops immune cells from getting into the brain and spinal cord.",
        "body": (
            "Natalizumab works like a locked gate. Immune cells need to cross from the blood into "
            "the brain and spinal cord to cause damage; natalizumab blocks their way in."
        ),
    },
    {
        "generic_name": "ocrelizumab",
        "slug": "ocrelizumab",
        "category": "infusion-therapies",
        "brand_names": "Ocrevus",
        "route": "infusion",
        "frequency": "Every 6 months",
        "mechanism": "Removes B cells that carry a marker called CD20 (CD20-positive B cells).",
        "summary": "An infusion that removes one kind of immune cell, the B cell.",
        "body": (
            "Ocrelizumab finds B cells, one kind of immune cell, by a marker on their surface "
            "called CD20, and removes them. With fewer of these cells, there is less attack on "
            "the nerves."
        ),
    },
    {
        "generic_name": "alemtuzumab",
        "slug": "alemtuzumab",
        "category": "infusion-therapies",
        "brand_names": "Lemtrada",
        "route": "infusion",
        "frequency": "Two short courses, a year apart",
        "mechanism": "Removes lymphocytes that carry a marker called CD52 (CD52-positive lymphocytes).",
        "summary": "A strong infusion that removes many immune cells, so the immune system can rebuild.",
        "body": (
            "Alemtuzumab removes a wide range of white blood cells (lymphocytes) that carry a "
            "marker called CD52. Over the following months the immune system rebuilds itself.\n\n"
            "Because it is so strong, doctors usually keep it for MS that is very active."
        ),
    },
]

# --- Emerging therapies -----------------------------------------------------------------

EMERGING_SECTIONS = [
    {
        "slug": "btk-inhibitors",
        "name": "BTK inhibitors",
        "display_order": 1,
        "summary": (
            "A new kind of medicine that blocks an enzyme called BTK, which immune cells use. "
            "Studied in relapsing and progressive MS, with mixed results so far."
        ),
        "body": BTK_SECTION_BODY,
    },
    {
        "slug": "stem-cell-therapy",
        "name": "Stem cell therapy",
        "display_order": 2,
        "summary": (
            "Stem cells studied to repair damage and to 'reset' the immune system. One approach, "
            "aHSCT, is a procedure already offered by some health services."
        ),
        "body": (
            "Stem cells are cells that can grow into other kinds of cells. Researchers are "
            "studying them for two jobs in MS: repairing damaged tissue, and resetting the immune "
            "system so that it stops attacking the nerves.\n\n"
            "The best-known approach, aHSCT, is a hospital procedure, not a medicine. Some "
            "specialist centres and health services already offer it to carefully chosen people "
            "with very active relapsing MS, and trials are comparing it with the best medicines. "
            "Other kinds of stem cell (mesenchymal and neural stem cells) are at an earlier stage "
            "of research."
        ),
    },
    {
        "slug": "neuroprotective-agents",
        "name": "Neuroprotective agents",
        "display_order": 3,
        "summary": "Medicines that aim to protect nerves from damage, without calming the immune system.",
        "body": (
            "Today's MS medicines work on the immune system. Neuroprotective agents try something "
            "different: they aim to protect the nerves themselves from damage, whatever the immune "
            "system is doing.\n\nThis research is at an early stage."
        ),
    },
    {
        "slug": "personalised-medicine",
        "name": "Personalised medicine",
        "display_order": 4,
        "summary": (
            "Using genes and other body signals to find the treatment that will work best for each person."
        ),
        "body": (
            "MS is different in every person, and so is the way people respond to medicines. "
            "Researchers are looking for genetic markers and biomarkers (measurable signals in "
            "the body, such as substances in the blood) that could show in advance which "
            "treatment will work best for someone.\n\n"
            "The hope is better results and fewer side effects, because people could start on "
            "the right medicine sooner."
        ),
    },
]

_BTK_INTRO = (
    "{name} is a BTK inhibitor: a medicine taken by mouth that turns down an enzyme immune "
    "cells use to become active. "
)
_BTK_LIVER = (
    "\n\nSeveral BTK inhibitors caused liver injury in trials, so people taking one need regular "
    "liver blood tests."
)

# Development stages the content brief needs beyond trial phases: "discontinued"
# (development stopped) and "not_approved" (a regulator's complete response
# letter). Until therapies.DevelopmentStage has them, the loader cannot write
# them: see therapies/demo/corrections.py.
STAGE_DISCONTINUED = "discontinued"
STAGE_NOT_APPROVED = "not_approved"


def _stage(value):
    """`value`, or "phase_3" (the stage first seeded) while the model lacks it:
    the summary and text say what happened either way."""
    from therapies.models import DevelopmentStage

    return value if value in DevelopmentStage.values else "phase_3"

# (slug, company, stage, summary, what happened, trial references [(name, NCT)])
_BTK_AGENTS = [
    (
        "tolebrutinib",
        "Sanofi",
        STAGE_NOT_APPROVED,
        "A BTK inhibitor. In December 2025 the US regulator did not approve it for non-relapsing "
        "secondary progressive MS in its current form.",
        "In the HERCULES trial, in people with non-relapsing secondary progressive MS, it slowed the "
        "build-up of disability. In relapsing MS, the GEMINI 1 and 2 trials found it lowered relapses "
        "no more than teriflunomide, an older tablet. In December 2025 the US regulator, the FDA, sent a "
        "complete response letter: it did not approve tolebrutinib in its current form. The United Arab "
        "Emirates gave it a provisional approval in July 2025. A trial in primary progressive MS, "
        "PERSEUS, also ran.",
        [("HERCULES", "NCT04411641"), ("GEMINI 1", "NCT04410978"), ("GEMINI 2", "NCT04410991"),
         ("PERSEUS", "NCT04458051")],
    ),
    (
        "evobrutinib",
        "Merck KGaA",
        STAGE_DISCONTINUED,
        "A BTK inhibitor whose development for MS was stopped in 2024, after it did no better than "
        "teriflunomide. Kept here as history.",
        "In the EVOLUTION RMS 1 and 2 trials, in relapsing MS, it did no better than teriflunomide, an "
        "older tablet. Its development for MS was stopped in 2024, so it is not being tested in MS any "
        "more and will not become an MS treatment. We keep this page so readers who hear of it know "
        "what happened.",
        [("EVOLUTION RMS 1", "NCT04338022"), ("EVOLUTION RMS 2", "NCT04338061")],
    ),
    (
        "fenebrutinib",
        "Roche",
        "phase_3",
        "A BTK inhibitor in Phase 3 trials in relapsing MS and in primary progressive MS.",
        "Phase 3 trials compare it with teriflunomide in relapsing MS (FENhance 1 and 2) and with "
        "ocrelizumab in primary progressive MS (FENtrepid). Results are being reported from 2025. It is "
        "not an approved MS treatment.",
        [("FENhance 1", "NCT04586023"), ("FENhance 2", "NCT04586010"), ("FENtrepid", "NCT04544449")],
    ),
    (
        "remibrutinib",
        "Novartis",
        "phase_3",
        "A BTK inhibitor in Phase 3 trials in relapsing MS.",
        "Phase 3 trials compare it with teriflunomide, an older tablet, in relapsing MS. It is not an "
        "approved MS treatment.",
        [],
    ),
]

EMERGING_AGENTS = [
    *(
        {
            "generic_name": name,
            "slug": name,
            "category": "btk-inhibitors",
            "brand_names": "",
            "route": "oral",
            "frequency": "",
            "mechanism": "Blocks Bruton's tyrosine kinase (BTK), an enzyme that switches on some immune cells.",
            "summary": summary,
            "body": (
                _BTK_INTRO.format(name=name.capitalize()) + f"It is made by {company}.\n\n" + story
                + ("" if stage == STAGE_DISCONTINUED else _BTK_LIVER + "\n\n" + STAGE_NOTE)
            ),
            "development_stage": _stage(stage),
        }
        for name, company, stage, summary, story, _trials in _BTK_AGENTS
    ),
    {
        "generic_name": "autologous haematopoietic stem cell transplantation (aHSCT)",
        "slug": "ahsct",
        "category": "stem-cell-therapy",
        "brand_names": "",
        "route": "procedure",
        "frequency": "Once",
        "mechanism": (
            "Strong treatment (high-dose immunosuppression) wipes out the old immune system; the "
            "person's own stem cells, collected beforehand, then grow a new one."
        ),
        "summary": (
            "Offered by some specialist centres and health services, and compared with the best "
            "medicines in trials."
        ),
        "body": (
            "aHSCT is a hospital procedure, not a medicine. 'Autologous' means the cells come from "
            "your own body. First, doctors collect some of your blood-forming stem cells. Then "
            "high-dose chemotherapy removes much of the immune system, and the stem cells are given "
            "back so that they can grow a new one.\n\n"
            "In some carefully chosen people with very active relapsing MS, aHSCT has given striking "
            "results. It also carries real risks: serious infections, infertility, and a small risk "
            "of death.\n\n"
            "Some specialist centres and health services already offer it. Trials are comparing it "
            "with the best MS medicines: BEAT-MS in the US, StarMS in the UK and RAM-MS in the "
            "Nordic countries. Ask your neurologist whether it could suit you."
        ),
        # A procedure has no drug-trial stage: its summary says where it stands.
        "development_stage": "",
    },
]

# --- Supportive and complementary care --------------------------------------------------

SUPPORTIVE_SECTIONS = [
    {
        "slug": "rehabilitation",
        "name": "Rehabilitation: physical and occupational therapy",
        "display_order": 1,
        "summary": "Therapists help you move, stay strong and keep doing everyday things your way.",
        "body": (
            "**Physical therapy** (physiotherapy) works on moving about, strength and balance, and "
            "helps you adapt as your abilities change.\n\n"
            "**Occupational therapy** helps you stay independent in daily life, such as dressing, "
            "cooking or working, with new ways of doing things and helpful equipment."
        ),
    },
    {
        "slug": "symptom-treatment",
        "name": "Treating symptoms",
        "display_order": 2,
        "summary": "Medicines and other help for symptoms, taken alongside a DMT.",
        "body": (
            "DMTs work on the disease itself. Other treatments ease the symptoms it causes, "
            "side by side with a DMT:\n\n"
            "- **Tiredness (fatigue):** " + FATIGUE_ADVICE + "\n"
            "- **Stiff or tight muscles (spasticity):** for example, baclofen.\n"
            "- **Nerve pain (neuropathic pain):** several kinds of medicine can help.\n"
            "- **Changes in thinking and memory:** your care team can suggest ways to manage them.\n\n"
            "Talk to your doctor about which symptoms bother you most."
        ),
    },
    {
        "slug": "mental-health-support",
        "name": "Mental health support",
        "display_order": 3,
        "summary": "Living with a long-term, unpredictable condition is hard. Support for your feelings is part of care.",
        "body": (
            "MS lasts a long time and can change without warning. It is normal to feel worried, "
            "low or frustrated at times.\n\n"
            "Counselling, talking therapies and support groups can help, and so can treatment "
            "for depression or anxiety when it is needed. Ask your care team."
        ),
    },
    {
        "slug": "complementary-approaches",
        "name": "Complementary approaches",
        "display_order": 4,
        "summary": "Exercise, stress management and diet changes: used alongside medical treatment, never instead of it.",
        "body": (
            "Some things you can do yourself may help you feel better:\n\n"
            "- **Exercise programmes**, planned with a therapist so they suit you.\n"
            "- **Managing stress**, for example with relaxation or breathing exercises.\n"
            "- **Diet changes**, ideally with advice from a professional.\n\n"
            "These work **alongside** your medical treatment. They never replace it: do not stop "
            "or change a medicine without talking to your doctor."
        ),
    },
    {
        "slug": "care-team",
        "name": "Working with your care team",
        "display_order": 5,
        "summary": "Good MS care is teamwork between you, your neurologist and other specialists.",
        "body": (
            "You are at the centre of your care. You work together with your neurologist (a "
            "doctor for the brain and nerves) and a team that can include nurses, therapists, "
            "psychologists and others.\n\n"
            "Bring your questions, say what matters to you, and decide on treatment together."
        ),
    },
]

# --- The launch article ------------------------------------------------------------------

ARTICLE_BODY = f"""\
## What MS is

Multiple sclerosis, or MS, is a condition of the **central nervous system**: the brain and the spinal cord.

Normally, your immune system protects you from germs. In MS it makes a mistake and attacks **myelin**, the protective covering around nerve fibres. Myelin works a bit like the plastic coating on an electric wire. When it is damaged, messages between the brain and the rest of the body slow down or get mixed up. That is what causes symptoms.

MS often starts in young adults, and millions of people around the world live with it. No two people have quite the same MS: symptoms and how the condition changes over time are hard to predict. That is why treatment is planned for each person.

## Treating the immune system

The main treatment for MS is a group of medicines called **disease-modifying therapies**, or DMTs. They do not just ease symptoms: they change how the immune system behaves, so it does less harm.

They do this in two main ways. Some calm an immune system that is too active. Others steer immune cells away from healthy tissue. Some keep immune cells out of the brain and spinal cord altogether, and some remove particular kinds of immune cells.

### What treatment aims to do

1. **Fewer relapses.** A relapse is a flare-up of symptoms, and each one can leave damage that does not go away.
2. **Slower build-up of disability**, so people can keep doing what they want to do for longer.
3. **Fewer new lesions.** Lesions are damaged spots in the brain and spinal cord; more of them now tends to mean more disability later.
4. **Less brain shrinkage.** MS can make the brain lose volume (called atrophy) faster than usual.
5. **Less inflammation on MRI scans.** MRI scans show inflammation, and they are also how doctors check whether a treatment is working.

## Today's options and what they cost

DMTs come in three main groups: injections you give yourself, tablets or capsules you swallow, and infusions into a vein. The table below shows each group with its current estimated yearly cost in the United States.

{COST_TABLE_MARKER}

**Injectable DMTs** were among the first MS medicines, and doctors have many years of experience with them. The catch is regular injections: from every day to once every two weeks, depending on the medicine. Examples are interferon beta and glatiramer acetate.

**Oral DMTs** changed MS treatment because people could leave injections behind. Examples are fingolimod and dimethyl fumarate, and the newer ozanimod.

**Infusion therapies** are the strongest group. They are given through a drip, from every 4 weeks to every 6 months (alemtuzumab: two short courses a year apart), usually for MS that is more active or when other medicines have not been enough. Examples are natalizumab, ocrelizumab and alemtuzumab.

## What researchers are working on

- **BTK inhibitors** are a new kind of medicine that turns down a switch immune cells use. They have been tested in relapsing and in progressive MS, with mixed results. Tolebrutinib slowed the build-up of disability in non-relapsing secondary progressive MS, but in December 2025 the US regulator did not approve it in its current form. Evobrutinib's development for MS was stopped in 2024. Fenebrutinib and remibrutinib are in Phase 3 trials.
- **Stem cell therapy** aims to repair damage and to reset the immune system. One approach, aHSCT, is a hospital procedure rather than a medicine: it rebuilds the immune system from a person's own stem cells after high-dose chemotherapy. In some carefully chosen people with very active relapsing MS the results have been striking, but it carries serious risks. Some specialist centres and health services already offer it, and trials are comparing it with the best medicines.
- **Neuroprotective agents** try to protect the nerves from damage directly, instead of working on the immune system.
- **Personalised medicine** looks for signs in a person's genes and body that show which treatment will work best for them, with fewer side effects.

## Care beyond medicines

- **Physical therapy** helps with moving, strength and balance. **Occupational therapy** helps you keep doing everyday things, with new techniques and equipment.
- **Symptom treatments** work alongside a DMT: for example baclofen for stiff muscles, medicines for nerve pain, and help with changes in thinking and memory. For tiredness, exercise, pacing your energy and treating poor sleep or low mood come first. Modafinil is sometimes prescribed, but in the MS-FATIGUE trial (Lancet Neurology, 2021) it worked no better than placebo and caused more side effects.
- **Mental health support** matters, because living with a long-term, unpredictable condition is hard.
- **Exercise, stress management and diet changes** can help too, always alongside medical treatment and never instead of it.

Good MS care is a partnership between you, your neurologist and a wider team of professionals. This article is here to help you understand your options; it is not medical advice. Talk to a qualified health professional about your own treatment.
"""

LAUNCH_ARTICLE = {
    "slug": "ms-treatment-explained",
    "title": "MS treatment explained: the options and what they cost",
    "standfirst": (
        "What multiple sclerosis does, how today's medicines help, what they cost, what is coming "
        "next, and the care that goes beyond medicines."
    ),
    "body": ARTICLE_BODY,
    "byline": "MS Info editorial team",
    **PUBLISHED,
    "published_at": ARTICLE_PUBLISHED_AT,
    "related_therapies": [
        *(therapy["slug"] for therapy in APPROVED_THERAPIES),
        *(agent["slug"] for agent in EMERGING_AGENTS),
    ],
}

# --- References ---------------------------------------------------------------------------
# The source of the launch cost figures, cited on the pages that show them:
# the launch article (its live cost table) and each approved DMT (its page
# shows its group's estimate). The compilation has no public address, so the
# reference has none: an address we could not vouch for would be worse than
# none. Editors add the primary sources (and addresses) in the admin.

PRICE_REFERENCE = {
    "title": PRICE_SOURCE,
    "publisher": "MS Info editorial team",
}

ARTICLE_REFERENCES = [PRICE_REFERENCE, MS_FATIGUE_REFERENCE]

# --- Per-medicine US list prices from two published studies -------------------------------
# Each figure is a single US list price for a year (low = high), as of the
# study's date, with the study as its source. They are older than the
# staleness limit, so pages show them as history marked "may be out of date";
# the group ranges above stay the current group figures. Ozanimod (approved in
# 2020) is in neither study: its page falls back to its group's range.

HARTUNG_2017 = {
    "source_name": "Hartung DM. Economics and cost-effectiveness of multiple sclerosis therapies in the USA. "
    "Neurotherapeutics 2017;14(4):1018-1026, Table 1",
    "source_url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC5722771/",
    "as_of": datetime.date(2017, 6, 1),
}
TAND_2020 = {
    "source_name": "Annual price per patient in January 2020, Therapeutic Advances in Neurological Disorders "
    "2021, Table 1",
    "source_url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC7894590/",
    "as_of": datetime.date(2020, 1, 1),
}
STUDY_PRICE_NOTE = "US list price for a year of treatment, before insurance, rebates or assistance programmes."

# (therapy slug, product, US dollars a year as of June 2017, as of January 2020); None: not in that study.
MEDICINE_PRICES = [
    ("interferon-beta-1b", "Betaseron (brand)", 86421, 103302),
    ("interferon-beta-1b", "Extavia (brand)", 72160, 81079),
    ("interferon-beta-1a", "Avonex, weekly into muscle (brand)", 81731, 91835),
    ("interferon-beta-1a", "Rebif, under the skin (brand)", 86179, 103647),
    ("peginterferon-beta-1a", "Plegridy (brand)", 81731, 91835),
    ("glatiramer-acetate", "Copaxone 20 mg (brand)", 86554, 86554),
    ("glatiramer-acetate", "Copaxone 40 mg (brand)", 75816, 75816),
    ("glatiramer-acetate", "Glatopa 20 mg (generic)", 63193, 18250),
    ("glatiramer-acetate", "Glatopa 40 mg (generic)", None, 19500),
    ("fingolimod", "Gilenya (brand)", 86966, 105390),
    ("dimethyl-fumarate", "Tecfidera (brand)", 82977, 100690),
    ("natalizumab", "Tysabri (brand)", 78000, 89074),
    ("alemtuzumab", "Lemtrada (brand)", 69166, 80320),
    ("ocrelizumab", "Ocrevus (brand)", 65000, 65000),
]

STUDY_REFERENCES = [
    {
        "title": "Economics and cost-effectiveness of multiple sclerosis therapies in the USA (Hartung DM, 2017)",
        "publisher": "Neurotherapeutics 14(4):1018-1026, doi:10.1007/s13311-017-0566-3",
        "url": HARTUNG_2017["source_url"],
    },
    {
        "title": "Annual prices of disease-modifying therapies for MS in the USA, January 2020 (Table 1)",
        "publisher": "Therapeutic Advances in Neurological Disorders, 2021",
        "url": TAND_2020["source_url"],
    },
]

# Therapy slug -> its references, in order.
THERAPY_REFERENCES = {
    therapy["slug"]: [PRICE_REFERENCE]
    + (STUDY_REFERENCES if any(row[0] == therapy["slug"] for row in MEDICINE_PRICES) else [])
    for therapy in APPROVED_THERAPIES
}
# Emerging agents cite their trials' registry entries (where the brief names them).
THERAPY_REFERENCES.update(
    {
        name: [
            {"title": f"{trial} trial ({nct})", "publisher": "ClinicalTrials.gov", "url": registry(nct)}
            for trial, nct in trials
        ]
        for name, _company, _stage, _summary, _story, trials in _BTK_AGENTS
        if trials
    }
)


# --- Site texts ---------------------------------------------------------------------------
# The texts the home, emerging therapies and supportive care pages open with,
# reviewed like any page (articles.SitePage), keyed by SitePage.Key.

SITE_PAGES = [
    {
        "key": "home",
        "title": "What is MS?",
        "body": (
            "Multiple sclerosis, or MS, is a long-term illness of the brain and the spinal cord. "
            "Together they are called the central nervous system. In MS, the body's own defence "
            "system, the immune system, attacks it by mistake. That is why MS is called an "
            "autoimmune disease.\n\n"
            "Nerves carry messages between the brain and the rest of the body. Many nerve fibres "
            "have a protective coat called myelin. In MS the immune system damages this coat, so "
            "messages travel badly or get stuck.\n\n"
            "MS often starts when people are young adults, and millions of people around the world "
            "live with it. Nobody can say in advance how it will change over time or which symptoms "
            "someone will get, so each person's treatment is planned for them."
        ),
    },
    {
        "key": "emerging",
        "title": "Emerging therapies",
        "body": (
            "Researchers are testing new ways to treat MS. Most of these are not yet approved. "
            "Trials take years, and a medicine in a trial may never be approved."
        ),
    },
    {
        "key": "care",
        "title": "Supportive care",
        "body": "Medicines are only part of living well with MS. These kinds of care help alongside them.",
    },
]
