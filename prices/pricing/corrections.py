"""Taking a wrong price out of use: withdraw an estimate, replace it by a
correction, or withdraw everything a price import wrote.

Nothing is deleted or edited in place: the old row keeps its figures and gets
a state (withdrawn or superseded) with who, when and why, so the admin's
history still shows it while every public page, "current" price and the
importer see only active estimates. Each action runs in one transaction with
the estimate rows locked, so two people acting on the same estimate at once
cannot both succeed, and each is recorded in the review-decision log.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import cache
from editorial import workflow
from editorial.models import ReviewDecision
from prices.models import CostEstimate, EstimateState
from prices.pricing.checks import require_confirmation

PERMISSION = "prices.correct_costestimate"

# What a correction may change; the rest (subject, product, currency, as-of
# date) is what makes it the same estimate.
CORRECTABLE_FIELDS = ("low", "high", "source_name", "source_url", "note")


def can_correct(user):
    """Price editors and medical reviewers (and superusers) may withdraw and correct."""
    return bool(user and user.is_active and user.is_staff and user.has_perm(PERMISSION))


def _reason(reason, action):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": f"Please give the reason for {action}: it is kept in the record. Nothing was changed."}
        )
    return reason


def _lock_active(estimate):
    """The estimate's row, locked until the transaction ends, if it is still in use."""
    locked = CostEstimate.objects.select_for_update().filter(pk=estimate.pk).first()
    if locked is None or locked.state != EstimateState.ACTIVE:
        raise ValidationError(
            "This estimate has already been withdrawn or replaced by a correction (perhaps by someone else "
            "just now), so it was left as it is."
        )
    return locked


def withdraw(estimate, user, reason):
    """Take `estimate` out of use. Returns the updated estimate."""
    reason = _reason(reason, "withdrawing it")
    with transaction.atomic():
        locked = _lock_active(estimate)
        locked.state = EstimateState.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = user
        locked.withdrawal_reason = reason
        locked._change_reason = f"Withdrawn: {reason}"
        locked.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        workflow.record(locked, ReviewDecision.Action.WITHDREW, user, reason)
    _copy_state(locked, estimate)
    return locked


def correct(estimate, user, reason, *, low, high, source_name, source_url="", note="", confirmation=""):
    """Replace `estimate` by a new active estimate for the same subject,
    product, kind, currency and as-of date with the yearly figures given. The
    old one is kept, superseded, and the new one points to it. Returns the
    correction.

    Raises ValidationError (by field) and changes nothing if the reason is
    missing, the figures are invalid, or nothing would change; and
    NeedsConfirmation when the new figures are flagged (large change against
    the figure in use before the wrong one, implausible amount) and
    `confirmation` is not the token of that check (pricing.checks)."""
    reason = _reason(reason, "the correction")
    with transaction.atomic():
        old = _lock_active(estimate)
        new = CostEstimate(
            category_id=old.category_id,
            therapy_id=old.therapy_id,
            product=old.product,
            kind_id=old.kind_id,
            currency=old.currency,
            as_of=old.as_of,
            as_of_precision=old.as_of_precision,
            low=low,
            high=high,
            source_name=(source_name or "").strip(),
            source_url=(source_url or "").strip(),
            note=(note or "").strip(),
            recorded_by=user,
            recorded_at=timezone.now(),
            replaces=old,
            correction_reason=reason,
        )
        if all(getattr(new, name) == getattr(old, name) for name in CORRECTABLE_FIELDS):
            raise ValidationError(
                "The correction is the same as the estimate: change the figures or the source, or withdraw it instead."
            )
        # The old row leaves use first, so the rule "one active estimate per
        # subject, product, currency and date" lets the correction in; if the
        # correction is refused, the transaction puts the old row back.
        old.state = EstimateState.SUPERSEDED
        old._change_reason = f"Replaced by a correction: {reason}"
        old.save(update_fields=["state"])
        new.full_clean()
        # Compared with the figure in use before the wrong one, not with it.
        require_confirmation(new, user, confirmation, replaces=old)
        new._change_reason = f"Correction: {reason}"
        new.save()
        workflow.record(old, ReviewDecision.Action.CORRECTED, user, reason)
    _copy_state(old, estimate)
    return new


def withdraw_import(price_import, user, reason):
    """Withdraw every estimate of `price_import` still in use, with one reason.
    Estimates already withdrawn or corrected are left as they are. Returns how
    many were withdrawn."""
    reason = _reason(reason, "withdrawing the import")
    with transaction.atomic():
        # Locks the import's rows in use, so a correction made meanwhile waits
        # (and then finds its estimate withdrawn) rather than racing this.
        in_use = CostEstimate.objects.active().filter(price_import=price_import)
        list(in_use.select_for_update().values_list("pk", flat=True))
        # Imported estimates keep no per-row history (they point to their
        # import instead), so one UPDATE suffices however large the import.
        count = in_use.update(
            state=EstimateState.WITHDRAWN,
            withdrawn_at=timezone.now(),
            withdrawn_by=user,
            withdrawal_reason=reason,
        )
        if not count:
            raise ValidationError(
                "None of this import's estimates is still in use (all were withdrawn or corrected already): "
                "nothing was changed."
            )
        cache.content_changed()  # an update sends no signal
        workflow.record(price_import, ReviewDecision.Action.WITHDREW, user, f"{reason} ({_estimates(count)} withdrawn)")
    return count


def _estimates(count):
    return f"{count} estimate" if count == 1 else f"{count} estimates"


def _copy_state(source, target):
    """Keep the caller's object in step with the row that was saved."""
    if target is source:
        return
    for name in ("state", "withdrawn_at", "withdrawn_by_id", "withdrawal_reason"):
        setattr(target, name, getattr(source, name))
