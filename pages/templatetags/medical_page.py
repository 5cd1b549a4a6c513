"""The JSON-LD of the site's own pages (home, emerging, care, about us and
the rest): a MedicalWebPage about MS."""

from django import template

from editorial import structured_data as reviewed_pages
from core import structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def medical_page_json_ld(context, record):
    """A page about MS (home, emerging, care, the site's own pages) as a
    MedicalWebPage named and described as its <head> is (base.html's
    page_title and page_description); `record` is the reviewed text it
    shows, or None."""
    request = context.get("request")
    if request is None:
        return ""
    page = reviewed_pages.medical_web_page(
        request, context.get("page_title", ""), record or None, description=context.get("page_description", "")
    )
    return structured_data.script([page])
