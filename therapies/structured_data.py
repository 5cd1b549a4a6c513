"""JSON-LD for the therapy and category pages: the page, and the medicine as
a schema.org Drug with its names, route and estimated yearly cost.

schema.org (release 12.0, checked in tests/core/test_structured_data.py) has a
DrugCost type but no property linking a Drug to it, so each estimate is its
own DrugCost node that the page `mentions`, named after the medicine."""

from decimal import Decimal


from core.structured_data import page_id
from editorial.structured_data import medical_web_page
from core.site_url import absolute_url
from therapies.models import Route

# What a therapy that is not a medicine is, in schema.org's words.
NON_DRUG_TYPES = {Route.PROCEDURE: "MedicalProcedure", Route.NON_DRUG: "MedicalTherapy"}
YEARLY = "one year of treatment"


def _number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def drug_cost(estimate, medicine_name, group_name=""):
    """One current figure (or a group's range, prices.queries.GroupRange) as
    a DrugCost: the figures, currency, kind, date and source the page shows
    next to it."""
    low, high = _number(estimate.low), _number(estimate.high)
    subject = f"{medicine_name} ({estimate.product})" if estimate.product else medicine_name
    if group_name:
        subject = f"{group_name}, the group {medicine_name} belongs to"
    kind = estimate.kind.name
    if group_name:
        # A group's range is worked out from its medicines' figures of one kind.
        # In years, as the page says it: some figures are known only to the year.
        oldest = getattr(estimate, "oldest", estimate.as_of)
        dated = f"{estimate.as_of:%Y}" if oldest.year == estimate.as_of.year else f"{oldest:%Y} to {estimate.as_of:%Y}"
        description = (
            f"{kind} range for the whole group, {estimate.source_name}, dated {dated} "
            f"(newest {estimate.as_of.isoformat()})."
        )
    else:
        description = (
            f"{kind}. Figures as of {estimate.as_of_text} ({estimate.as_of.isoformat()}). "
            f"Source: {estimate.source_name}."
        )
    return {
        "@type": "DrugCost",
        "name": f"Estimated yearly cost ({kind}): {subject}",
        # A single figure, or the range as the page shows it (low to high).
        "costPerUnit": low if low == high else f"{low}–{high}",
        "costCurrency": estimate.currency,
        "drugUnit": YEARLY,
        "costOrigin": estimate.source_name,
        "description": description,
    }


def therapy_entity(request, therapy):
    """The therapy as a Drug (or, when it is not a medicine, a medical procedure or therapy)."""
    entity = {
        "@type": "Drug" if therapy.is_medicine else NON_DRUG_TYPES.get(therapy.route, "MedicalTherapy"),
        "@id": page_id(request, "therapy"),
        "name": therapy.generic_name,
        "url": absolute_url(therapy.get_absolute_url(), request),
    }
    if therapy.summary:
        entity["description"] = therapy.summary
    if therapy.is_medicine:
        entity["nonProprietaryName"] = therapy.generic_name
        entity["administrationRoute"] = therapy.get_route_display()
        if therapy.brand_name_list:
            entity["alternateName"] = therapy.brand_name_list
    return entity


def therapy_page(request, therapy, cost, name=""):
    """The therapy page: a MedicalWebPage about the therapy, the therapy, and
    (for a medicine with figures, its own or its group's) its yearly cost as
    shown, in the country the page shows."""
    entity = therapy_entity(request, therapy)
    page = medical_web_page(request, name or therapy.generic_name, therapy, about={"@id": entity["@id"]}, description=therapy.summary)
    costs = []
    if therapy.is_medicine and cost is not None:
        if cost.own:
            costs = [drug_cost(estimate, therapy.generic_name) for estimate in cost.own]
        else:  # its group's ranges, one per kind, labelled as the group's
            costs = [drug_cost(group_range, therapy.generic_name, group_name=therapy.category.name)
                     for group_range in cost.group_ranges]
    if costs:
        page["mentions"] = costs
    return [page, entity]


def category_page(request, category):
    return [medical_web_page(request, category.name, category, description=category.summary)]
