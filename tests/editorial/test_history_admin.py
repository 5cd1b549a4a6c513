"""History in the admin: every change is listed with who made it and what
changed; a medical reviewer can restore an earlier version, which follows the
review rule (a pending revision on published content); editors only look."""

import pytest

from articles.models import Article
from editorial import workflow
from editorial.models import Revision
from tests.admin_roles import admin_url, draft, seen_version
from tests.prices.test_estimates_admin import form_data

pytestmark = pytest.mark.django_db


def edit_in_admin(web, obj, **changes):
    url = admin_url(obj, "change")
    data = form_data(web.get(url))
    data.update(changes, _save="Save")
    response = web.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_the_history_page_lists_changes_by_user_with_the_differences(editor_web, reviewer_web, make_article):
    article = draft(make_article, body="First words.")
    edit_in_admin(editor_web, article, body="Second words.")
    reviewer_web.post(admin_url(article, "review"), {"note": "Fine.", "seen_version": seen_version(reviewer_web, article)})

    response = editor_web.get(admin_url(article, "history"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Edna Editor" in page and "Rita Reviewer" in page
    assert "<del>First</del> <ins>Second</ins> words." in page  # the difference shown for the edit
    assert "View history" in page  # editors cannot revert


@pytest.mark.parametrize("view", ["history", "change"])
def test_history_and_change_pages_load_for_every_content_model(reviewer_web, make_article, make_therapy, view):
    therapy = make_therapy()
    for obj in (make_article(), therapy, therapy.category):
        assert reviewer_web.get(admin_url(obj, view)).status_code == 200


def test_a_reviewer_restores_an_earlier_version_of_live_content_as_a_pending_revision(
    reviewer_web, editor_web, reviewer, make_article, make_therapy, client
):
    first_therapy, second_therapy = make_therapy(), make_therapy()
    article = draft(make_article, title="Diet", slug="diet", body="Version one.")
    article.related_therapies.add(first_therapy)
    workflow.approve(article, reviewer)
    edit_in_admin(editor_web, article, body="Version two.", related_therapies=[str(second_therapy.pk)])
    workflow.approve(Article.objects.get(pk=article.pk), reviewer)
    assert Article.objects.get(pk=article.pk).body == "Version two."

    earlier = article.history.filter(body="Version one.").latest("history_date")
    url = admin_url(article, "simple_history", article.pk, earlier.history_id)
    page = reviewer_web.get(url).content.decode()
    assert 'value="Revert"' in page

    response = reviewer_web.post(url, {"_save": "Revert"}, follow=True)
    assert response.status_code == 200
    assert "restored as a pending revision" in response.content.decode()
    live = Article.objects.get(pk=article.pk)
    assert live.body == "Version two."
    assert list(live.related_therapies.all()) == [second_therapy]
    revision = Revision.objects.open().for_object(live).get()
    assert revision.data["body"] == "Version one."
    assert revision.data["related_therapies"] == [first_therapy.pk]
    assert "Version two." in client.get("/articles/diet/").content.decode()

    # It goes live only when approved, like any other edit.
    reviewer_web.post(admin_url(article, "review"), {"note": "Back to version one.", "seen_version": seen_version(reviewer_web, article)})
    assert Article.objects.get(pk=article.pk).body == "Version one."


def test_restoring_a_draft_changes_it_directly(reviewer_web, editor_web, make_therapy):
    therapy = draft(make_therapy, summary="One.")
    edit_in_admin(editor_web, therapy, summary="Two.")
    earlier = therapy.history.filter(summary="One.").latest("history_date")
    response = reviewer_web.post(admin_url(therapy, "simple_history", therapy.pk, earlier.history_id), {"_save": "Revert"})
    assert response.status_code == 302
    therapy.refresh_from_db()
    assert (therapy.summary, therapy.status) == ("One.", "draft")
    assert not Revision.objects.exists()
