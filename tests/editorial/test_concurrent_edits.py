"""No lost edits: when two people edit the same record at once, the second
save is refused with a message naming who saved first, the second person's
input stays in the form, and nothing is overwritten: not by that save, nor by
pressing Save again. Saving over it is an explicit choice (see
test_edit_conflicts.py for the choices in detail)."""

import pytest

from articles.models import Article
from editorial import workflow
from editorial.admin import ReviewedContentForm
from editorial.models import Revision
from tests.admin_roles import admin_url, draft
from tests.prices.test_estimates_admin import form_data

pytestmark = pytest.mark.django_db


def open_form(web, obj):
    data = form_data(web.get(admin_url(obj, "change")))
    data["_save"] = "Save"
    return data


@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
def test_the_second_save_is_refused_and_keeps_its_input(editor_web, reviewer_web, make_article, published):
    article = make_article(body="Original.") if published else draft(make_article, body="Original.")
    url = admin_url(article, "change")
    first, second = open_form(reviewer_web, article), open_form(editor_web, article)
    assert first["base_version"] == second["base_version"] == str(article.edit_version)

    assert reviewer_web.post(url, {**first, "body": "Rita's fix."}).status_code == 302
    response = editor_web.post(url, {**second, "body": "Edna's rewrite.", "standfirst": "Edna's standfirst."})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Rita Reviewer saved this page at" in page
    assert "Your changes are still in the form below and have not been saved" in page
    assert "Edna&#x27;s rewrite." in page and "Edna&#x27;s standfirst." in page
    live = Article.objects.get(pk=article.pk)
    if published:
        assert live.body == "Original."
        revision = Revision.objects.open().for_object(article).get()
        assert (revision.data["body"], revision.data["standfirst"]) == ("Rita's fix.", article.standfirst)
    else:
        assert (live.body, live.standfirst) == ("Rita's fix.", article.standfirst)

    # A plain Save again is refused again: Rita's change is never overwritten
    # by a second press of the same button.
    again = form_data(response)
    assert again["base_version"] == first["base_version"]
    again["body"] = "Edna's rewrite, with Rita's fix."
    refused = editor_web.post(url, {**again, "_save": "Save"})
    assert refused.status_code == 200 and "Rita Reviewer saved this page at" in refused.content.decode()
    if published:
        assert Revision.objects.open().for_object(article).get().data["body"] == "Rita's fix."
    else:
        assert Article.objects.get(pk=article.pk).body == "Rita's fix."

    # Saving is an explicit choice: keep Rita's version, and for the body they
    # both changed, use Edna's (which now includes Rita's fix).
    chosen = {**form_data(refused), "conflict_keep__body": "mine", "_merge_theirs": "Keep their version and apply mine on top"}
    assert editor_web.post(url, chosen).status_code == 302
    if published:
        revision = Revision.objects.open().for_object(article).get()
        assert (revision.data["body"], revision.data["standfirst"]) == ("Edna's rewrite, with Rita's fix.", "Edna's standfirst.")
        assert Article.objects.get(pk=article.pk).body == "Original."
    else:
        live = Article.objects.get(pk=article.pk)
        assert (live.body, live.standfirst) == ("Edna's rewrite, with Rita's fix.", "Edna's standfirst.")


def test_a_save_by_the_same_person_in_another_tab_is_a_conflict_too(editor_web, make_therapy):
    therapy = draft(make_therapy, summary="One.")
    url = admin_url(therapy, "change")
    tab_one, tab_two = open_form(editor_web, therapy), open_form(editor_web, therapy)
    assert editor_web.post(url, {**tab_one, "summary": "Two."}).status_code == 302
    response = editor_web.post(url, {**tab_two, "summary": "Three."})
    assert response.status_code == 200 and "Edna Editor saved this page" in response.content.decode()
    assert type(therapy).objects.get(pk=therapy.pk).summary == "Two."


def test_a_conflict_between_the_check_and_the_save_is_refused_too(editor_web, reviewer, make_article, monkeypatch):
    # Someone saves after the form's check but before the workflow's locked
    # save: the workflow refuses, nothing is written, and the form says so.
    article = draft(make_article, body="Original.")
    url = admin_url(article, "change")
    data = open_form(editor_web, article)
    real_post_clean = ReviewedContentForm._post_clean
    calls = []

    def check_then_someone_saves(form):
        real_post_clean(form)
        if not calls:
            calls.append(1)
            other = Article.objects.get(pk=article.pk)
            other.body = "Rita's fix."
            workflow.save_edit(other, reviewer)

    monkeypatch.setattr(ReviewedContentForm, "_post_clean", check_then_someone_saves)
    response = editor_web.post(url, {**data, "body": "Edna's rewrite."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rita Reviewer saved this page" in page and "Edna&#x27;s rewrite." in page
    # (Rita's save happened inside the refused request here, so it was rolled
    # back with it; in real life it was committed by her own request.)
    assert Article.objects.get(pk=article.pk).body != "Edna's rewrite."


@pytest.mark.parametrize("published", [False, True], ids=["draft in review", "published with pending edits"])
def test_a_send_back_names_the_reviewer_for_what_they_did_and_leaves_the_author_as_last_editor(
    editor_web, editor_user, reviewer, make_article, published
):
    article = make_article(body="Original.") if published else draft(make_article, body="Original.")
    article.body = "Edna's draft."
    workflow.save_edit(article, editor_user)  # on a live page, a revision waiting for review
    if not published:
        workflow.submit_for_review(Article.objects.get(pk=article.pk), editor_user)
    form = open_form(editor_web, article)  # Edna opens the form again while it is in review

    workflow.send_back(Article.objects.get(pk=article.pk), reviewer, "Please cite the label.")

    assert Article.objects.get(pk=article.pk).last_edited_by == editor_user
    changelist = editor_web.get("/admin/articles/article/").content.decode()
    row = changelist.split(f"/admin/articles/article/{article.pk}/change/", 1)[1].split("</tr>", 1)[0]
    assert "Edna Editor" in row and "Rita Reviewer" not in row

    response = editor_web.post(admin_url(article, "change"), {**form, "body": "Edna's second try."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rita Reviewer sent this page back at" in page and "Rita Reviewer sent this page back after you opened it" in page
    assert "Rita Reviewer saved this page" not in page
