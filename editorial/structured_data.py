"""JSON-LD for a page that shows reviewed content: a MedicalWebPage with
its last review date and the reviewer readers see credited. Each content app
builds its own types on it (therapies/structured_data.py,
articles/structured_data.py)."""

from django.core.exceptions import ObjectDoesNotExist

from core.sharing import canonical_url, meta_description
from core.structured_data import MULTIPLE_SCLEROSIS, page_id, publisher
from editorial.models import person_name


def reviewer(user):
    """The approving reviewer as readers see them credited (their staff
    profile's name and credentials, else their account name), or None.
    The profile comes with the record (select_related), so no query."""
    if user is None:
        return None
    person = {"@type": "Person", "name": person_name(user)}
    try:
        credentials = user.staff_profile.credentials
    except ObjectDoesNotExist:  # no profile: credited by their account's name alone
        credentials = ""
    if credentials:
        person["jobTitle"] = credentials
    return person


def medical_web_page(request, name, record=None, about=MULTIPLE_SCLEROSIS, description=""):
    """The page as a MedicalWebPage. `record` is the reviewed content it shows
    (its review date and approving reviewer), if any."""
    page = {
        "@type": "MedicalWebPage",
        "@id": page_id(request, "page"),
        "name": name,
        "url": canonical_url(request),
        "inLanguage": "en-GB",
        "about": about,
        "publisher": publisher(request),
    }
    if description:
        page["description"] = meta_description(description)
    if record is not None:
        if record.last_reviewed:
            page["lastReviewed"] = record.last_reviewed
        credited = reviewer(record.approved_by)
        if credited:
            page["reviewedBy"] = credited
    return page
