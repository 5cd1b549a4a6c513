"""How reviewed content names people and moments, in public pages and the admin."""

from django import template
from django.utils import timezone

from editorial import diffing, models

register = template.Library()


@register.filter
def credited_name(user):
    """The reviewer credit readers see: display name and credentials from the
    staff profile, else the account's full name. Queries that show it select
    `approved_by__staff_profile` with the page, so it costs no query."""
    return models.credited_name(user)


@register.filter
def person_name(user):
    """The name a member of staff goes by, for colleagues in the admin."""
    return models.person_name(user)


@register.filter
def has_come(moment):
    """Whether `moment` (a datetime) is now or in the past."""
    return moment is not None and moment <= timezone.now()


@register.simple_tag
def images_added(change):
    """The images a pending change shows that the live version does not (editorial.diffing)."""
    return diffing.images_added(change.live, change.pending) if isinstance(change.pending, str) else []
