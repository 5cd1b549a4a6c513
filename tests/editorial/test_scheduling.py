"""A change a reviewer approved for a later time goes live at that time, with
no cron job: the first public request after the go-live time applies it."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import Article
from tests.conftest import clock_at
from tests.page_helpers import page
from editorial import workflow
from editorial.models import Revision
from therapies.models import Therapy


def schedule(obj, go_live_at, reviewer=None, **changes):
    """A revision of `obj` with `changes`, approved to go live at `go_live_at`."""
    data = workflow.snapshot(obj)
    data.update(changes)
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
        data=Revision._meta.get_field("data").get_prep_value(data), status=Revision.Status.SCHEDULED,
        go_live_at=go_live_at, reviewed_by=reviewer,
        reviewed_at=timezone.now() - datetime.timedelta(days=1) if reviewer else None,
    )


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_user("rita", first_name="Rita", last_name="Reviewer", is_staff=True)


def test_a_scheduled_change_shows_old_text_before_and_new_text_after(client, make_therapy, reviewer):
    therapy = make_therapy(generic_name="schedumab", slug="schedumab", summary="The old summary.")
    revision = schedule(therapy, timezone.now() + datetime.timedelta(hours=1), reviewer, summary="The new summary.")

    before = page(client.get("/therapies/schedumab/")).text
    assert "The old summary." in before and "The new summary." not in before
    revision.refresh_from_db()
    assert revision.status == Revision.Status.SCHEDULED

    # The go-live time has just come (the page above may be in the page cache).
    with clock_at(revision.go_live_at + datetime.timedelta(seconds=1)):
        after = page(client.get("/therapies/schedumab/")).text
    assert "The new summary." in after and "The old summary." not in after
    revision.refresh_from_db()
    therapy.refresh_from_db()
    assert revision.status == Revision.Status.APPLIED
    assert therapy.summary == "The new summary."
    assert (therapy.approved_by, therapy.last_reviewed) == (reviewer, timezone.localdate(revision.reviewed_at))
    assert "Reviewed by Rita Reviewer" in after


@pytest.mark.parametrize("url", ["/", "/therapies/", "/emerging/", "/care/", "/articles/"])
def test_any_public_page_applies_what_is_due(client, make_article, url):
    article = make_article(title="Old title", slug="sched-article")
    revision = schedule(article, timezone.now() - datetime.timedelta(seconds=1), title="New title")

    assert client.get(url).status_code == 200

    revision.refresh_from_db()
    assert revision.status == Revision.Status.APPLIED
    assert Article.objects.get(pk=article.pk).title == "New title"


def test_a_scheduled_change_to_a_category(client, make_category):
    category = make_category(name="Old group name", slug="old-group")
    schedule(category, timezone.now() - datetime.timedelta(seconds=1), name="New group name")

    assert "New group name" in page(client.get("/categories/old-group/")).text


def test_a_scheduled_change_of_related_therapies_goes_live_too(client, make_article, make_therapy):
    old, new = make_therapy(generic_name="oldmab"), make_therapy(generic_name="newmab")
    article = make_article(slug="relations")
    article.related_therapies.set([old])
    schedule(article, timezone.now() - datetime.timedelta(seconds=1), related_therapies=[new.pk])

    text = page(client.get("/articles/relations/")).text
    assert "newmab" in text and "oldmab" not in text


def test_the_admin_does_not_run_the_scheduler(admin_client, make_therapy):
    therapy = make_therapy(summary="The old summary.")
    revision = schedule(therapy, timezone.now() - datetime.timedelta(seconds=1), summary="The new summary.")

    admin_client.get("/admin/")

    revision.refresh_from_db()
    assert revision.status == Revision.Status.SCHEDULED


def test_a_due_change_that_cannot_be_saved_goes_back_to_review_and_pages_still_work(client, make_therapy):
    make_therapy(generic_name="takenmab", slug="taken")
    therapy = make_therapy(generic_name="movingmab", slug="moving", summary="The live summary.")
    # Approved to move to an address another therapy has taken since.
    revision = schedule(therapy, timezone.now() - datetime.timedelta(seconds=1), slug="taken", summary="Changed.")

    response = client.get("/therapies/moving/")

    assert response.status_code == 200
    assert "The live summary." in page(response).text
    revision.refresh_from_db()
    assert revision.status == Revision.Status.PENDING and revision.go_live_at is None
    assert "Could not go live" in revision.review_note
    assert Therapy.objects.get(pk=therapy.pk).summary == "The live summary."
    assert client.get("/").status_code == 200


def test_a_draft_approved_for_later_appears_at_its_time(client, make_category):
    category = make_category(name="Soon group", slug="soon", published_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get("/categories/soon/").status_code == 404

    with clock_at(category.published_at + datetime.timedelta(seconds=1)):
        assert client.get("/categories/soon/").status_code == 200
