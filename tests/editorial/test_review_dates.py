"""NHS-style review dates: every therapy, category and article page says when
it was last reviewed, when the next review is due and who signed it off."""

import datetime

import pytest
from django.utils import timezone

from tests.page_helpers import page
from therapies.models import Category, Therapy


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_user("drgrey", first_name="Meredith", last_name="Grey")


SIGNED_OFF = {"approved_at": datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC), "last_reviewed": datetime.date(2026, 3, 4)}


def test_therapy_page(client, make_therapy, reviewer):
    therapy = make_therapy(approved_by=reviewer, **SIGNED_OFF)

    text = page(client.get(therapy.get_absolute_url())).text

    assert "Page last reviewed: 4 March 2026" in text
    assert "Next review due: 4 March 2027" in text
    assert "Reviewed by Meredith Grey on 4 March 2026" in text


# Emerging sections are due after 6 months (EMERGING_REVIEW_INTERVAL_MONTHS), others after 12.
NEXT_DUE = {
    Category.Kind.DISEASE_MODIFYING: "4 March 2027",
    Category.Kind.EMERGING: "4 September 2026",
    Category.Kind.SUPPORTIVE: "4 March 2027",
}


@pytest.mark.parametrize("kind", [Category.Kind.DISEASE_MODIFYING, Category.Kind.EMERGING, Category.Kind.SUPPORTIVE])
def test_category_page_of_any_kind(client, make_category, make_therapy, reviewer, kind):
    category = make_category(kind=kind, approved_by=reviewer, **SIGNED_OFF)
    # A section with nothing listed in it is shown on its parent page only.
    make_therapy(category=category, development_stage=Therapy.Stage.PHASE_2 if kind == Category.Kind.EMERGING else "")

    text = page(client.get(category.get_absolute_url())).text

    assert "Page last reviewed: 4 March 2026" in text and f"Next review due: {NEXT_DUE[kind]}" in text
    assert "Reviewed by Meredith Grey on 4 March 2026" in text


@pytest.mark.parametrize("kind, url", [(Category.Kind.EMERGING, "/emerging/"), (Category.Kind.SUPPORTIVE, "/care/")])
def test_each_section_on_the_emerging_and_care_pages(client, make_category, reviewer, kind, url):
    make_category(kind=kind, name="First section", approved_by=reviewer, **SIGNED_OFF, display_order=1)
    make_category(kind=kind, name="Second section", last_reviewed=datetime.date(2026, 5, 31), review_interval_months=3,
                  display_order=2)

    text = page(client.get(url)).text

    first = text.split("First section", 1)[1].split("Second section", 1)[0]
    second = text.split("Second section", 1)[1]
    assert "Page last reviewed: 4 March 2026" in first and f"Next review due: {NEXT_DUE[kind]}" in first
    assert "Reviewed by Meredith Grey on 4 March 2026" in first
    assert "Page last reviewed: 31 May 2026" in second and "Next review due: 31 August 2026" in second
    assert "Reviewed by" not in second


def test_article_page(client, make_article, reviewer):
    article = make_article(approved_by=reviewer, **SIGNED_OFF)

    text = page(client.get(article.get_absolute_url())).text

    assert "Page last reviewed: 4 March 2026" in text and "Next review due: 4 March 2027" in text
    assert "Reviewed by Meredith Grey on 4 March 2026" in text


def test_a_shortened_interval_brings_the_next_review_forward(client, make_therapy, make_article):
    therapy = make_therapy(last_reviewed=datetime.date(2026, 8, 31), review_interval_months=6)
    article = make_article(last_reviewed=datetime.date(2026, 8, 31), review_interval_months=1)

    assert "Next review due: 28 February 2027" in page(client.get(therapy.get_absolute_url())).text
    assert "Next review due: 30 September 2026" in page(client.get(article.get_absolute_url())).text


def test_the_reviewer_is_named_by_user_name_when_there_is_no_full_name(client, make_therapy, django_user_model):
    therapy = make_therapy(approved_by=django_user_model.objects.create_user("reviewer7"), **SIGNED_OFF)

    assert "Reviewed by reviewer7 on 4 March 2026" in page(client.get(therapy.get_absolute_url())).text


def test_content_with_no_recorded_approver_has_no_credit(client, make_therapy, make_category, make_article):
    for obj in (make_therapy(), make_category(), make_article()):
        text = page(client.get(obj.get_absolute_url())).text
        assert "Page last reviewed: 10 January 2026" in text
        assert "Reviewed by" not in text


def test_an_overdue_review_is_stated_plainly(client, make_therapy):
    last = timezone.localdate() - datetime.timedelta(days=400)
    therapy = make_therapy(last_reviewed=last)

    text = page(client.get(therapy.get_absolute_url())).text

    assert "Review due: this page is due for its regular check by our editors." in text
    assert "Next review due:" in text


def test_no_review_date_recorded_shows_no_made_up_dates(client, make_therapy):
    text = page(client.get(make_therapy(last_reviewed=None).get_absolute_url())).text

    assert "Page last reviewed" not in text and "Next review due" not in text
