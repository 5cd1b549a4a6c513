"""The evidence watch: the site notices when a trial or medicine label that a
page cites changes, and tells the medical reviewers.

    watched.py   one WatchedIdentifier per NCT number and DailyMed set ID cited
                 by any reference, kept in step as references change
    sources.py   what is read from a registry record and a label's history,
                 and how two readings differ
    checking.py  check_trial_registry(deadline) and check_medicine_labels(deadline),
                 for the scheduler: look each identifier up, keep what was
                 seen, flag every reviewed page citing one that changed
    panel.py     the flags as the medical reviewers' dashboard lists them

Clearing a flag is a review decision (editorial.workflow.evidence): approving
the page, or "Checked: no change needed" with a note. The public page says
when its trials were last checked (editorial/templatetags/evidence_watch.py).
Every lookup goes through the hardened fetcher, core.fetching."""

from editorial.evidence.checking import CheckResult, check_medicine_labels, check_trial_registry
from editorial.evidence.watched import sync_watched

__all__ = ["CheckResult", "check_medicine_labels", "check_trial_registry", "sync_watched"]
