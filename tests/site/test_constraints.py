"""The database itself refuses bad data, whatever code writes it (no
full_clean here), and model validation explains the rules in plain words."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from therapies.models import Category, Therapy
from prices.models import CostEstimate, main_kind_for_currency

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 1, 15)


def estimate_values(**fields):
    values = {
        "low": Decimal("60000"),
        "high": Decimal("80000"),
        "currency": "USD",
        "as_of": AS_OF,
        "source_name": "Test price survey",
    }
    values.update(fields)
    return values


def refused(create, constraint_name=None):
    """`create()` fails in the database; the named constraint is the reason
    where the backend's message names it (check constraints always do)."""
    with pytest.raises(IntegrityError) as error:
        with transaction.atomic():
            create()
    if constraint_name is not None:
        message = str(error.value)
        assert constraint_name in message or "UNIQUE constraint failed" in message, message
    return error.value


@pytest.fixture
def category(make_category):
    return make_category()


@pytest.fixture
def therapy(make_therapy):
    return make_therapy()


# --- cost estimates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, constraint",
    [
        pytest.param({"low": Decimal("-1")}, "cost_estimate_low_non_negative", id="negative-low"),
        pytest.param({"low": Decimal("90000"), "high": Decimal("80000")}, "cost_estimate_low_not_above_high", id="low-above-high"),
        pytest.param({"currency": "usd"}, "cost_estimate_currency_iso_code", id="lowercase-currency"),
        pytest.param({"currency": "US1"}, "cost_estimate_currency_iso_code", id="digit-currency"),
        pytest.param({"currency": "US"}, "cost_estimate_currency_iso_code", id="short-currency"),
    ],
)
def test_estimate_check_constraints(category, fields, constraint):
    # The kind given, so a currency no kind uses reaches the database's own check.
    kind = main_kind_for_currency("USD")
    refused(lambda: CostEstimate.objects.create(category=category, kind=kind, **estimate_values(**fields)), constraint)
    assert not CostEstimate.objects.exists()


def test_negative_high_is_refused(category):
    # A negative high always breaks low <= high or low >= 0 as well; which
    # constraint the database reports first is its own business.
    error = refused(
        lambda: CostEstimate.objects.create(category=category, **estimate_values(low=Decimal("0"), high=Decimal("-1")))
    )
    assert any(
        name in str(error)
        for name in ("cost_estimate_high_non_negative", "cost_estimate_low_not_above_high")
    ), error
    assert not CostEstimate.objects.exists()


def test_an_estimate_with_both_subjects_is_refused(category, therapy):
    refused(
        lambda: CostEstimate.objects.create(category=category, therapy=therapy, **estimate_values()),
        "cost_estimate_exactly_one_subject",
    )


def test_an_estimate_without_a_subject_is_refused():
    refused(lambda: CostEstimate.objects.create(**estimate_values()), "cost_estimate_exactly_one_subject")


def test_a_duplicate_category_estimate_is_refused(category):
    CostEstimate.objects.create(category=category, **estimate_values())
    refused(
        lambda: CostEstimate.objects.create(category=category, **estimate_values(low=Decimal("1"), high=Decimal("2"))),
        "cost_estimate_unique_category_currency_date",
    )
    assert CostEstimate.objects.count() == 1


def test_a_duplicate_therapy_estimate_is_refused(therapy):
    CostEstimate.objects.create(therapy=therapy, **estimate_values())
    refused(
        lambda: CostEstimate.objects.create(therapy=therapy, **estimate_values(note="again")),
        "cost_estimate_unique_therapy_currency_date",
    )
    assert CostEstimate.objects.count() == 1


def test_other_currency_date_or_subject_is_not_a_duplicate(category, therapy, make_category):
    CostEstimate.objects.create(category=category, **estimate_values())
    CostEstimate.objects.create(category=category, **estimate_values(currency="GBP"))
    CostEstimate.objects.create(category=category, **estimate_values(as_of=AS_OF - datetime.timedelta(days=1)))
    CostEstimate.objects.create(category=make_category(), **estimate_values())
    # A therapy and a category may share a currency and date: the unique
    # constraints are conditional on their own subject.
    CostEstimate.objects.create(therapy=therapy, **estimate_values())
    CostEstimate.objects.create(therapy=therapy, **estimate_values(currency="GBP"))
    assert CostEstimate.objects.count() == 6


def test_bulk_updates_cannot_sneak_bad_figures_in(category):
    estimate = CostEstimate.objects.create(category=category, **estimate_values())
    refused(lambda: CostEstimate.objects.filter(pk=estimate.pk).update(low=Decimal("100000")), "cost_estimate_low_not_above_high")
    refused(lambda: CostEstimate.objects.filter(pk=estimate.pk).update(currency="eur"), "cost_estimate_currency_iso_code")
    estimate.refresh_from_db()
    assert (estimate.low, estimate.currency) == (Decimal("60000"), "USD")


def test_estimates_protect_their_subject(category, therapy):
    CostEstimate.objects.create(category=category, **estimate_values())
    CostEstimate.objects.create(therapy=therapy, **estimate_values())
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        category.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        therapy.delete()


# --- categories, therapies, articles ------------------------------------------------------


def test_category_kind_must_be_known(make_category):
    refused(lambda: make_category(kind="miracle"), "category_kind_valid")


def test_therapy_route_must_be_known(make_therapy, category):
    refused(lambda: make_therapy(category=category, route="by_magic"), "therapy_route_valid")


def test_therapy_stage_must_be_known_or_empty(make_therapy, category):
    refused(lambda: make_therapy(category=category, development_stage="phase_9"), "therapy_development_stage_valid")
    assert make_therapy(category=category, development_stage="").pk


def test_article_status_must_be_known(make_article):
    refused(lambda: make_article(status="secret"), "article_status_valid")


@pytest.mark.parametrize("factory", ["make_article", "make_therapy", "make_category"])
def test_published_content_needs_a_go_live_time(request, factory):
    make = request.getfixturevalue(factory)
    model_name = {"make_article": "articles_article", "make_therapy": "therapies_therapy", "make_category": "therapies_category"}[factory]
    refused(lambda: make(status="published", published_at=None), f"{model_name}_published_has_go_live_time")
    assert make(status="draft", published_at=None).pk


@pytest.mark.parametrize("factory", ["make_article", "make_therapy", "make_category"])
def test_content_cannot_be_hidden_before_it_goes_live(request, factory):
    make = request.getfixturevalue(factory)
    model_name = {"make_article": "articles_article", "make_therapy": "therapies_therapy", "make_category": "therapies_category"}[factory]
    went_live = datetime.datetime(2026, 1, 10, tzinfo=datetime.timezone.utc)
    refused(
        lambda: make(published_at=went_live, expires_at=went_live - datetime.timedelta(days=1)),
        f"{model_name}_expires_after_go_live",
    )


def test_review_interval_is_refused_outside_one_to_120_months(make_article):
    refused(lambda: make_article(review_interval_months=0), "articles_article_review_interval_range")


# --- model validation: the messages editors see ------------------------------------------


def validation_messages(obj):
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def test_unknown_currency_message(category):
    messages = validation_messages(CostEstimate(category=category, **estimate_values(currency="XYZ")))
    assert messages["currency"] == ["'XYZ' is not an ISO 4217 currency code."]


def test_currency_is_tidied_before_it_is_checked(category):
    estimate = CostEstimate(category=category, **estimate_values(currency="gbp"))
    estimate.full_clean()
    assert estimate.currency == "GBP" and estimate.kind.slug == "uk-nhs-list"


def test_future_date_message(category):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    messages = validation_messages(CostEstimate(category=category, **estimate_values(as_of=tomorrow)))
    assert messages["as_of"] == ["The as-of date cannot be in the future."]


def test_low_above_high_message(category):
    messages = validation_messages(
        CostEstimate(category=category, **estimate_values(low=Decimal("2"), high=Decimal("1")))
    )
    assert messages["high"] == ["The highest cost cannot be below the lowest cost."]


def test_subject_messages(category, therapy):
    both = validation_messages(CostEstimate(category=category, therapy=therapy, **estimate_values()))
    neither = validation_messages(CostEstimate(**estimate_values()))
    for messages in (both, neither):
        assert "An estimate belongs to exactly one category or one therapy." in messages["__all__"]


def test_duplicate_message(category):
    CostEstimate.objects.create(category=category, **estimate_values())
    messages = validation_messages(CostEstimate(category=category, **estimate_values()))
    assert "This group already has an estimate of this kind for this product and date." in messages["__all__"]


def test_emerging_agent_without_stage_message(make_category):
    emerging = make_category(kind=Category.Kind.EMERGING)
    agent = Therapy(
        generic_name="newbrutinib", slug="newbrutinib", category=emerging, route=Therapy.Route.ORAL, summary="x"
    )
    messages = validation_messages(agent)
    assert messages["development_stage"] == ["Agents in an emerging-therapy section need a development stage."]
    agent.development_stage = Therapy.Stage.PHASE_3
    agent.full_clean()


def test_approved_therapy_in_a_dmt_category_needs_no_stage(category):
    Therapy(generic_name="newmab", slug="newmab", category=category, route=Therapy.Route.INFUSION, summary="x").full_clean()
