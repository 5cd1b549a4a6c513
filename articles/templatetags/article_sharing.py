"""JSON-LD for article pages (articles/structured_data.py)."""

from django import template

from articles import structured_data
from core.structured_data import script

register = template.Library()


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    return script(structured_data.article_page(context["request"], article))
