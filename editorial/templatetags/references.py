"""Template filters for citations on public pages."""

from django import template

register = template.Library()


@register.filter
def is_web_address(url):
    """Link a reference only to an http(s) address, never to javascript: or
    anything else a row written outside the admin form might hold."""
    return str(url or "").strip().lower().startswith(("https://", "http://"))
