"""A rehearsal of the watched sources as a new user meets them, with no
internet: a fresh SQLite database with the demo content, a local server
answering with recorded registry records and an ASP file, and
`run_watches` run twice, as cron would, with a trial's status changing
between the runs. It prints each run's summary and what the medical
reviewer and the price editor then see and do.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python -m tests.rehearse_watches

The recorded statuses, dates and the October payment limit are made up for
the rehearsal, not facts about the trials or CMS's figures. Loopback is
allowed here only through the test-only setting, as in the tests."""

import json
import os
import re
import tempfile
from io import StringIO
from pathlib import Path

FOLDER = Path(tempfile.mkdtemp(prefix="msinfo-rehearsal-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER / 'rehearsal.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from editorial.models import EvidenceFlag, Reference, ReviewDecision  # noqa: E402
from prices.models import CostEstimate  # noqa: E402
from tests.editorial.test_evidence_watch import study  # noqa: E402
from tests.recorded_server import RecordedServer  # noqa: E402
from therapies.models import Therapy  # noqa: E402
from watches.models import WatchedSource  # noqa: E402

FENHANCE_1 = "NCT04586010"
OCTOBER_ASP = (
    "Payment Allowance Limits for Medicare Part B Drugs\r\n"
    '"Effective October 1, 2026 through December 31, 2026"\r\n'
    '"Rehearsal file: the payment limit below is made up for the rehearsal, not a CMS figure."\r\n'
    "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\r\n"
    "J2350,Inj ocrelizumab 1 mg,1 MG,99.000\r\n"
)


def say(text):
    print(text, flush=True)


def run_watches():
    out = StringIO()
    call_command("run_watches", stdout=out)
    for line in out.getvalue().splitlines():
        say(f"    {line}")


def dashboard_lines(client, *markers):
    html = client.get(reverse("admin:index")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    for marker in markers:
        at = text.find(marker)
        say(f"    {text[at:at + 240].strip()}…" if at >= 0 else f"    ({marker!r} not shown)")


def signed_in(username, role):
    """A browser signed in as a new staff member of `role` (the rehearsal's own
    accounts: the demo's medical reviewer is a name, not a login)."""
    user = get_user_model().objects.create_user(username, password=None, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def main():
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", stdout=StringIO())
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    settings.PRICE_IMPORT_STAGING_DIR = FOLDER / "staging"
    settings.MSINFO_TWO_FACTOR_REQUIRED_FOR = []
    with RecordedServer() as server:
        settings.CLINICALTRIALS_API_BASE = f"{server.url}/api/v2"
        settings.DAILYMED_API_BASE = f"{server.url}/dailymed/services/v2"
        cited = set(Reference.objects.exclude(nct_id="").values_list("nct_id", flat=True))
        for nct_id in cited:
            server.answer(f"/api/v2/studies/{nct_id}", json.dumps(study(nct_id)), content_type="application/json")
        for setid in set(Reference.objects.exclude(dailymed_setid="").values_list("dailymed_setid", flat=True)):
            history = {"metadata": {"total_elements": 1}, "data": [{"spl_version": 7, "published_date": "Nov 01, 2026"}]}
            server.answer(f"/dailymed/services/v2/spls/{setid}/history.json", json.dumps(history), content_type="application/json")
        server.answer("/october-2026-asp-pricing-file.csv", OCTOBER_ASP, content_type="text/csv")
        WatchedSource.objects.filter(kind=WatchedSource.Kind.ASP).update(
            url=f"{server.url}/october-2026-asp-pricing-file.csv", enabled=True
        )

        say(f"1. First run ({len(cited)} trial numbers cited; the registry answers from recordings):")
        run_watches()

        say(f"2. {FENHANCE_1} (FENhance 1, fenebrutinib) reports; the next daily run:")
        server.answer(
            f"/api/v2/studies/{FENHANCE_1}",
            json.dumps(study(FENHANCE_1, status="COMPLETED", completion="ACTUAL", results="2026-12-01")),
            content_type="application/json",
        )
        WatchedSource.objects.filter(kind=WatchedSource.Kind.TRIAL_REGISTRY).update(next_due_at=timezone.now())
        run_watches()

    reviewer_web = signed_in("rehearsal-reviewer", "Medical reviewers")
    say("3. The medical reviewer's dashboard:")
    dashboard_lines(reviewer_web, "Check against new evidence")
    fenebrutinib = Therapy.objects.get(slug="fenebrutinib")
    flag = EvidenceFlag.objects.filter(object_id=fenebrutinib.pk).first()
    reviewer_web.post(
        reverse("admin:therapies_therapy_evidence_checked", args=[fenebrutinib.pk]),
        {"flag": flag.pk, "note": "Rehearsal: the page already gives these results."},
    )
    decision = ReviewDecision.objects.filter(action=ReviewDecision.Action.EVIDENCE_CHECKED).first()
    say(f"    cleared with a note; the decision log: {decision.get_action_display()} by {decision.actor_name}: {decision.note[:160]}…")
    say(f"    flags left on fenebrutinib's page: {EvidenceFlag.objects.filter(object_id=fenebrutinib.pk).count()}")

    price_web = signed_in("rehearsal-price-editor", "Price editors")
    say("4. The price editor's dashboard:")
    dashboard_lines(price_web, "Waiting for you")
    source = WatchedSource.objects.get(kind=WatchedSource.Kind.ASP)
    sha256 = source.attention_url.rstrip("/").rsplit("/", 1)[1]
    price_web.post(
        reverse("admin:prices_priceimport_upload"),
        {"apply": "1", "sha256": sha256, "fetched": "1", "confirm_flagged": "1"},
    )
    ocrelizumab = Therapy.objects.get(slug="ocrelizumab")
    figure = CostEstimate.objects.filter(therapy=ocrelizumab, kind__slug="us-medicare-b").order_by("-as_of").first()
    say(f"    confirmed; ocrelizumab's newest Medicare Part B figure: US${figure.high:,.0f} as of {figure.as_of} ({figure.source_name})")
    say(f"(rehearsal database: {FOLDER})")


if __name__ == "__main__":
    main()
