"""What each editorial role sees and may do in the admin, and that a forged
request for an action the role does not have is refused (403) and changes
nothing. Editors write and submit; medical reviewers also approve, publish,
unpublish and restore; price editors only record prices."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import workflow
from editorial.models import Revision
from therapies.models import Category, Therapy
from prices.models import CostEstimate
from tests.admin_roles import admin_url, draft
from tests.prices.test_estimates_admin import form_data

pytestmark = pytest.mark.django_db

REVIEWER_BUTTONS = ("Review and approve…", "Unpublish…", 'value="Send back"')


def row(obj):
    """Everything the database holds for `obj`."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def post_form(client, url, **changes):
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


# --- editors -------------------------------------------------------------------------------


def test_an_editor_creates_a_draft_and_submits_it_for_review(editor_web, editor_user):
    url = admin_url(Article, "add")
    page = editor_web.get(url).content.decode()
    assert "Save and submit for review" in page
    response = post_form(
        editor_web,
        url,
        title="Fatigue in MS",
        slug="fatigue-in-ms",
        standfirst="What helps.",
        body="Plenty.",
        byline="Edna",
        _save="Save",
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="fatigue-in-ms")
    assert (article.status, article.last_edited_by, article.approved_by) == ("draft", editor_user, None)
    assert not Article.objects.live().filter(pk=article.pk).exists()

    response = post_form(editor_web, admin_url(article, "change"), body="Plenty, checked.", _submit_for_review="1")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.body) == ("in_review", "Plenty, checked.")
    assert not Article.objects.live().filter(pk=article.pk).exists()


def test_an_editor_sees_no_reviewer_buttons_or_actions(editor_web, make_article, make_therapy, editor_user):
    live = make_article(body="Live.")
    live.body = "Pending."
    workflow.save_edit(live, editor_user)
    in_review = draft(make_article)
    workflow.submit_for_review(in_review, editor_user)
    for obj in (live, in_review, make_therapy()):
        page = editor_web.get(admin_url(obj, "change")).content.decode()
        assert "Preview as readers will see it" in page
        for button in REVIEWER_BUTTONS:
            assert button not in page
    changelist = editor_web.get(admin_url(Article, "changelist")).content.decode()
    for action in ("approve_selected", "unpublish_selected", "mark_reviewed_today"):
        assert action not in changelist


@pytest.mark.parametrize("view", ["review", "send_back", "unpublish"])
def test_a_forged_review_request_from_an_editor_is_refused(editor_web, editor_user, make_article, view):
    live = make_article(body="Live.")
    live.body = "Pending."
    workflow.save_edit(live, editor_user)
    in_review = draft(make_article)
    workflow.submit_for_review(in_review, editor_user)
    before = [row(live), row(in_review), list(Revision.objects.values())]
    for obj in (live, in_review):
        url = admin_url(obj, view)
        assert editor_web.get(url).status_code == 403
        assert editor_web.post(url, {"note": "Forged.", "go_live_at_0": "", "go_live_at_1": ""}).status_code == 403
    assert [row(live), row(in_review), list(Revision.objects.values())] == before


@pytest.mark.parametrize("action", ["approve_selected", "unpublish_selected", "mark_reviewed_today"])
def test_a_forged_bulk_action_from_an_editor_changes_nothing(editor_web, make_article, action):
    live, waiting = make_article(last_reviewed=None), draft(make_article)
    before = [row(live), row(waiting)]
    response = editor_web.post(
        admin_url(Article, "changelist"), {"action": action, "_selected_action": [live.pk, waiting.pk]}
    )
    assert response.status_code == 403
    assert [row(live), row(waiting)] == before


def test_editing_published_content_keeps_the_live_page(editor_web, editor_user, make_article, client):
    article = make_article(title="Relapses", slug="relapses", body="The approved text.")
    response = post_form(editor_web, admin_url(article, "change"), body="An unreviewed rewrite.", _save="Save")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("pending revision" in m for m in messages)
    assert not any("changed successfully" in m for m in messages)

    article.refresh_from_db()
    assert article.body == "The approved text." and article.status == "published"
    revision = Revision.objects.open().for_object(article).get()
    assert (revision.data["body"], revision.created_by) == ("An unreviewed rewrite.", editor_user)
    public = client.get("/articles/relapses/")
    assert public.status_code == 200
    assert "The approved text." in public.content.decode()
    assert "An unreviewed rewrite." not in public.content.decode()

    # The editor carries on from the pending version, told why the page looks different.
    page = editor_web.get(admin_url(article, "change")).content.decode()
    assert "An unreviewed rewrite." in page
    assert "readers keep seeing the approved version until a medical reviewer approves them" in page


def test_pending_related_therapies_are_kept_in_the_revision(editor_web, make_article, make_therapy):
    old, new = make_therapy(), make_therapy()
    article = make_article()
    article.related_therapies.add(old)
    response = post_form(editor_web, admin_url(article, "change"), related_therapies=[str(new.pk)], _save="Save")
    assert response.status_code == 302
    assert list(article.related_therapies.all()) == [old]
    assert Revision.objects.open().for_object(article).get().data["related_therapies"] == [new.pk]
    # The form opens with the pending choice.
    assert form_data(editor_web.get(admin_url(article, "change")))["related_therapies"] == str(new.pk)


def test_editors_cannot_delete_published_content(editor_web, make_article, make_category):
    live = make_article()
    unpublished = make_article(status="unpublished")
    never_published = draft(make_article)
    for obj in (live, unpublished):
        page = editor_web.get(admin_url(obj, "change")).content.decode()
        assert admin_url(obj, "delete") not in page
        assert editor_web.post(admin_url(obj, "delete"), {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk__in=[live.pk, unpublished.pk]).count() == 2

    # Bulk delete refuses a selection with published content, and deletes nothing.
    response = editor_web.post(
        admin_url(Article, "changelist"),
        {"action": "delete_selected", "_selected_action": [live.pk, never_published.pk], "post": "yes"},
        follow=True,
    )
    assert "published content is never deleted" in response.content.decode()
    assert Article.objects.filter(pk__in=[live.pk, never_published.pk]).count() == 2

    # A draft that was never published can go.
    assert admin_url(never_published, "delete") in editor_web.get(admin_url(never_published, "change")).content.decode()
    assert editor_web.post(admin_url(never_published, "delete"), {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=never_published.pk).exists()


def test_editors_view_history_but_cannot_revert(editor_web, editor_user, make_article):
    article = draft(make_article, body="One.")
    article.body = "Two."
    workflow.save_edit(article, editor_user)
    record = article.history.earliest("history_date")
    assert editor_web.get(admin_url(article, "history")).status_code == 200
    url = admin_url(article, "simple_history", article.pk, record.history_id)
    page = editor_web.get(url)
    assert page.status_code == 200
    assert 'value="Revert"' not in page.content.decode()
    before = row(article)
    assert editor_web.post(url, {"_save": "Revert"}).status_code == 403
    assert row(article) == before


# --- medical reviewers -----------------------------------------------------------------------


def test_a_reviewer_sees_the_review_buttons(reviewer_web, editor_user, make_article):
    live = make_article(body="Live.")
    live.body = "Pending."
    workflow.save_edit(live, editor_user)
    page = reviewer_web.get(admin_url(live, "change")).content.decode()
    for button in REVIEWER_BUTTONS:
        assert button in page
    changelist = reviewer_web.get(admin_url(Article, "changelist")).content.decode()
    for action in ("approve_selected", "unpublish_selected", "mark_reviewed_today"):
        assert action in changelist


def test_a_reviewer_publishes_with_the_bulk_action(reviewer_web, reviewer, make_therapy):
    therapy = draft(make_therapy)
    response = reviewer_web.post(admin_url(Therapy, "changelist"), {"action": "approve_selected", "_selected_action": [therapy.pk]})
    assert response.status_code == 302
    therapy.refresh_from_db()
    assert therapy.is_live and therapy.approved_by == reviewer


# --- price editors ---------------------------------------------------------------------------


def test_price_editors_record_prices(price_web, price_editor, make_therapy):
    therapy = make_therapy()
    assert price_web.get(reverse("admin:prices_costestimate_add")).status_code == 200
    assert price_web.get(reverse("admin:prices_priceimport_upload")).status_code == 200
    assert price_web.get(reverse("admin:prices_priceimport_changelist")).status_code == 200
    # The therapy picker (autocomplete) works for them.
    autocomplete = price_web.get(
        reverse("admin:autocomplete"),
        {"term": therapy.generic_name[:6], "app_label": "prices", "model_name": "costestimate", "field_name": "therapy"},
    )
    assert autocomplete.status_code == 200 and str(therapy.pk) in autocomplete.content.decode()
    response = price_web.post(
        reverse("admin:prices_costestimate_add"),
        {
            "therapy": therapy.pk,
            "low": "1000",
            "high": "2000",
            "currency": "USD",
            "as_of": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
            "source_name": "Pharmacy survey",
        },
    )
    assert response.status_code == 302
    assert therapy.cost_estimates.get().recorded_by == price_editor


def test_price_editors_cannot_touch_content(price_web, make_article, make_therapy):
    therapy = make_therapy()
    category = therapy.category
    article = make_article()
    for url in (admin_url(Article, "changelist"), admin_url(article, "change"), admin_url(Article, "add")):
        assert price_web.get(url).status_code == 403
    for model in (Therapy, Category):
        assert price_web.get(admin_url(model, "add")).status_code == 403
    before = [row(therapy), row(category), row(article)]
    for obj in (therapy, category, article):
        assert price_web.post(admin_url(obj, "change"), {"summary": "Forged.", "body": "Forged."}).status_code == 403
        for view in ("review", "unpublish", "send_back", "delete"):
            assert price_web.post(admin_url(obj, view), {"post": "yes"}).status_code == 403
    # Therapies and categories are visible read-only (to pick them for a price), with no actions.
    page = price_web.get(admin_url(therapy, "change")).content.decode()
    assert 'name="summary"' not in page and 'name="_save"' not in page
    for button in (*REVIEWER_BUTTONS, "Save and submit for review", "Preview as readers will see it"):
        assert button not in page
    changelist = price_web.get(admin_url(Therapy, "changelist")).content.decode()
    assert "approve_selected" not in changelist and "delete_selected" not in changelist
    assert price_web.post(
        admin_url(Therapy, "changelist"), {"action": "approve_selected", "_selected_action": [therapy.pk]}
    ).status_code == 403
    assert [row(therapy), row(category), row(article)] == before
    assert not CostEstimate.objects.exists()


def test_the_review_interval_can_be_shortened_not_lengthened(editor_web, make_article):
    article = draft(make_article)
    url = admin_url(article, "change")
    response = post_form(editor_web, url, review_interval_months="18", _save="Save")
    assert response.status_code == 200
    assert "at most 12 months" in response.content.decode()
    assert post_form(editor_web, url, review_interval_months="6", _save="Save").status_code == 302
    article.refresh_from_db()
    assert article.review_interval_months == 6


def test_references_are_added_in_the_article_and_therapy_forms(editor_web, make_article, make_therapy):
    for obj in (draft(make_article), draft(make_therapy)):
        url = admin_url(obj, "change")
        data = form_data(editor_web.get(url))
        data.update({"references-0-title": "MS Society guidance", "references-0-position": "1",
                     "references-0-url": "https://example.org/guide", "_save": "Save"})
        assert editor_web.post(url, data).status_code == 302
        assert obj.references.get().title == "MS Society guidance"


def test_saving_only_an_inline_leaves_a_scheduled_revision_alone(reviewer_web, editor_user, reviewer, make_article):
    article = make_article(body="Live.")
    article.body = "Next month."
    workflow.save_edit(article, editor_user)
    workflow.approve(Article.objects.get(pk=article.pk), reviewer, go_live_at=timezone.now() + datetime.timedelta(days=30))
    url = admin_url(article, "change")
    data = form_data(reviewer_web.get(url))
    data.update({"references-0-title": "A source", "references-0-position": "1", "_save": "Save"})
    assert reviewer_web.post(url, data).status_code == 302
    assert Revision.objects.open().for_object(article).get().status == Revision.Status.SCHEDULED


def test_on_a_live_page_only_a_reviewer_changes_the_citations(editor_web, reviewer_web, make_article):
    article = make_article()
    url = admin_url(article, "change")
    assert 'name="references-0-title"' not in editor_web.get(url).content.decode()
    assert 'name="references-0-title"' in reviewer_web.get(url).content.decode()

    data = form_data(editor_web.get(url))
    data.update({"references-TOTAL_FORMS": "1", "references-INITIAL_FORMS": "0",
                 "references-0-title": "Unreviewed source", "references-0-position": "1", "_save": "Save"})
    editor_web.post(url, data)
    assert not article.references.exists()
