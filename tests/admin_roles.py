"""People in the three editorial roles, and logged-in clients for them, for the
admin tests (test_roles, test_review_admin, test_history_admin,
test_concurrent_edits, test_admin_panel)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse


@pytest.fixture
def person(db, django_user_model):
    def make(username, group=None, **fields):
        user = django_user_model.objects.create_user(username, password="a-long-test-password", is_staff=True, **fields)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return django_user_model.objects.get(pk=user.pk)  # fresh permission cache

    return make


@pytest.fixture
def editor_user(person):
    return person("edna", "Editors", first_name="Edna", last_name="Editor")


@pytest.fixture
def second_editor(person):
    return person("ed2", "Editors", first_name="Eddie", last_name="Second")


@pytest.fixture
def reviewer(person):
    return person("rita", "Medical reviewers", first_name="Rita", last_name="Reviewer")


@pytest.fixture
def price_editor(person):
    return person("pat", "Price editors", first_name="Pat", last_name="Prices")


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def editor_web(editor_user):
    return logged_in(editor_user)


@pytest.fixture
def reviewer_web(reviewer):
    return logged_in(reviewer)


@pytest.fixture
def price_web(price_editor):
    return logged_in(price_editor)


def admin_url(obj_or_model, view, *args):
    opts = obj_or_model._meta
    if view in {"change", "delete", "history", "review", "send_back", "unpublish"} and not args:
        args = (obj_or_model.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def draft(make, **fields):
    return make(status="draft", published_at=None, **fields)
