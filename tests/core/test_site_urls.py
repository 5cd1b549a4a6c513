"""{% url %} looks an address without arguments up once per process
(core/templatetags/site_urls.py), and never shows a stale one: the script
prefix and the URLconf are part of its key."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix

from core.templatetags import site_urls


def render(text, **context):
    return Template(text).render(Context(context))


def test_addresses_with_and_without_arguments():
    assert render("{% url 'pages:about' %}") == "/about/"
    assert render("{% url 'therapies:therapy_detail' slug %}", slug="fingolimod") == "/therapies/fingolimod/"
    assert render("{% url 'pages:about' as about %}[{{ about }}]") == "[/about/]"
    assert render("{% url 'no:such' as missing %}[{{ missing }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no:such' %}")


def test_a_new_script_prefix_or_urlconf_is_a_new_address():
    assert render("{% url 'pages:about' %}") == "/about/"
    hits = site_urls._reversed.cache_info().hits
    assert render("{% url 'pages:about' %}") == "/about/"
    assert site_urls._reversed.cache_info().hits == hits + 1  # the site's templates use the tag
    set_script_prefix("/mirror/")
    try:
        assert render("{% url 'pages:about' %}") == "/mirror/about/"
    finally:
        clear_script_prefix()
    assert render("{% url 'pages:about' %}") == "/about/"
    with override_settings(ROOT_URLCONF="tests.core.test_site_urls"):
        assert render("{% url 'elsewhere' %}") == "/elsewhere/"
    assert render("{% url 'pages:about' %}") == "/about/"


def _view(request):
    pass


urlpatterns = [__import__("django.urls").urls.path("elsewhere/", _view, name="elsewhere")]
