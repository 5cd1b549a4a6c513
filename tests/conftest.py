"""Shared fixtures: small factories that make valid, published content so each
test states only what matters to it."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from articles.models import Article
from therapies.models import Category, CostEstimate, Therapy

_sequence = itertools.count(1)

# Published and live since a fixed moment in the past.
LIVE = {"status": "published", "published_at": datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.timezone.utc)}


def _published_flag(fields):
    """Lets a test say is_published=False for content readers must not see."""
    fields = dict(fields)
    if "is_published" in fields:
        fields.update(LIVE if fields.pop("is_published") else {"status": "draft", "published_at": None})
    return fields


@pytest.fixture
def make_category(db):
    def make(**fields):
        n = next(_sequence)
        values = {
            "kind": Category.Kind.DISEASE_MODIFYING,
            "name": f"Category {n}",
            "slug": f"category-{n}",
            "display_order": n,
            "summary": f"Summary of category {n}.",
            "body": f"Body of category {n}.",
            "administration": "Self-injection, once a week",
            **LIVE,
            "last_reviewed": datetime.date(2026, 1, 10),
        }
        values.update(_published_flag(fields))
        return Category.objects.create(**values)

    return make


@pytest.fixture
def make_therapy(db, make_category):
    def make(**fields):
        n = next(_sequence)
        values = {
            "generic_name": f"therapymab {n}",
            "slug": f"therapymab-{n}",
            "brand_names": f"Brand{n}",
            "route": Therapy.Route.INJECTION,
            "frequency": "Once a week",
            "mechanism": "Calms the immune system.",
            "summary": f"Summary of therapy {n}.",
            "body": f"Body of therapy {n}.",
            **LIVE,
            "last_reviewed": datetime.date(2026, 1, 10),
        }
        values.update(_published_flag(fields))
        if "category" not in values:
            values["category"] = make_category()
        return Therapy.objects.create(**values)

    return make


@pytest.fixture
def make_estimate(db):
    def make(subject, **fields):
        values = {
            "low": Decimal("60000"),
            "high": Decimal("80000"),
            "currency": "USD",
            "as_of": timezone.localdate() - datetime.timedelta(days=30),
            "source_name": "Test price survey",
            "source_url": "https://example.org/prices",
        }
        values.update(fields)
        key = "therapy" if isinstance(subject, Therapy) else "category"
        return CostEstimate.objects.create(**{key: subject}, **values)

    return make


@pytest.fixture
def make_article(db):
    def make(**fields):
        n = next(_sequence)
        values = {
            "title": f"Article {n}",
            "slug": f"article-{n}",
            "standfirst": f"Standfirst of article {n}.",
            "body": f"Body of article {n}.",
            "byline": "A. Writer",
            "medical_reviewer": "Dr B. Reviewer",
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - datetime.timedelta(days=n),
            "last_reviewed": datetime.date(2026, 1, 10),
        }
        values.update(fields)
        return Article.objects.create(**values)

    return make


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
