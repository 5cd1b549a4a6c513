"""How a member of staff is named to readers and colleagues."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q


class StaffProfile(models.Model):
    """How a member of staff is named to readers and colleagues. "Reviewed by"
    on a public page is built from the approving reviewer's profile, never from
    text an editor types."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    display_name = models.CharField(
        max_length=150, help_text="The name readers see, e.g. 'Dr A. Example'. Empty: the account's full name."
    )
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown after the name on pages this person reviewed, e.g. 'consultant neurologist'.",
    )

    class Meta:
        verbose_name = "staff profile"
        constraints = [
            models.CheckConstraint(condition=~Q(display_name=""), name="staff_profile_has_display_name"),
        ]

    def __str__(self):
        return self.credited_name

    @property
    def credited_name(self):
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name


def _profile_name(user, attribute):
    """`attribute` of the user's staff profile, else their full name, else
    their user name. '' for no one."""
    if user is None:
        return ""
    try:
        return getattr(user.staff_profile, attribute)
    except (AttributeError, ObjectDoesNotExist):
        return user.get_full_name() or user.get_username()


def person_name(user):
    """The name a member of staff goes by among colleagues."""
    return _profile_name(user, "display_name")


def credited_name(user):
    """The reviewer credit readers see: the display name with credentials."""
    return _profile_name(user, "credited_name")


def people_named(users):
    """Colleagues' names in a sentence: "Edna Editor and Eddie Second"."""
    names = [person_name(user) for user in users]
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else ""
