"""The editorial engine's records: what every piece of reviewed medical content
shares (its place in the review workflow, its schedule, who signed it off and
when it is due for review), the pending revisions of live pages, the old
addresses of renamed pages, the sources pages cite and the editors' glossary.

Content apps (articles, therapies) inherit from ReviewedContent, so the rule for
what readers may see lives in one queryset method, `live()`. Nothing here
imports a content app: revisions, redirects, references and evidence flags point at
their page through its content type."""

from editorial.models.content import (
    EditorialStatus,
    ReviewedContent,
    ReviewedContentQuerySet,
    add_months,
    live_q,
    reviewed_models,
)
from editorial.models.decisions import ReviewDecision, ReviewDecisionQuerySet
from editorial.models.evidence import EvidenceFlag, WatchedIdentifier
from editorial.models.glossary import GlossaryTerm
from editorial.models.people import StaffProfile, credited_name, people_named, person_name
from editorial.models.redirects import SlugRedirect
from editorial.models.references import Reference
from editorial.models.revisions import Revision, RevisionQuerySet, open_revision_exists

__all__ = [
    "EditorialStatus",
    "EvidenceFlag",
    "GlossaryTerm",
    "Reference",
    "ReviewDecision",
    "ReviewDecisionQuerySet",
    "ReviewedContent",
    "ReviewedContentQuerySet",
    "Revision",
    "RevisionQuerySet",
    "SlugRedirect",
    "StaffProfile",
    "WatchedIdentifier",
    "add_months",
    "credited_name",
    "live_q",
    "open_revision_exists",
    "people_named",
    "person_name",
    "reviewed_models",
]
