from django import template

from django.template.defaultfilters import linebreaks_filter

from core.markup import render_markdown
from core.trials import link_numbers_in_text

register = template.Library()


@register.filter
def markdown(text):
    """An editor's Markdown as sanitised HTML (no scripts, handlers or javascript: links)."""
    return render_markdown(text)


@register.filter(is_safe=True)
def with_trial_links(text):
    """Plain text (a fact-sheet line), escaped, its trial numbers linked to the registry."""
    return link_numbers_in_text(str(text or ""))


@register.filter(is_safe=True)
def paragraphs_with_trial_links(text):
    """Plain text as paragraphs (like `linebreaks`), its trial numbers linked."""
    return linebreaks_filter(link_numbers_in_text(str(text or "")), autoescape=False)
