"""The editors' panel on the admin index: what awaits a medical reviewer,
what is overdue for review, and which current prices are out of date, each
linking to the record's page; a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import ReviewDecision, add_months
from prices.models import staleness_cutoff
from tests.admin_roles import admin_url, draft
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def link(obj, view):
    """Where the panel links: the record's own admin (a category's sends the
    editor on to the admin of its kind)."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def section(page, name):
    return page.split(f'id="panel-{name}"')[1].split("</section>")[0]


@pytest.fixture
def content(make_article, make_therapy, make_category, make_estimate, editor_user):
    today = timezone.localdate()
    in_review = draft(make_article, title="Waiting article")
    workflow.submit_for_review(in_review, editor_user)
    edited = make_therapy(generic_name="editedmab", summary="Live.")
    edited.summary = "Pending."
    workflow.save_edit(edited, editor_user)
    quiet_draft = draft(make_article, title="Quiet draft")
    overdue = make_article(title="Overdue article", last_reviewed=add_months(today, -13))
    short_interval = make_category(name="Fast-moving", last_reviewed=add_months(today, -4), review_interval_months=3)
    fresh = make_article(title="Fresh article", last_reviewed=today - datetime.timedelta(days=30))
    due_today = make_article(title="Due today", last_reviewed=add_months(today, -12))

    stale_subject = make_therapy(generic_name="stalemab")
    stale = make_estimate(stale_subject, as_of=staleness_cutoff() - datetime.timedelta(days=5))
    renewed = make_therapy(generic_name="renewedmab")
    history = make_estimate(renewed, as_of=staleness_cutoff() - datetime.timedelta(days=50))
    make_estimate(renewed, as_of=today - datetime.timedelta(days=3))
    return locals()


def test_the_panel_lists_what_needs_attention(editor_web, content):
    page = editor_web.get("/admin/").content.decode()

    awaiting = section(page, "awaiting-review")
    for obj in (content["in_review"], content["edited"]):
        assert f'href="{link(obj, "change")}"' in awaiting
    assert "pending changes to the live page" in awaiting
    assert "Quiet draft" not in awaiting and "Overdue article" not in awaiting

    overdue = section(page, "review-overdue")
    for obj in (content["overdue"], content["short_interval"]):
        assert f'href="{link(obj, "change")}"' in overdue
    for title in ("Fresh article", "Due today", "Waiting article"):
        assert title not in overdue

    stale = section(page, "stale-prices")
    assert f'href="{admin_url(content["stale"], "change")}"' in stale
    assert f'href="{admin_url(content["stale_subject"], "change")}"' in stale
    assert "renewedmab" not in stale
    assert admin_url(content["history"], "change") not in stale


def test_price_editors_see_only_the_prices(price_web, content):
    page = price_web.get("/admin/").content.decode()
    assert 'id="panel-stale-prices"' in page and "stalemab" in page
    assert 'id="panel-awaiting-review"' not in page and "Waiting article" not in page


def test_the_panel_says_when_all_is_well(editor_web, make_article):
    make_article(last_reviewed=timezone.localdate())
    page = editor_web.get("/admin/").content.decode()
    assert "Nothing is waiting for a medical reviewer." in page
    assert "No published page is overdue for its review" in page


def test_the_index_runs_a_fixed_number_of_queries(
    editor_web, content, conversation, make_article, make_therapy, make_category, make_estimate, editor_user, reviewer
):
    editor_web.get("/admin/")
    with CaptureQueriesContext(connection) as few:
        assert editor_web.get("/admin/").status_code == 200
    today = timezone.localdate()
    later = timezone.now() + datetime.timedelta(days=2)
    for n in range(10):
        make_article(last_reviewed=add_months(today, -14))
        waiting = draft(make_article)
        workflow.submit_for_review(waiting, editor_user)
        make_estimate(make_therapy(), as_of=staleness_cutoff() - datetime.timedelta(days=n + 1))
        revised = make_therapy(summary="Live.")
        pending_edit(revised, editor_user, summary=f"Mine {n}.")
        workflow.send_back(fresh(revised), reviewer, f"Note {n}.")
        workflow.save_edit(draft(make_category), editor_user)
        scheduled = make_therapy(summary="Live.")
        pending_edit(scheduled, editor_user, summary=f"Later {n}.")
        workflow.approve(fresh(scheduled), reviewer, go_live_at=later)
    with CaptureQueriesContext(connection) as many:
        page = editor_web.get("/admin/").content.decode()
    assert section(page, "sent-back").count("<li>") == 12
    assert section(page, "my-drafts").count("<li>") == 11
    assert section(page, "scheduled").count("<li>") == 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- Sent back to me, my drafts, awaiting review and scheduled ------------------------------------


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def pending_edit(obj, user, **changes):
    obj = fresh(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    return workflow.save_edit(obj, user, base_version=obj.edit_version)


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def local_time(moment):
    moment = timezone.localtime(moment)
    return f"{moment:%H:%M} on {moment.day} {moment:%b %Y}"


@pytest.fixture
def conversation(make_therapy, make_category, editor_user, second_editor, reviewer):
    later = timezone.now() + datetime.timedelta(days=3)
    revised = make_therapy(generic_name="revisedmab", summary="Live.")
    pending_edit(revised, editor_user, summary="Edna's text.")
    workflow.send_back(fresh(revised), reviewer, "Cite the trial.")

    others = make_therapy(generic_name="othersmab", summary="Live.")
    pending_edit(others, second_editor, summary="Eddie's text.")
    workflow.send_back(fresh(others), reviewer, "Eddie, check the dose.")

    submitted = draft(make_category, name="Edna's submitted section")
    workflow.save_edit(submitted, editor_user)
    workflow.submit_for_review(fresh(submitted), editor_user)
    workflow.send_back(fresh(submitted), reviewer, "Add a summary.")

    resaved = make_therapy(generic_name="resavedmab", summary="Live.")
    pending_edit(resaved, editor_user, summary="First try.")
    workflow.send_back(fresh(resaved), reviewer, "Not yet.")
    pending_edit(resaved, editor_user, summary="Second try.")

    quiet = draft(make_category, name="Edna's quiet draft")
    workflow.save_edit(quiet, editor_user)
    eddies = draft(make_category, name="Eddie's draft")
    workflow.save_edit(eddies, second_editor)

    in_review = draft(make_category, name="Section in review")
    workflow.submit_for_review(in_review, second_editor)

    scheduled_change = make_therapy(generic_name="scheduledmab", summary="Live.")
    pending_edit(scheduled_change, editor_user, summary="From next week.")
    workflow.approve(fresh(scheduled_change), reviewer, go_live_at=later)
    new_page = draft(make_category, name="Launching section")
    workflow.approve(new_page, reviewer, go_live_at=later + datetime.timedelta(hours=5))
    return {name: fresh(obj) for name, obj in locals().items() if hasattr(obj, "_meta")} | {"later": later}


def test_sent_back_to_me_lists_what_i_wrote_with_the_note(editor_web, second_editor, reviewer, conversation):
    sent_back = section(editor_web.get("/admin/").content.decode(), "sent-back")
    for obj in (conversation["revised"], conversation["submitted"]):
        assert f'href="{link(obj, "change")}"' in sent_back
    assert "Cite the trial." in sent_back and "Add a summary." in sent_back
    assert "sent back by Rita Reviewer" in sent_back
    when = ReviewDecision.objects.filter(action="sent_back", object_id=conversation["revised"].pk).latest().created_at
    assert local_time(when) in sent_back
    for name in ("othersmab", "resavedmab", "Eddie"):
        assert name not in sent_back

    eddies = section(logged_in(second_editor).get("/admin/").content.decode(), "sent-back")
    assert "othersmab" in eddies and "Eddie, check the dose." in eddies and "revisedmab" not in eddies
    assert "Nothing of yours has been sent back." in section(logged_in(reviewer).get("/admin/").content.decode(), "sent-back")


def test_my_drafts_are_the_drafts_i_edited_last(editor_web, editor_user, conversation):
    page = editor_web.get("/admin/").content.decode()
    drafts = section(page, "my-drafts")
    assert f'href="{link(conversation["quiet"], "change")}"' in drafts
    for name in ("Eddie's draft", "submitted section", "Section in review"):
        assert name not in drafts

    # Working on a draft that was sent back keeps it under "Sent back to me".
    workflow.save_edit(conversation["submitted"], editor_user)
    page = editor_web.get("/admin/").content.decode()
    assert "submitted section" not in section(page, "my-drafts")
    assert "submitted section" in section(page, "sent-back")


def test_scheduled_is_kept_apart_from_awaiting_review_and_says_when(reviewer_web, editor_web, conversation, settings):
    settings.TIME_ZONE = "Australia/Sydney"  # times are shown in the site's time zone
    page = reviewer_web.get("/admin/").content.decode()
    awaiting, scheduled = section(page, "awaiting-review"), section(page, "scheduled")

    for obj in (conversation["resaved"], conversation["in_review"]):
        assert f'href="{link(obj, "review")}"' in awaiting
    for name in ("scheduledmab", "Launching section"):
        assert name not in awaiting
        assert name in scheduled
    assert f'href="{link(conversation["scheduled_change"], "review")}"' in scheduled
    assert f"changes to the live page: goes live at {local_time(conversation['later'])}" in text(scheduled)
    launch = conversation["later"] + datetime.timedelta(hours=5)
    assert f"new page: goes live at {local_time(launch)}" in text(scheduled)
    assert scheduled.index("scheduledmab") < scheduled.index("Launching section")  # soonest first

    # Editors, who cannot approve, are taken to the page itself.
    page = editor_web.get("/admin/").content.decode()
    assert f'href="{link(conversation["scheduled_change"], "change")}"' in section(page, "scheduled")
    assert f'href="{link(conversation["in_review"], "change")}"' in section(page, "awaiting-review")
    assert "/review/" not in section(page, "awaiting-review") + section(page, "scheduled")



def test_sections_are_named_by_their_kind_on_the_panel_and_in_the_review_log(
    reviewer_web, editor_user, reviewer, make_category
):
    emerging = draft(make_category, kind="emerging", name="BTK inhibitors")
    care = draft(make_category, kind="supportive", name="Help with fatigue")
    for section_in_review in (emerging, care):
        workflow.submit_for_review(fresh(section_in_review), editor_user)
    workflow.send_back(fresh(care), reviewer, "Add the helplines.")

    panel = " ".join(reviewer_web.get("/admin/").content.decode().split())
    assert "BTK inhibitors</a> <span class=\"mini quiet\">(emerging therapy section" in panel
    assert "(category" not in panel

    log = " ".join(reviewer_web.get(reverse("admin:editorial_reviewdecision_changelist")).content.decode().split())
    kinds = re.findall(r'<td class="field-kind">([^<]*)</td>', log)
    assert sorted(kinds) == ["emerging therapy section", "supportive care section", "supportive care section"]
