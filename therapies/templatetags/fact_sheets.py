"""The fact sheet on a therapy's page: `{% fact_sheet therapy references %}`,
where `references` is the page's numbered reference list (the same rows, in
the same order, as editorial/includes/references.html numbers them)."""

from django import template

from therapies.fact_sheet import fact_sheet as build_fact_sheet

register = template.Library()


@register.inclusion_tag("includes/fact_sheet.html")
def fact_sheet(therapy, references):
    return {"blocks": build_fact_sheet(therapy, references or [])}
