from django import template

from core.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """An editor's Markdown as sanitised HTML (no scripts, handlers or javascript: links)."""
    return render_markdown(text)
