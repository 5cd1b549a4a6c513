"""A therapy's fact sheet as the public page shows it: its blocks in reading
order (Therapy.FACT_SHEET_BLOCKS), each with what it says and the numbers of
the references that back it.

Built from the record and its already-loaded reference list, so the page
needs no extra query; a block with nothing to say is left out entirely."""

from dataclasses import dataclass, field

# Said where a structured value (a count of tests or visits, a wait) is not
# given by the sources: never a guess, never counted against a medicine.
NOT_RECORDED = "not recorded — ask your neurologist"


def burden_text(first, later):
    """'4 in the first year; up to 4 in any later year', with what is not
    recorded said so. `later` is the most any later year needs: "up to",
    because a medicine given in courses (alemtuzumab, cladribine) needs them
    in some later years only."""
    if first is None and later is None:
        return NOT_RECORDED.capitalize()
    if first is None:
        first_text = f"first year {NOT_RECORDED}"
    else:
        first_text = "none in the first year" if first == 0 else f"{first} in the first year"
    if later is None:
        later_text = f"later years {NOT_RECORDED}"
    else:
        later_text = "none in later years" if later == 0 else f"up to {later} in any later year"
    return f"{first_text}; {later_text}"


@dataclass
class Citation:
    number: int  # the reference's number in the page's reference list
    title: str


@dataclass
class Block:
    code: str
    heading: str
    # A block says its content as any of, in this order: a lead line, short
    # labelled facts [(label, value)], paragraphs of text, labelled lines, a
    # list of items.
    lead: str = ""
    facts: list = field(default_factory=list)
    items: list = field(default_factory=list)
    text: str = ""
    lines: list = field(default_factory=list)  # [(label, value)]: a labelled line each, after the text
    note: str = ""  # one closing line, e.g. the wash-out period
    citations: list = field(default_factory=list)

    @property
    def has_content(self):
        return bool(self.lead or self.facts or self.items or self.text.strip() or self.lines or self.note.strip())


def citations_by_block(references):
    """{block code: [Citation, ...]} numbered as the page's reference list
    numbers `references` (in their order, from 1)."""
    cited = {}
    for number, reference in enumerate(references, start=1):
        for code in reference.supported_blocks:
            cited.setdefault(code, []).append(Citation(number, reference.title))
    return cited


def _content(therapy, code):
    """The keyword arguments of `code`'s Block for `therapy`."""
    if code == "who":
        labels = therapy.ms_type_labels
        return {"lead": "Licensed for:" if labels else "", "items": labels, "note": therapy.who_for.strip()}
    if code == "how":
        # Route is always set and already in the page's summary facts, so it
        # only fills this block alongside the fact sheet's own schedule fields.
        if not (therapy.dose_interval or therapy.taken_where):
            return {}
        facts = [("How", therapy.get_route_display())]
        how_often = therapy.frequency.strip() or therapy.get_dose_interval_display()
        if how_often:
            facts.append(("How often", how_often))
        if therapy.taken_where:
            facts.append(("Where", therapy.get_taken_where_display()))
        return {"facts": facts}
    if code == "efficacy":
        tier = f"{therapy.get_efficacy_tier_display()}." if therapy.efficacy_tier else ""
        # What the trial figure was measured against: figures against different comparators do not compare.
        compared = [("Main trial compared with", therapy.get_trial_comparator_display())] if therapy.trial_comparator else []
        return {"lead": tier, "text": therapy.efficacy_result.strip(), "lines": compared}
    if code == "side_effects":
        return {"items": therapy.side_effect_list}
    if code == "risks":
        return {"items": therapy.serious_risk_list}
    if code == "monitoring":
        # The counts the decision aid uses, where the sources give them.
        counts = [
            (label, burden_text(first, later))
            for label, first, later in (
                ("Blood tests", therapy.blood_tests_first_year, therapy.blood_tests_later_year),
                ("Clinic visits for doses", therapy.clinic_visits_first_year, therapy.clinic_visits_later_year),
            )
            if first is not None or later is not None
        ]
        return {"items": therapy.monitoring_list, "lines": counts}
    if code == "before":
        return {"items": therapy.before_starting_list}
    if code == "pregnancy":
        washout = therapy.pregnancy_washout.strip()
        breastfeeding = therapy.breastfeeding.strip()
        return {
            "text": therapy.pregnancy.strip(),
            # Its own line: a reader who is breastfeeding looks for the word.
            "lines": [("Breastfeeding", breastfeeding)] if breastfeeding else [],
            "note": f"Wash-out before trying for a baby: {washout}." if washout else "",
        }
    if code == "stopping":
        return {"text": therapy.stopping.strip()}
    raise ValueError(f"No content rule for fact-sheet block {code!r}")


def fact_sheet(therapy, references):
    """The blocks of `therapy`'s fact sheet that have something to say, in
    reading order. `references`: the page's reference list, in order."""
    cited = citations_by_block(references)
    blocks = []
    for code, heading in therapy.FACT_SHEET_BLOCKS:
        block = Block(code, heading, **_content(therapy, code))
        if block.has_content:
            block.citations = cited.get(code, [])
            blocks.append(block)
    return blocks
