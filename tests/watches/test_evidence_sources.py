"""Issue 21, sections 1 and 3 together, as a new user meets them: the trial
registry and the labels are watched sources that run_watches checks when
due. A recorded status change of fenebrutinib's trial flags its page; a
medical reviewer sees what changed and clears it with a note."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from editorial.models import EvidenceFlag, ReviewDecision
from tests.conftest import logged_in
from tests.editorial.test_evidence_watch import (  # noqa: F401 (fixtures)
    FENHANCE_1,
    fenebrutinib,
    local_server,
    serve,
    sources,
    study,
    trial_path,
)
from watches.models import WatchedSource

pytestmark = pytest.mark.django_db


def run_watches():
    out = StringIO()
    call_command("run_watches", stdout=out)
    return out.getvalue()


@pytest.fixture
def registry():
    return WatchedSource.objects.create(
        name="ClinicalTrials.gov: trials cited by pages", kind=WatchedSource.Kind.TRIAL_REGISTRY, every="daily"
    )


def test_run_watches_flags_fenebrutinib_after_a_status_change_and_a_reviewer_clears_it(
    sources, fenebrutinib, registry, reviewer, price_editor  # noqa: F811 (fixtures)
):
    first = run_watches()
    assert "ClinicalTrials.gov: trials cited by pages [trial_registry]: unchanged: 2 trials checked" in first
    assert not EvidenceFlag.objects.exists()

    serve(trial_path(FENHANCE_1), study(FENHANCE_1, status="COMPLETED", completion="ACTUAL", results="2026-11-20"))
    WatchedSource.objects.filter(pk=registry.pk).update(next_due_at=timezone.now())
    second = run_watches()
    assert "[trial_registry]: changed:" in second and "ACTIVE_NOT_RECRUITING → COMPLETED" in second
    registry.refresh_from_db()
    assert registry.last_outcome == "changed"

    reviewer_web = logged_in(reviewer)
    index = reviewer_web.get(reverse("admin:index")).content.decode()
    assert "Check against new evidence" in index and "fenebrutinib" in index
    assert "ACTIVE_NOT_RECRUITING" in index and "https://clinicaltrials.gov/study/NCT04586010" in index
    # The price editors are not asked.
    assert "Check against new evidence" not in logged_in(price_editor).get(reverse("admin:index")).content.decode()

    url = reverse("admin:therapies_therapy_evidence_checked", args=[fenebrutinib.pk])
    flag = EvidenceFlag.objects.get()
    reviewer_web.post(url, {"flag": flag.pk, "note": "Results already summarised on the page; nothing to change."})
    assert not EvidenceFlag.objects.exists()
    decision = ReviewDecision.objects.get(action=ReviewDecision.Action.EVIDENCE_CHECKED)
    assert "Results already summarised on the page; nothing to change." in decision.note
    assert "ACTIVE_NOT_RECRUITING → COMPLETED" in decision.note
    index = reviewer_web.get(reverse("admin:index")).content.decode()
    assert "No cited trial or medicine label has changed since its pages were checked." in index
    assert "ACTIVE_NOT_RECRUITING" not in index


def test_the_registry_failing_for_every_trial_is_a_failed_check_but_not_a_failed_command(
    sources, fenebrutinib, registry, settings  # noqa: F811 (fixtures)
):
    settings.CLINICALTRIALS_API_BASE = "http://127.0.0.1:9/api/v2"  # nothing listens there
    out = run_watches()
    registry.refresh_from_db()
    assert registry.last_outcome == "failed" and "Every trial lookup failed" in registry.last_message
    assert "[trial_registry]: failed: Every trial lookup failed" in out
    assert not EvidenceFlag.objects.exists()
