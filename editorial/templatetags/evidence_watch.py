"""What a public page says about the evidence watch: "Checked against the
trial registry on <date>", under the references of a page that cites trials
(editorial/includes/references.html, which every content app includes)."""

from django import template
from django.utils import timezone

from editorial.models import WatchedIdentifier

register = template.Library()


@register.inclusion_tag("editorial/includes/registry_checked.html")
def registry_checked(references):
    """The date every trial `references` cite was last checked successfully:
    the OLDEST of their last checks. The newest would claim that all of them
    were checked that day when some were checked earlier (or failed since);
    the oldest is true of every one. A trial never checked yet (just added,
    or its lookups failing) means no date at all, rather than a date some of
    the trials do not have. No query for a page that cites no trial; one
    query, however many trials, for one that does."""
    numbers = {reference.nct_id for reference in references if reference.nct_id}
    if not numbers:
        return {"checked_on": None}
    checks = dict(
        WatchedIdentifier.objects.filter(kind=WatchedIdentifier.Kind.TRIAL, value__in=numbers).values_list(
            "value", "checked_at"
        )
    )
    dates = [checks.get(number) for number in numbers]
    if any(when is None for when in dates):
        return {"checked_on": None}
    return {"checked_on": timezone.localdate(min(dates))}
