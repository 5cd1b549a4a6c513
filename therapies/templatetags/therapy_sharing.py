"""JSON-LD for the therapy and category pages (therapies/structured_data.py)."""

from django import template

from core.structured_data import script
from therapies import structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def therapy_json_ld(context, therapy, cost):
    # Named as the page is (its <title>: generic name with brand names).
    return script(structured_data.therapy_page(context["request"], therapy, cost, name=context.get("page_title", "")))


@register.simple_tag(takes_context=True)
def category_json_ld(context, category):
    return script(structured_data.category_page(context["request"], category))
