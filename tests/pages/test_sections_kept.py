"""The emerging therapies and supportive care pages' sections are rendered
once per content and kept (pages/sections.py, core.fragments), and never
shown out of date: any value they show (a section's words, a listed
therapy's, the reviewer's credit, the crisis lines) or the date (a review
falls due) makes them new. The page cache is off here, so what is tested is
the kept sections alone."""

import datetime

import pytest
from django.utils import timezone

from editorial.models import StaffProfile
from pages.models import SitePage
from pages.templatetags.crisis_support import MENTAL_HEALTH_SECTION_SLUG
from therapies.models import Category, Therapy
from tests.conftest import a_quiet_moment, clock_at
from tests.page_helpers import page

pytestmark = pytest.mark.usefixtures("page_cache_off")


def sections_renders(spy):
    return [call.args[0] for call in spy.call_args_list if "_sections" in call.args[0]]


@pytest.fixture
def emerging(make_category, make_therapy, reviewer):
    section = make_category(
        kind=Category.Kind.EMERGING, name="Remyelination", slug="remyelination", summary="Repairing myelin.",
        body="Some **repair** work.", approved_by=reviewer, approved_at=timezone.now(),
    )
    make_therapy(
        generic_name="repairumab", slug="repairumab", category=section,
        development_stage=Therapy.Stage.PHASE_2, route=Therapy.Route.INFUSION,
    )
    return section


def text(client, url):
    return page(client.get(url)).text


def test_the_sections_are_rendered_once_for_many_requests(client, emerging, fragment_renders):
    first = client.get("/emerging/").content
    assert "Phase 2 trial" in text(client, "/emerging/")
    assert client.get("/emerging/").content == first
    assert sections_renders(fragment_renders) == ["pages/includes/emerging_sections.html"]


# Changes are saved as the admin saves them: a save is what tells the page
# cache and the live sections' kept HTML that the content changed
# (core.cache.content_changed; an update() that sends no signal must say so).


def test_an_edited_section_therapy_or_reviewer_shows_at_once(client, emerging, reviewer, fragment_renders):
    text(client, "/emerging/")

    emerging.body = "Some **repair** work, edited."
    emerging.save()
    assert "Some repair work, edited." in text(client, "/emerging/")

    therapy = Therapy.objects.get(slug="repairumab")
    therapy.development_stage, therapy.generic_name = Therapy.Stage.PHASE_3, "repairumab new"
    therapy.save()
    shown = text(client, "/emerging/")
    assert "repairumab new" in shown and "Phase 3 trial" in shown and "Phase 2 trial" not in shown

    StaffProfile.objects.update_or_create(user=reviewer, defaults={"display_name": "Dr R. Credited", "credentials": "neurologist"})
    assert "Reviewed by Dr R. Credited, neurologist" in text(client, "/emerging/")

    therapy.status = "draft"
    therapy.save()
    assert "repairumab" not in text(client, "/emerging/")
    assert len(sections_renders(fragment_renders)) == 5


def test_a_review_that_falls_due_overnight_shows_the_next_day(client, emerging):
    emerging.last_reviewed = timezone.localdate()
    emerging.save()
    assert "Review due:" not in text(client, "/emerging/")
    due = emerging.next_review_due
    with clock_at(timezone.make_aware(datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(12)))):
        assert "Review due:" in text(client, "/emerging/")


def test_an_edited_crisis_text_shows_with_the_mental_health_section_at_once(client, make_category, make_site_page, fragment_renders):
    make_category(kind=Category.Kind.SUPPORTIVE, name="Mental health support", slug=MENTAL_HEALTH_SECTION_SLUG)
    crisis = make_site_page(key=SitePage.Key.CRISIS_SUPPORT, title="Need help now?", body="Call the Samaritans on 116 123.")
    assert "Call the Samaritans on 116 123." in text(client, "/care/")

    SitePage.objects.filter(pk=crisis.pk).update(body="Call the Samaritans on 116 123, free.")
    assert "116 123, free." in text(client, "/care/")

    SitePage.objects.filter(pk=crisis.pk).update(status="draft")
    assert "Need help now?" not in text(client, "/care/")
    assert len(sections_renders(fragment_renders)) == 3


def test_a_supportive_section_shows_its_cards_and_a_renamed_one_at_once(client, make_category, make_therapy):
    section = make_category(kind=Category.Kind.SUPPORTIVE, name="Moving well", slug="moving-well")
    make_therapy(generic_name="physiotherapy", slug="physiotherapy", category=section, route=Therapy.Route.NON_DRUG, brand_names="")
    assert "physiotherapy" in text(client, "/care/")

    section.name = "Moving better"
    section.save()
    shown = text(client, "/care/")
    assert "Moving better" in shown and "Moving well" not in shown


def test_with_debug_on_the_sections_are_rendered_every_time_so_template_edits_show(client, emerging, fragment_renders, settings):
    settings.DEBUG = True
    text(client, "/emerging/")
    text(client, "/emerging/")
    assert len(sections_renders(fragment_renders)) == 2


def test_kept_sections_cost_no_query_and_a_section_going_live_at_its_time_joins_them(
    client, emerging, make_category, django_assert_num_queries
):
    """The public page's sections are kept under the content version until the
    next scheduled change: nothing is written when a section goes live."""
    start = a_quiet_moment()
    make_category(kind=Category.Kind.EMERGING, name="Neuroprotection", slug="neuroprotection", published_at=start + datetime.timedelta(minutes=5))
    with clock_at(start):
        assert "Remyelination" in text(client, "/emerging/") and "Neuroprotection" not in text(client, "/emerging/")
        with django_assert_num_queries(1):  # the introduction; the sections, the glossary and the schedule kept
            client.get("/emerging/")

    with clock_at(start + datetime.timedelta(minutes=5, seconds=1)):
        assert "Neuroprotection" in text(client, "/emerging/")
