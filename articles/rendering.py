"""An article's body as readers see it."""

from django.utils.safestring import mark_safe

from articles.models import COST_TABLE_MARKER
from core.markup import explain_terms, glossary_terms, render_markdown
from prices.cost_table import cost_table

MARKER_PARAGRAPH = f"<p>{COST_TABLE_MARKER}</p>"


def render_article_body(article, query=None):
    """Markdown rendered and sanitised; then each paragraph that holds only the
    cost-table marker becomes the live cost table (our own template, rendered
    after sanitising so it is not stripped), so a price update shows here too.
    The cost table's queries run only when the marker is there. Glossary
    terms get their plain meaning after their first use (before the table
    goes in, so its own words are left alone)."""
    html = str(explain_terms(render_markdown(article.body), glossary_terms()))
    if MARKER_PARAGRAPH not in html:
        return mark_safe(html)
    return mark_safe(html.replace(MARKER_PARAGRAPH, cost_table(query)))
