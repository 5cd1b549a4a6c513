"""Issue 21: the evidence watch. The site notices when a trial or medicine
label a page cites changes, and tells the medical reviewers.

Nothing here reaches the internet: a local HTTP server on 127.0.0.1 (allowed
only by the test-only setting FETCH_ALLOW_LOOPBACK_FOR_TESTS) answers with
documents shaped like ClinicalTrials.gov's API v2 study records and
DailyMed's v2 label histories. The trial numbers and the label's set ID are
the content brief's (fenebrutinib's FENhance 1 and 2, ocrelizumab under the
skin); the statuses, dates and version numbers in the documents are made up
for the test, not facts about those trials or labels."""

import datetime
import http.server
import json
import re
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.cache import STATUS_HEADER
from editorial import workflow
from editorial.evidence import check_medicine_labels, check_trial_registry
from editorial.models import EvidenceFlag, Reference, ReviewDecision, WatchedIdentifier
from tests.conftest import clock_at, logged_in
from tests.page_helpers import page
from tests.recorded_server import local_http_server

pytestmark = pytest.mark.django_db

FENHANCE_1, FENHANCE_2 = "NCT04586010", "NCT04586023"
LABEL = "b216af61-99d0-42a3-afc2-b5bf86df1ec0"


def study(nct_id, status="ACTIVE_NOT_RECRUITING", completion="ESTIMATED", updated="2026-01-15", results=None):
    """A study record as ClinicalTrials.gov's API v2 sends it (the fields the watch reads, and a few around them)."""
    status_module = {
        "statusVerifiedDate": "2026-01",
        "overallStatus": status,
        "startDateStruct": {"date": "2020-12-08", "type": "ACTUAL"},
        "primaryCompletionDateStruct": {"date": "2026-02", "type": completion},
        "lastUpdatePostDateStruct": {"date": updated, "type": "ACTUAL"},
    }
    if results:
        status_module["resultsFirstPostDateStruct"] = {"date": results, "type": "ACTUAL"}
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": "A study of fenebrutinib (test document)"},
            "statusModule": status_module,
        },
        "derivedSection": {"miscInfoModule": {"versionHolder": "2026-01-15"}},
        "hasResults": bool(results),
    }


def label_history(*versions):
    """A label's history as DailyMed's v2 web services send it, newest first."""
    rows = [{"spl_version": n, "published_date": f"Jan {n:02d}, 2026"} for n in sorted(versions, reverse=True)]
    return {
        "metadata": {"total_elements": len(rows), "elements_per_page": 100, "current_page": 1, "total_pages": 1},
        "data": rows,
    }


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers from `Handler.routes` (path -> (status, body, content type,
    seconds to wait first)); records each path asked for."""

    routes = {}
    requests = []

    def do_GET(self):
        Handler.requests.append(self.path)
        status, body, content_type, delay = Handler.routes.get(self.path, (404, b"not here", "text/plain", 0))
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args):
        pass


def trial_path(nct_id):
    return f"/api/v2/studies/{nct_id}"


def label_path(setid):
    return f"/dailymed/services/v2/spls/{setid}/history.json"


def serve(path, document=None, *, status=200, body=None, content_type="application/json", delay=0):
    body = json.dumps(document).encode() if body is None else body
    Handler.routes[path] = (status, body, content_type, delay)


@pytest.fixture
def local_server():
    Handler.routes, Handler.requests = {}, []
    with local_http_server(Handler) as httpd:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture
def sources(local_server, settings):
    """The registry and DailyMed at the local server, with the test-only loopback allowance."""
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    settings.CLINICALTRIALS_API_BASE = f"{local_server}/api/v2"
    settings.DAILYMED_API_BASE = f"{local_server}/dailymed/services/v2/"
    settings.MSINFO_TWO_FACTOR_REQUIRED_FOR = []
    serve(trial_path(FENHANCE_1), study(FENHANCE_1))
    serve(trial_path(FENHANCE_2), study(FENHANCE_2, status="COMPLETED", completion="ACTUAL"))
    serve(label_path(LABEL), label_history(1, 2, 3))
    return local_server


def soon():
    return time.monotonic() + 30


@pytest.fixture
def fenebrutinib(make_therapy):
    therapy = make_therapy(generic_name="fenebrutinib", slug="fenebrutinib")
    Reference.objects.create(cited_by=therapy, position=1, title="FENhance 1 trial", nct_id=FENHANCE_1)
    Reference.objects.create(cited_by=therapy, position=2, title="FENhance 2 trial", nct_id=FENHANCE_2)
    return therapy


@pytest.fixture
def article(make_article):
    article = make_article(title="BTK inhibitors so far", slug="btk-so-far")
    Reference.objects.create(cited_by=article, position=1, title="FENhance 1 trial", nct_id=FENHANCE_1)
    return article


@pytest.fixture
def ocrelizumab(make_therapy):
    therapy = make_therapy(generic_name="ocrelizumab", slug="ocrelizumab")
    Reference.objects.create(cited_by=therapy, position=1, title="Ocrevus Zunovo label", dailymed_setid=LABEL)
    return therapy


def flags_of(obj):
    return EvidenceFlag.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def watched(value):
    return WatchedIdentifier.objects.get(value=value)


def status_changes(sources):
    """FENhance 1 is baselined as active, then completes."""
    check_trial_registry(soon())
    serve(trial_path(FENHANCE_1), study(FENHANCE_1, status="COMPLETED", completion="ACTUAL", updated="2026-03-02"))
    return check_trial_registry(soon())


# --- What is watched -------------------------------------------------------------------------


def test_adding_an_identifier_to_a_pages_references_starts_watching_it(make_therapy):
    therapy = make_therapy()
    reference = Reference.objects.create(cited_by=therapy, title="FENhance 1 trial", nct_id=FENHANCE_1)
    Reference.objects.create(cited_by=therapy, title="Label", dailymed_setid=LABEL)
    Reference.objects.create(cited_by=therapy, title="A paper", doi="10.1056/NEJMoa1901981")
    assert sorted(WatchedIdentifier.objects.values_list("kind", "value")) == [
        ("dailymed_setid", LABEL),
        ("nct_id", FENHANCE_1),
    ]

    reference.nct_id = FENHANCE_2
    reference.save()
    assert list(WatchedIdentifier.objects.filter(kind="nct_id").values_list("value", flat=True)) == [FENHANCE_2]

    reference.delete()
    assert not WatchedIdentifier.objects.filter(kind="nct_id").exists()


def test_one_record_per_identifier_however_many_pages_cite_it(fenebrutinib, article):
    assert WatchedIdentifier.objects.filter(value=FENHANCE_1).count() == 1
    article.references.get(nct_id=FENHANCE_1).delete()
    assert WatchedIdentifier.objects.filter(value=FENHANCE_1).count() == 1  # the therapy still cites it


# --- Checking --------------------------------------------------------------------------------


def test_the_first_run_records_a_baseline_and_flags_nothing(sources, fenebrutinib):
    result = check_trial_registry(soon())

    assert (result.changed, result.failures, result.all_failed) == (False, [], False)
    assert result.summary.startswith("2 trials checked, 2 checked for the first time")
    assert watched(FENHANCE_1).snapshot["overall_status"] == "ACTIVE_NOT_RECRUITING"
    assert watched(FENHANCE_2).snapshot["primary_completion_type"] == "ACTUAL"
    assert watched(FENHANCE_1).checked_at is not None
    assert not EvidenceFlag.objects.exists()
    assert sorted(Handler.requests) == [trial_path(FENHANCE_1), trial_path(FENHANCE_2)]


def test_a_status_change_flags_every_page_that_cites_the_trial(sources, fenebrutinib, article, make_therapy):
    bystander = make_therapy(generic_name="other")
    Reference.objects.create(cited_by=bystander, title="FENhance 2 trial", nct_id=FENHANCE_2)

    result = status_changes(sources)

    assert result.changed and result.failures == []
    assert result.summary.startswith(
        "2 trials checked, 1 changed (NCT04586010: overall status ACTIVE_NOT_RECRUITING → COMPLETED, "
        "primary completion date ESTIMATED → ACTUAL, last update posted 2026-01-15 → 2026-03-02)"
    )
    for cited_by in (fenebrutinib, article):
        flag = flags_of(cited_by).get()
        assert flag.identifier.value == FENHANCE_1
        assert [(c["field"], c["old"], c["new"]) for c in flag.changes] == [
            ("overall status", "ACTIVE_NOT_RECRUITING", "COMPLETED"),
            ("primary completion date", "ESTIMATED", "ACTUAL"),
            ("last update posted", "2026-01-15", "2026-03-02"),
        ]
    assert not flags_of(bystander).exists()


def test_a_further_change_is_added_to_the_flag_not_a_second_one(sources, fenebrutinib):
    status_changes(sources)
    serve(
        trial_path(FENHANCE_1),
        study(FENHANCE_1, status="COMPLETED", completion="ACTUAL", updated="2026-04-01", results="2026-04-01"),
    )
    result = check_trial_registry(soon())

    assert result.changed
    flag = flags_of(fenebrutinib).get()
    assert [c["field"] for c in flag.changes][-3:] == ["last update posted", "results first posted", "has results"]
    assert flag.changes[-1]["old"] == "no" and flag.changes[-1]["new"] == "yes"
    assert flag.changes[-2]["old"] == "none" and flag.changes[-2]["new"] == "2026-04-01"


def test_an_unchanged_trial_flags_nothing(sources, fenebrutinib):
    check_trial_registry(soon())
    result = check_trial_registry(soon())
    assert not result.changed and result.summary == "2 trials checked"
    assert not EvidenceFlag.objects.exists()


def test_a_label_gaining_a_version_flags_its_pages(sources, ocrelizumab):
    first = check_medicine_labels(soon())
    assert not first.changed and first.summary.startswith("1 label checked")
    assert watched(LABEL).snapshot == {"spl_version": 3, "published_date": "Jan 03, 2026"}

    serve(label_path(LABEL), label_history(1, 2, 3, 4))
    result = check_medicine_labels(soon())

    assert result.changed
    assert f"{LABEL}: label version 3 → 4 (published Jan 04, 2026)" in result.summary
    flag = flags_of(ocrelizumab).get()
    assert flag.identifier.link == f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={LABEL}"
    assert (flag.changes[0]["old"], flag.changes[0]["new"]) == ("3", "4 (published Jan 04, 2026)")


def test_nothing_cited_nothing_checked(sources):
    result = check_trial_registry(soon())
    assert (result.changed, result.all_failed, result.summary) == (False, False, "No trials are cited, so none were checked.")


def test_the_run_stops_at_its_deadline_and_leaves_the_rest(sources, fenebrutinib):
    result = check_trial_registry(time.monotonic() - 1)
    assert result.summary == "0 trials checked, 2 left for the next run"
    assert (result.left, result.all_failed, Handler.requests) == (2, False, [])

    check_trial_registry(soon())
    WatchedIdentifier.objects.filter(value=FENHANCE_2).update(checked_at=timezone.now() - datetime.timedelta(days=3))
    Handler.requests = []
    # With time for one lookup only, the trial checked longest ago goes first.
    serve(trial_path(FENHANCE_2), study(FENHANCE_2, status="COMPLETED", completion="ACTUAL"), delay=0.3)
    serve(trial_path(FENHANCE_1), study(FENHANCE_1), delay=0.3)
    result = check_trial_registry(time.monotonic() + 1.2)
    assert Handler.requests == [trial_path(FENHANCE_2)]
    assert result.summary == "1 trial checked, 1 left for the next run"


# --- Failures: reported, nothing written --------------------------------------------------


@pytest.mark.parametrize(
    "answer, message",
    [
        # The socket's timeout or the fetcher's watchdog, whichever fires first.
        pytest.param({"delay": 2}, "timed out|took longer than the limit of 0.5 seconds", id="timeout"),
        pytest.param(
            {"body": b"<!DOCTYPE html>\n<html><body>Service unavailable</body></html>", "content_type": "text/html"},
            "answered with an HTML page, not the JSON expected",
            id="html-error-page",
        ),
        pytest.param({"body": b'{"protocolSection": {"statusModule": '}, "not valid JSON", id="malformed-json"),
        pytest.param({"status": 500, "body": b"Internal error"}, "answered 500", id="server-error"),
        pytest.param({"body": b'{"error": "not found"}'}, "the answer has no protocolSection", id="unexpected-json"),
        pytest.param(
            {"body": json.dumps(study(FENHANCE_2)).encode()}, "answered with the record of 'NCT04586023'", id="another-trial"
        ),
    ],
)
def test_a_failed_lookup_is_a_failure_for_that_trial_and_writes_nothing(sources, fenebrutinib, settings, answer, message):
    settings.EVIDENCE_FETCH_TIMEOUT = 0.5
    check_trial_registry(soon())
    before = WatchedIdentifier.objects.get(value=FENHANCE_1)
    Reference.objects.filter(nct_id=FENHANCE_2).delete()  # one trial: every lookup fails
    serve(trial_path(FENHANCE_1), **answer)

    result = check_trial_registry(soon())

    assert len(result.failures) == 1 and result.failures[0].startswith(f"{FENHANCE_1}: ")
    assert re.search(message, result.failures[0]), result.failures[0]
    assert result.all_failed and not result.changed
    assert result.summary.startswith("Every trial lookup failed (1): NCT04586010: ")
    after = WatchedIdentifier.objects.get(value=FENHANCE_1)
    assert (after.snapshot, after.checked_at) == (before.snapshot, before.checked_at)
    assert not EvidenceFlag.objects.exists()


def test_a_malformed_label_history_writes_nothing(sources, ocrelizumab):
    serve(label_path(LABEL), {"metadata": {}, "data": [{"spl_version": "three"}]})
    result = check_medicine_labels(soon())
    assert result.all_failed and "no spl_version number" in result.failures[0]
    assert watched(LABEL).snapshot is None and watched(LABEL).checked_at is None


def test_one_failing_trial_does_not_stop_the_others(sources, fenebrutinib):
    serve(trial_path(FENHANCE_1), body=b"<html><body>Down for maintenance</body></html>", content_type="text/html")
    result = check_trial_registry(soon())
    assert not result.all_failed
    assert result.summary == "1 trial checked, 1 checked for the first time (recorded, nothing to compare), 1 failed"
    assert watched(FENHANCE_2).checked_at is not None and watched(FENHANCE_1).checked_at is None


def test_loopback_is_refused_without_the_test_setting(sources, fenebrutinib, settings):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = False
    result = check_trial_registry(soon())
    assert result.all_failed and len(result.failures) == 2
    assert all("this machine (loopback)" in failure for failure in result.failures)
    assert Handler.requests == []
    assert not WatchedIdentifier.objects.filter(checked_at__isnull=False).exists()


# --- The medical reviewers' dashboard ------------------------------------------------------


def panel_section(response):
    return response.content.decode().split('id="panel-evidence"')[1].split("</section>")[0]


def test_the_dashboard_shows_what_changed_with_the_link_and_a_way_to_clear_it(sources, fenebrutinib, reviewer_web):
    status_changes(sources)
    section = panel_section(reviewer_web.get("/admin/"))

    assert "Check against new evidence" in section
    assert "fenebrutinib" in section
    assert "overall status: ACTIVE_NOT_RECRUITING → COMPLETED" in section
    assert 'href="https://clinicaltrials.gov/study/NCT04586010"' in section
    assert reverse("admin:therapies_therapy_evidence_checked", args=[fenebrutinib.pk]) in section
    assert "Checked: no change needed" in section and "csrfmiddlewaretoken" in section


def test_only_medical_reviewers_see_the_section(sources, fenebrutinib, editor_web):
    status_changes(sources)
    assert 'id="panel-evidence"' not in editor_web.get("/admin/").content.decode()


def test_the_section_costs_the_same_queries_however_many_flags(sources, fenebrutinib, reviewer_web, make_therapy, make_article):
    status_changes(sources)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_web.get("/admin/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(4):
        Reference.objects.create(cited_by=make_therapy(), title="FENhance 1 trial", nct_id=FENHANCE_1)
        Reference.objects.create(cited_by=make_article(), title="FENhance 1 trial", nct_id=FENHANCE_1)
    serve(trial_path(FENHANCE_1), study(FENHANCE_1, status="TERMINATED", completion="ACTUAL", updated="2026-05-01"))
    check_trial_registry(soon())
    assert EvidenceFlag.objects.count() == 9
    assert queries() == few + 1  # the articles, fetched once for all of them


# --- Clearing --------------------------------------------------------------------------------


def clear(client, therapy, note, flag=None):
    flag = flag or flags_of(therapy).get()
    url = reverse("admin:therapies_therapy_evidence_checked", args=[therapy.pk])
    return client.post(url, {"flag": flag.pk, "note": note}, follow=True)


def test_checked_no_change_needed_with_a_note_records_the_decision_and_clears_the_flag(
    sources, fenebrutinib, reviewer_web, reviewer
):
    status_changes(sources)
    response = clear(reviewer_web, fenebrutinib, "The page already says FENhance 1 reported in March 2026.")

    assert response.status_code == 200
    assert "needs no change" in response.content.decode()
    assert not flags_of(fenebrutinib).exists()
    decision = ReviewDecision.objects.for_object(fenebrutinib).get()
    assert decision.action == ReviewDecision.Action.EVIDENCE_CHECKED
    assert decision.actor == reviewer
    assert decision.note.startswith("No change needed: The page already says FENhance 1 reported in March 2026.")
    assert "ClinicalTrials.gov NCT04586010: overall status ACTIVE_NOT_RECRUITING → COMPLETED" in decision.note
    assert decision.get_action_display() == "Checked against new evidence"


def test_an_empty_note_is_refused_with_a_message(sources, fenebrutinib, reviewer_web):
    status_changes(sources)
    response = clear(reviewer_web, fenebrutinib, "   ")
    assert "say what you checked" in response.content.decode()
    assert flags_of(fenebrutinib).exists()
    assert not ReviewDecision.objects.exists()


def test_clearing_needs_the_csrf_token_and_a_medical_reviewer(sources, fenebrutinib, reviewer, editor_web):
    status_changes(sources)
    strict = logged_in(reviewer, enforce_csrf_checks=True)
    url = reverse("admin:therapies_therapy_evidence_checked", args=[fenebrutinib.pk])
    flag = flags_of(fenebrutinib).get()
    assert strict.post(url, {"flag": flag.pk, "note": "Checked."}).status_code == 403
    assert editor_web.post(url, {"flag": flag.pk, "note": "Checked."}).status_code == 403
    assert logged_in(reviewer).get(url).status_code == 405
    assert flags_of(fenebrutinib).exists() and not ReviewDecision.objects.exists()


def test_approving_a_revision_of_the_page_clears_its_flag(sources, fenebrutinib, editor_user, reviewer):
    status_changes(sources)
    fenebrutinib.summary = "FENhance 1 has completed."
    workflow.save_edit(fenebrutinib, editor_user)

    workflow.approve(fenebrutinib, reviewer)

    assert not flags_of(fenebrutinib).exists()
    decisions = list(ReviewDecision.objects.for_object(fenebrutinib).order_by("id"))
    assert [d.action for d in decisions] == ["approved", "evidence_checked"]
    assert decisions[1].revision_id == decisions[0].revision_id is not None
    assert "NCT04586010: overall status ACTIVE_NOT_RECRUITING → COMPLETED" in decisions[1].note
    # The check sits beside the workflow: the latest step between editors and reviewers is the approval.
    assert ReviewDecision.objects.for_object(fenebrutinib).between_editors_and_reviewers().first().action == "approved"


def test_a_page_that_stops_citing_the_trial_loses_its_flag(sources, fenebrutinib, article):
    status_changes(sources)
    article.references.all().delete()
    assert not flags_of(article).exists() and flags_of(fenebrutinib).exists()


# --- The public page -------------------------------------------------------------------------


def served_from_cache(client, url):
    client.get(url)
    response = client.get(url)
    assert response[STATUS_HEADER] == "hit", url
    return page(response).text


def test_the_public_page_says_when_its_trials_were_last_checked(sources, fenebrutinib, article, client):
    url = fenebrutinib.get_absolute_url()
    assert "Checked against the trial registry" not in served_from_cache(client, url)

    check_trial_registry(soon())

    response = client.get(url)
    assert response[STATUS_HEADER] == "miss"  # a new date is a change the page cache sees
    today = timezone.localdate()
    assert f"Checked against the trial registry on {today:%-d %B %Y}." in page(response).text
    assert f"Checked against the trial registry on {today:%-d %B %Y}." in page(client.get(article.get_absolute_url())).text

    # The oldest of the page's checks: every trial was checked on or after it.
    WatchedIdentifier.objects.filter(value=FENHANCE_2).update(
        checked_at=timezone.now() - datetime.timedelta(days=40)
    )
    from core.cache import content_changed

    content_changed()
    older = timezone.localdate() - datetime.timedelta(days=40)
    assert f"Checked against the trial registry on {older:%-d %B %Y}." in page(client.get(url)).text


def test_no_date_while_one_of_the_trials_was_never_checked(sources, fenebrutinib, client):
    serve(trial_path(FENHANCE_2), body=b"<html></html>", content_type="text/html")
    check_trial_registry(soon())
    assert "Checked against the trial registry" not in page(client.get(fenebrutinib.get_absolute_url())).text


def test_a_run_that_moves_no_date_leaves_stored_pages_alone(sources, fenebrutinib, client):
    check_trial_registry(soon())
    url = fenebrutinib.get_absolute_url()
    served_from_cache(client, url)
    check_trial_registry(soon())  # the same day: the page still says today
    assert client.get(url)[STATUS_HEADER] == "hit"


def test_a_check_on_a_later_day_empties_the_stored_page(sources, fenebrutinib, client):
    check_trial_registry(soon())
    url = fenebrutinib.get_absolute_url()
    served_from_cache(client, url)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with clock_at(tomorrow):
        check_trial_registry(soon())
    assert client.get(url)[STATUS_HEADER] == "miss"


def test_the_checked_date_costs_one_query_however_many_trials(sources, fenebrutinib, client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs (the cache's own bookkeeping aside)
    check_trial_registry(soon())
    url = fenebrutinib.get_absolute_url()
    client.get(url)  # anything a first request loads once

    with CaptureQueriesContext(connection) as two_trials:
        client.get(url, {"fresh": 1})
    for n in range(5):
        Reference.objects.create(cited_by=fenebrutinib, title=f"Trial {n}", nct_id=f"NCT0000000{n}")
    WatchedIdentifier.objects.update(checked_at=timezone.now())
    client.get(url, {"fresh": 3})  # after a change, what is kept until the next one is read once again
    with CaptureQueriesContext(connection) as seven_trials:
        response = client.get(url, {"fresh": 2})
    assert len(seven_trials) == len(two_trials)
    assert "Checked against the trial registry on" in page(response).text


# --- The demo content's references carry the brief's trial numbers ----------------------

# Every trial number and DailyMed set ID the content brief gives, so the watch
# has them to look up once the demo content is loaded.
BRIEF_TRIALS = {
    "NCT04411641", "NCT04410978", "NCT04410991", "NCT04458051",  # tolebrutinib
    "NCT04338022", "NCT04338061",  # evobrutinib
    "NCT04586010", "NCT04586023", "NCT04544449",  # fenebrutinib: FENhance 1, FENhance 2, FENtrepid
    "NCT05147220", "NCT05156281", "NCT07225504",  # remibrutinib
    "NCT06451159",  # KYV-101
    "NCT02792218", "NCT02792231", "NCT03277261", "NCT03277248", "NCT00213135", "NCT01665144",
    "NCT02425644", "NCT00134563", "NCT00751881", "NCT00622700", "NCT03093324", "NCT05232825",
}
BRIEF_LABELS = {"ea3c0f47-3017-95a5-2118-80a3c91343c7", "b216af61-99d0-42a3-afc2-b5bf86df1ec0"}


def demo_identifiers(field):
    """{value: {page slug, ...}} for `field` in every demo reference row."""
    from pathlib import Path

    found = {}

    def walk(node, slug):
        if isinstance(node, dict):
            slug = node.get("slug", slug)
            if node.get(field):
                found.setdefault(node[field], set()).add(slug)
            for key, value in node.items():
                walk(value, key if isinstance(value, list) and key != "references" else slug)
        elif isinstance(node, list):
            for item in node:
                walk(item, slug)

    root = Path(__file__).resolve().parents[2]
    for path in sorted([*root.glob("therapies/demo/*.json"), *root.glob("articles/demo/*.json")]):
        walk(json.loads(path.read_text()), path.stem)
    return found


def test_the_demo_references_carry_every_trial_number_and_label_of_the_brief():
    trials = demo_identifiers("nct_id")
    assert BRIEF_TRIALS - set(trials) == set()
    for number in ("NCT04586010", "NCT04586023", "NCT04544449"):
        assert "fenebrutinib" in trials[number], number
    assert BRIEF_LABELS - set(demo_identifiers("dailymed_setid")) == set()
