"""core.fragments: a kept fragment is keyed by every value it is made from,
and may not load anything as it renders (what it loaded then would be missing
from its key, and a change to it would not show)."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model

from core import fragments

pytestmark = pytest.mark.django_db


def test_a_fragment_is_kept_per_content(settings):
    settings.DEBUG = False
    with mock.patch.object(fragments, "render_to_string", side_effect=lambda template, context: f"<p>{context['x']}</p>") as spy:
        assert fragments.kept_render("test", "t.html", {"x": 1}, [1]) == "<p>1</p>"
        assert fragments.kept_render("test", "t.html", {"x": 1}, [1]) == "<p>1</p>"
        assert fragments.kept_render("test", "t.html", {"x": 2}, [2]) == "<p>2</p>"
    assert spy.call_count == 2


def test_a_fragment_that_queries_as_it_renders_is_refused(settings):
    settings.DEBUG = False

    def querying(template, context):
        return str(get_user_model().objects.count())

    with mock.patch.object(fragments, "render_to_string", side_effect=querying):
        with pytest.raises(fragments.FragmentQueried):
            fragments.kept_render("test", "t.html", {}, ["made from"])
        settings.DEBUG = True
        with pytest.raises(fragments.FragmentQueried):
            fragments.kept_render("test", "t.html", {}, ["made from"])


def test_loaded_values_name_loaded_fields_and_followed_records_only():
    user = get_user_model().objects.create_user("vera", first_name="Vera", password="a-long-test-password")
    deferred = get_user_model().objects.only("id", "first_name").get(pk=user.pk)
    values = fragments.loaded_values(deferred)
    assert ("first_name", "Vera") in values[1] and "last_name" not in dict(values[1])
    # A user with no staff profile: None, as the reviewer credit falls back to the name.
    assert fragments.loaded_values(user, follow=("staff_profile",))[-1] == ("staff_profile", None)
