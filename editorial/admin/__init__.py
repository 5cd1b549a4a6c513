"""The admin side of the editorial engine, shared by every kind of reviewed
content (articles, therapies, categories and whatever comes next).

`ReviewedContentAdmin` is a thin layer over `editorial.workflow`: the form
saves through `workflow.save_edit` (so an edit to published content becomes a
pending revision), and the review actions (approve, send back, unpublish,
restore an earlier version) are views that check the publishing permission
themselves before calling the workflow. The admin only decides what each
person is shown; the workflow decides what an action does.

    content.py    the ReviewedContentAdmin base: form handling, lists, status
    forms.py      the content form (with its conflict check) and the review forms
    reviewing.py  the review, send-back and unpublish pages, and history restore
    evidence.py   "Checked: no change needed" for a page flagged by the evidence watch
    actions.py    bulk actions for reviewers
    references.py the citations inline, and the rule for inlines of rows readers see at once
    decisions.py  every review decision across the site (read-only)
    glossary.py   the editors' glossary: medical words and their plain meanings
    people.py     staff accounts: kept, not deleted, once they did editorial work; their profile
"""

from editorial.admin import decisions, glossary, people  # noqa: F401  (register their admins)
from editorial.admin.content import ReviewedContentAdmin  # noqa: F401
from editorial.admin.forms import ReviewedContentForm  # noqa: F401
from editorial.admin.people import PersonListFilter  # noqa: F401
from editorial.admin.references import ReferenceInline, ReviewerEditsLiveRows  # noqa: F401
from editorial.models import open_revision_exists  # noqa: F401
