from django import template

from django.template.defaultfilters import linebreaks_filter
from django.utils.html import escape
from django.utils.safestring import SafeData

from core.markup import explain_terms, glossary_terms, render_markdown
from core.trials import link_numbers_in_text

register = template.Library()


@register.filter
def markdown(text):
    """An editor's Markdown as sanitised HTML (no scripts, handlers or javascript: links)."""
    return render_markdown(text)


@register.filter
def with_plain_meanings(html):
    """Rendered Markdown with each glossary term's plain meaning after its
    first use (core.markup.explain_terms). Reads the glossary (one query), so
    not for kept fragments, which may not query as they render."""
    if not str(html or "").strip():
        return html
    if not isinstance(html, SafeData):
        html = escape(html)  # text that is not already HTML is only text
    return explain_terms(html, glossary_terms())


@register.filter
def explained_by(html, glossary):
    """As with_plain_meanings, with the glossary's (term, plain meaning) pairs
    given: for kept fragments, which name them in their key and may not query."""
    if not str(html or "").strip():
        return html
    if not isinstance(html, SafeData):
        html = escape(html)
    return explain_terms(html, glossary or ())


@register.filter(is_safe=True)
def with_trial_links(text):
    """Plain text (a fact-sheet line), escaped, its trial numbers linked to the registry."""
    return link_numbers_in_text(str(text or ""))


@register.filter(is_safe=True)
def paragraphs_with_trial_links(text):
    """Plain text as paragraphs (like `linebreaks`), its trial numbers linked."""
    return linebreaks_filter(link_numbers_in_text(str(text or "")), autoescape=False)
