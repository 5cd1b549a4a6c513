"""The editors' glossary: editors and medical reviewers keep it in the admin,
one entry per term whatever its capitals, with its history."""

import pytest
from django.db import IntegrityError, transaction
from django.utils.html import escape

from editorial.models import GlossaryTerm
from editorial.models.glossary import DUPLICATE_TERM
from tests.admin_roles import admin_url

pytestmark = pytest.mark.django_db


def add_term(web, term, meaning):
    return web.post(admin_url(GlossaryTerm, "add"), {"term": term, "plain_meaning": meaning})


def test_an_editor_adds_a_term_and_its_history_says_who(editor_web, editor_user):
    response = add_term(editor_web, "  lymphocyte ", "a kind of white blood cell")
    assert response.status_code == 302
    term = GlossaryTerm.objects.get()
    assert (term.term, term.plain_meaning) == ("lymphocyte", "a kind of white blood cell")
    assert term.history.get().history_user == editor_user


def test_a_medical_reviewer_changes_a_term(reviewer_web):
    term = GlossaryTerm.objects.create(term="myelin", plain_meaning="fat")
    response = reviewer_web.post(
        admin_url(term, "change"), {"term": "myelin", "plain_meaning": "the protective coating around nerve fibres"}
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.plain_meaning == "the protective coating around nerve fibres"


def test_readers_see_a_meaning_once_a_reviewer_checks_it_and_an_editors_change_waits_again(
    client, editor_web, reviewer_web, make_article
):
    make_article(slug="relapses", body="A relapse can last days.")
    page = lambda: client.get("/articles/relapses/").content.decode()  # noqa: E731

    assert add_term(editor_web, "relapse", "a time when MS symptoms come back").status_code == 302
    term = GlossaryTerm.objects.get()
    assert term.checked_by is None and "(a time when MS symptoms come back)" not in page()
    assert "Not yet: a medical reviewer checks it by saving it." in editor_web.get(admin_url(term, "change")).content.decode()

    assert reviewer_web.post(admin_url(term, "change"), {"term": "relapse", "plain_meaning": term.plain_meaning}).status_code == 302
    term.refresh_from_db()
    assert term.checked_by.username == "rita" and "(a time when MS symptoms come back)" in page()

    changed = {"term": "relapse", "plain_meaning": "when symptoms flare"}
    assert editor_web.post(admin_url(term, "change"), changed).status_code == 302
    term.refresh_from_db()
    assert term.checked_at is None and "when symptoms flare" not in page() and "(a time when" not in page()


def test_a_price_editor_cannot_change_the_glossary(price_web):
    assert add_term(price_web, "lesion", "an area of damage").status_code == 403
    assert not GlossaryTerm.objects.exists()


def test_a_term_already_kept_in_other_capitals_is_refused_with_a_clear_message(editor_web):
    GlossaryTerm.objects.create(term="relapse", plain_meaning="a time when symptoms come back")
    response = add_term(editor_web, "Relapse", "something else")
    assert response.status_code == 200
    assert escape(DUPLICATE_TERM) in response.content.decode()
    assert GlossaryTerm.objects.count() == 1


def test_the_database_itself_keeps_a_term_once_whatever_its_capitals():
    GlossaryTerm.objects.create(term="lesion", plain_meaning="an area of damage")
    with pytest.raises(IntegrityError), transaction.atomic():
        GlossaryTerm.objects.create(term="LESION", plain_meaning="another")


def test_the_demo_glossary_explains_words_the_demo_pages_use(demo_content):
    terms = dict(GlossaryTerm.objects.pairs())
    assert terms["lymphocyte"].startswith("a kind of white blood cell")
    assert {"myelin", "relapse", "lesion", "immunosuppression"} <= set(terms)
