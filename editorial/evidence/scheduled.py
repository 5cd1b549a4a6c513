"""The evidence watch on the site's schedule (watches): the trial registry
and medicine labels are two kinds of watched source, checked by
run_watches when due. Their trouble (failing, falling behind) is for the
medical reviewers, who can publish the pages the checks flag."""

import datetime

from django.utils import timezone

from editorial.evidence.checking import check_medicine_labels, check_trial_registry
from editorial.models import reviewed_models
from editorial.workflow.rules import can_publish
from watches.kinds import CheckFailed, Outcome, checks
from watches.models import WatchedSource

CONTINUE_AFTER = datetime.timedelta(minutes=10)


def is_medical_reviewer(user):
    return any(can_publish(user, model) for model in reviewed_models())


def as_outcome(result):
    """A CheckResult as the schedule records it: failed only when every lookup
    failed; some lookups failing is said in the message and tried next run."""
    if result.all_failed:
        raise CheckFailed(result.summary)
    message = result.summary
    if result.failures:
        message += " (" + "; ".join(result.failures[:3]) + ")"
    # Identifiers the time limit left unchecked are looked up at the next run, not a day later.
    again = timezone.now() + CONTINUE_AFTER if result.left else None
    return Outcome(result.changed, message, check_again_at=again)


@checks(WatchedSource.Kind.TRIAL_REGISTRY, concerns=is_medical_reviewer)
def check_trials(source, deadline):
    return as_outcome(check_trial_registry(deadline))


@checks(WatchedSource.Kind.MEDICINE_LABELS, concerns=is_medical_reviewer)
def check_labels(source, deadline):
    return as_outcome(check_medicine_labels(deadline))
