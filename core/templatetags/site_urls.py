"""{% url %}, with an address that takes no arguments looked up once per
process (a builtin of the site's templates: msinfo/settings.py). Every page's
header and footer name two dozen such addresses (the menu, the feeds, the
open data files, the site's own pages), and reversing them was a tenth of a
page the page cache did not hold. The key is everything the address depends
on: the name, the current application, the URLconf and the script prefix;
a changed setting (a test's URLconf) empties it. Addresses with arguments go
to Django's own tag unchanged."""

import functools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@functools.lru_cache(maxsize=1024)
def _reversed(view_name, current_app, urlconf, root_urlconf, script_prefix):
    return reverse(view_name, urlconf=urlconf, current_app=current_app)


def _forget(**kwargs):
    _reversed.cache_clear()


setting_changed.connect(_forget, dispatch_uid="site_urls_forget")


class URLNode(defaulttags.URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = _reversed(view_name, current_app, get_urlconf(), settings.ROOT_URLCONF, get_script_prefix())
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
