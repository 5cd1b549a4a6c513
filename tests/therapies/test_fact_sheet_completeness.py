"""Issue 18, point 1 and 2: a reader choosing between approved medicines finds
every fact-sheet block filled on each of them (who it is for, how it is
taken, how well it works, common side effects, serious risks, tests and
monitoring, pregnancy, and breastfeeding on its own line), and each block
cites a source the reader can follow by a link.

The demo-content checks cover every published, approved DMT, including the
ones the December 2026 data adds (therapies/demo/*_2026_12.json)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from editorial.models import Reference
from tests.page_helpers import Page
from therapies.models import FACT_SHEET_REQUIRED_BLOCKS, Category, Therapy
from therapies.queries import published_therapies

pytestmark = pytest.mark.django_db

HEADING = dict(Therapy.FACT_SHEET_BLOCKS)
FULL_SHEET = {
    "licensed_rrms": True,
    "dose_interval": Therapy.Interval.DAILY,
    "taken_where": Therapy.Setting.HOME,
    "efficacy_tier": Therapy.Efficacy.MODERATE,
    "efficacy_result": "About a third fewer relapses than placebo (TEMSO).",
    "common_side_effects": "Headache",
    "serious_risks": "Liver injury",
    "monitoring": "Liver tests every month for 6 months",
    "pregnancy": "Not in pregnancy.",
    "breastfeeding": "Not while taking it.",
}


def approved_dmts():
    """What readers see as approved medicines: live DMTs in live DMT groups."""
    return list(
        published_therapies()
        .filter(category__kind=Category.Kind.DISEASE_MODIFYING, development_stage=Therapy.Stage.APPROVED)
        .prefetch_related("references")
    )


def cite(therapy, title, supports, **identifiers):
    return Reference.objects.create(
        content_type=ContentType.objects.get_for_model(Therapy), object_id=therapy.pk, position=1,
        title=title, supports=supports, **identifiers,
    )


def uncited_blocks(therapy):
    """The required blocks no reference with a link backs."""
    backed = {code for reference in therapy.references.all() if reference.links for code in reference.supported_blocks}
    return [HEADING[code] for code in FACT_SHEET_REQUIRED_BLOCKS if code not in backed]


# --- The demo content: every approved DMT --------------------------------------------------


def test_every_approved_dmt_in_the_demo_has_every_block_filled(demo_content):
    dmts = approved_dmts()
    assert len(dmts) >= 10
    gaps = {therapy.slug: therapy.unfilled_fact_sheet_parts() for therapy in dmts}
    assert {slug: parts for slug, parts in gaps.items() if parts} == {}


def test_every_block_of_every_approved_dmt_in_the_demo_cites_a_source_with_a_link(demo_content):
    dmts = approved_dmts()
    assert len(dmts) >= 10
    gaps = {therapy.slug: uncited_blocks(therapy) for therapy in dmts}
    assert {slug: blocks for slug, blocks in gaps.items() if blocks} == {}


# --- The rule itself -----------------------------------------------------------------------


def test_a_full_fact_sheet_has_nothing_missing(make_therapy):
    assert make_therapy(**FULL_SHEET).unfilled_fact_sheet_parts() == []


@pytest.mark.parametrize("emptied, missing", [
    ({"licensed_rrms": False}, ["who"]),
    ({"dose_interval": "", "taken_where": ""}, ["how"]),
    ({"efficacy_tier": "", "efficacy_result": "  "}, ["efficacy"]),
    ({"monitoring": ""}, ["monitoring"]),
    ({"pregnancy": "", "breastfeeding": ""}, ["pregnancy", "breastfeeding"]),
    ({"breastfeeding": ""}, ["breastfeeding"]),
])
def test_an_empty_block_or_breastfeeding_line_is_named(make_therapy, emptied, missing):
    assert make_therapy(**{**FULL_SHEET, **emptied}).unfilled_fact_sheet_parts() == missing


def test_a_block_backed_only_by_a_source_without_a_link_counts_as_uncited(make_therapy):
    therapy = make_therapy(**FULL_SHEET)
    cite(therapy, "Label", ",".join(FACT_SHEET_REQUIRED_BLOCKS))
    assert uncited_blocks(therapy) == [HEADING[code] for code in FACT_SHEET_REQUIRED_BLOCKS]
    cite(therapy, "TEMSO trial", "efficacy", nct_id="NCT00134563")
    assert "How well it works" not in uncited_blocks(therapy)


def test_breastfeeding_is_its_own_line_in_the_pregnancy_block(client, make_therapy):
    therapy = make_therapy(**FULL_SHEET, pregnancy_washout="11 days with cholestyramine")
    page = Page(client.get(therapy.get_absolute_url()))
    block = page.section_text("Pregnancy and breastfeeding", "References" if "References" in page.text else None)
    assert "Not in pregnancy." in block
    assert "Breastfeeding: Not while taking it." in block
    assert block.index("Not in pregnancy.") < block.index("Breastfeeding:") < block.index("Wash-out")
