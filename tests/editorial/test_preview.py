"""The staff preview: editors and reviewers see a draft or pending changes
exactly as readers will, and nobody else ever sees them."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.models import Reference
from tests.page_helpers import assert_site_layout, page
from editorial import workflow
from editorial.models import Revision
from therapies.models import Category, Therapy
from editorial.preview import preview_url

BANNER = "Preview: readers do not see this version"


def staff(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password="a-long-test-password", is_staff=True,
                                                 first_name=username.capitalize(), last_name="Smith")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor_user(db, django_user_model):
    return staff(django_user_model, "edna", "Editors")


@pytest.fixture
def reviewer_user(db, django_user_model):
    return staff(django_user_model, "rita", "Medical reviewers")


@pytest.fixture
def price_editor(db, django_user_model):
    """Staff, but may view categories and therapies only, not articles."""
    return staff(django_user_model, "percy", "Price editors")


def client_for(client, user):
    client.force_login(user)
    return client


def pending(obj, user, **changes):
    """An editor's pending revision of published `obj`, through the workflow."""
    for name, value in changes.items():
        setattr(obj, name, value)
    return workflow.save_edit(obj, user)


def test_the_url_is_named_and_built_from_the_record(make_article):
    article = make_article()
    assert reverse("preview", args=["articles", "article", article.pk]) == f"/preview/articles/article/{article.pk}/"
    assert preview_url(article) == f"/preview/articles/article/{article.pk}/"


@pytest.mark.parametrize("role", ["editor_user", "reviewer_user"])
def test_editors_and_reviewers_see_a_draft_article_as_readers_will(client, request, make_article, make_therapy, role):
    therapy = make_therapy(generic_name="natalizumab")
    draft = make_article(title="Draft title", body="The draft body text.", status="draft", published_at=None)
    draft.related_therapies.add(therapy)
    Reference.objects.create(cited_by=draft, title="A cited source", publisher="A publisher", position=1)
    client = client_for(client, request.getfixturevalue(role))

    response = client.get(preview_url(draft))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "articles/article_detail.html"
    p = assert_site_layout(response)
    assert BANNER in p.text and "Status: Draft" in p.text
    assert "Draft title" in p.text and "The draft body text." in p.text
    assert "natalizumab" in p.text and "A cited source" in p.text
    assert "Reviewed by" not in p.text, "a draft has no sign-off"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "private, no-store"
    # Readers still get nothing.
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_pending_changes_to_published_content_are_shown_with_the_banner(client, editor_user, make_therapy):
    therapy = make_therapy(generic_name="livemab", slug="livemab", summary="The live summary.")
    pending(therapy, editor_user, summary="The pending summary.")
    client = client_for(client, editor_user)

    p = page(client.get(preview_url(therapy)))

    assert BANNER in p.text and "pending changes" in p.text and "Status: Published" in p.text
    assert "The pending summary." in p.text and "The live summary." not in p.text
    client.logout()
    public = page(client.get("/therapies/livemab/")).text
    assert "The live summary." in public and "The pending summary." not in public and BANNER not in public


def test_pending_relations_of_an_article_are_shown_from_the_revision(client, editor_user, make_article, make_therapy):
    old, new = make_therapy(generic_name="oldmab"), make_therapy(generic_name="newmab")
    article = make_article(title="Related things")
    article.related_therapies.set([old])
    workflow.save_edit(Article.objects.get(pk=article.pk), editor_user, m2m={"related_therapies": [new]})
    client = client_for(client, editor_user)

    text = page(client.get(preview_url(article))).text

    assert "newmab" in text and "oldmab" not in text


def test_a_scheduled_change_shows_when_it_goes_live_and_who_approved_it(client, editor_user, reviewer_user, make_article):
    article = make_article(title="Old title")
    pending(article, editor_user, title="New title")
    go_live = timezone.now() + datetime.timedelta(days=2)
    workflow.approve(Article.objects.get(pk=article.pk), reviewer_user, go_live_at=go_live)
    client = client_for(client, editor_user)

    p = page(client.get(preview_url(article)))

    assert "New title" in p.text and "approved to go live on" in p.text
    assert f"Reviewed by Rita Smith on {timezone.localdate():%-d %B %Y}" in p.text


@pytest.mark.parametrize("kind", [Category.Kind.DISEASE_MODIFYING, Category.Kind.EMERGING, Category.Kind.SUPPORTIVE])
def test_categories_of_any_kind_can_be_previewed_with_their_live_therapies(client, reviewer_user, make_category,
                                                                           make_therapy, kind):
    category = make_category(kind=kind, name="Draft section", body="Section **draft** body.", is_published=False)
    make_therapy(generic_name="livetherapy", category=category, development_stage=Therapy.Stage.PHASE_2)
    make_therapy(generic_name="drafttherapy", category=category, is_published=False)
    client = client_for(client, reviewer_user)

    response = client.get(preview_url(category))

    # The public page's own template (its medicines' list is a kept fragment, rendered first).
    assert "therapies/category_detail.html" in [t.name for t in response.templates]
    p = page(response)
    assert BANNER in p.text and "Draft section" in p.text and "<strong>draft</strong>" in p.html
    assert "livetherapy" in p.text, "what readers will see once the section is live"
    assert "drafttherapy" not in p.text
    client.logout()
    assert client.get(category.get_absolute_url()).status_code == 404


def test_a_therapy_in_a_group_that_is_not_live_says_so(client, editor_user, make_category, make_therapy):
    group = make_category(name="Unready group", is_published=False)
    therapy = make_therapy(generic_name="waitingmab", category=group)
    client = client_for(client, editor_user)

    p = page(client.get(preview_url(therapy)))

    assert BANNER in p.text and "Its group, Unready group, is not live" in p.text and "waitingmab" in p.text


def test_live_content_without_changes_is_labelled_as_the_live_version(client, editor_user, make_therapy):
    therapy = make_therapy(generic_name="plainmab")
    client = client_for(client, editor_user)

    p = page(client.get(preview_url(therapy)))

    assert BANNER not in p.text and "Preview: this is the version readers see now" in p.text
    assert therapy.get_absolute_url() in p.links()


@pytest.mark.parametrize("state", ["draft", "pending"])
def test_anonymous_readers_are_sent_to_the_login_and_never_see_the_text(client, editor_user, make_article, state):
    if state == "draft":
        article = make_article(body="Secret draft words.", status="draft", published_at=None)
    else:
        article = make_article(body="Live words.")
        pending(article, editor_user, body="Secret draft words.")

    response = client.get(preview_url(article))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/preview/articles/article/")
    assert "Secret draft words." not in response.content.decode()
    followed = client.get(preview_url(article), follow=True)
    assert "Secret draft words." not in followed.content.decode()


def test_logged_in_readers_who_are_not_staff_are_treated_like_anonymous(client, django_user_model, make_article):
    article = make_article(body="Secret draft words.", status="draft", published_at=None)
    client.force_login(django_user_model.objects.create_user("reader", password="a-long-test-password"))

    response = client.get(preview_url(article))

    assert response.status_code == 302 and "Secret draft words." not in response.content.decode()


def test_staff_without_view_permission_get_403(client, price_editor, make_article, make_therapy):
    article = make_article(body="Secret draft words.", status="draft", published_at=None)
    client = client_for(client, price_editor)

    response = client.get(preview_url(article))

    assert response.status_code == 403
    assert "Secret draft words." not in response.content.decode()
    # The same user may preview what they may view.
    assert client.get(preview_url(make_therapy(is_published=False))).status_code == 200


def test_staff_with_no_permissions_at_all_get_403(client, django_user_model, make_category):
    user = django_user_model.objects.create_user("bare", is_staff=True)
    client.force_login(user)

    assert client.get(preview_url(make_category())).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/preview/articles/article/999999/",
        "/preview/prices/costestimate/1/",
        "/preview/auth/user/1/",
        "/preview/nosuch/model/1/",
        "/preview/articles/article/abc/",
    ],
)
def test_unknown_models_and_records_are_404(client, editor, path):
    client.force_login(editor)  # a superuser: every permission

    assert client.get(path).status_code == 404


def test_the_preview_applies_due_revisions_first(client, editor_user, make_therapy):
    therapy = make_therapy(summary="Old.")
    data = workflow.snapshot(therapy)
    data["summary"] = "Went live just now."
    Revision.objects.create(content_type=ContentType.objects.get_for_model(Therapy), object_id=therapy.pk, data=data,
                            status=Revision.Status.SCHEDULED, go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    client = client_for(client, editor_user)

    p = page(client.get(preview_url(therapy)))

    assert "Went live just now." in p.text and "Preview: this is the version readers see now" in p.text
