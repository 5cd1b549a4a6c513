"""The editors' panel on the admin index: what awaits a medical reviewer,
what is overdue for review, and which current prices are out of date, each
linking to the record's page; a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import workflow
from editorial.models import add_months
from therapies.models import staleness_cutoff
from tests.admin_roles import admin_url, draft

pytestmark = pytest.mark.django_db


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
        assert f'href="{admin_url(obj, "change")}"' in awaiting
    assert "pending changes to the live page" in awaiting
    assert "Quiet draft" not in awaiting and "Overdue article" not in awaiting

    overdue = section(page, "review-overdue")
    for obj in (content["overdue"], content["short_interval"]):
        assert f'href="{admin_url(obj, "change")}"' in overdue
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


def test_the_index_runs_a_fixed_number_of_queries(editor_web, content, make_article, make_therapy, make_estimate, editor_user):
    editor_web.get("/admin/")
    with CaptureQueriesContext(connection) as few:
        assert editor_web.get("/admin/").status_code == 200
    today = timezone.localdate()
    for n in range(10):
        make_article(last_reviewed=add_months(today, -14))
        waiting = draft(make_article)
        workflow.submit_for_review(waiting, editor_user)
        make_estimate(make_therapy(), as_of=staleness_cutoff() - datetime.timedelta(days=n + 1))
    with CaptureQueriesContext(connection) as many:
        assert editor_web.get("/admin/").status_code == 200
    assert len(many) == len(few)
