"""What the watch reads from each source, and how two readings differ.

A trial: the ClinicalTrials.gov API v2 study record (GET {base}/studies/{nctId}),
of which a few fields say that a trial a page relies on has moved on: its
overall status (and why it stopped), whether its primary completion date
is still an estimate, when the record was last updated, and whether results
were posted. A label: DailyMed's v2 history of a set ID (GET
{base}/spls/{setid}/history.json), whose newest SPL version says the label
was revised.

A reading is a small dict (the snapshot kept on the WatchedIdentifier). A
document that is not shaped as expected raises Unexpected: the check counts
it as a failure for that identifier and keeps nothing from it."""

from urllib.parse import quote

from django.conf import settings


class Unexpected(Exception):
    """The source answered with JSON, but not the document expected."""


# (snapshot key, what a reviewer calls it), in the order changes are listed.
TRIAL_FIELDS = [
    ("overall_status", "overall status"),
    ("why_stopped", "why stopped"),
    ("primary_completion_type", "primary completion date"),
    ("last_update_posted", "last update posted"),
    ("results_first_posted", "results first posted"),
    ("has_results", "has results"),
]
LONGEST_VALUE = 300  # characters of a value shown to a reviewer (a "why stopped" can be long)


def trial_url(nct_id):
    base = getattr(settings, "CLINICALTRIALS_API_BASE", "https://clinicaltrials.gov/api/v2").rstrip("/")
    return f"{base}/studies/{quote(nct_id)}"


def label_url(setid):
    base = getattr(settings, "DAILYMED_API_BASE", "https://dailymed.nlm.nih.gov/dailymed/services/v2").rstrip("/")
    return f"{base}/spls/{quote(setid)}/history.json"


def _section(parent, name, where):
    value = parent.get(name)
    if not isinstance(value, dict):
        raise Unexpected(f"the answer has no {where}{name}")
    return value


def _optional_text(parent, name, where):
    value = parent.get(name)
    if value is not None and not isinstance(value, str):
        raise Unexpected(f"{where}{name} is not text")
    return value or None


def _date_struct(status, name, key):
    """`key` ("date" or "type") of one of the status module's date structs, or
    None when the record has no such date (results not posted yet)."""
    struct = status.get(name)
    if struct is None:
        return None
    if not isinstance(struct, dict):
        raise Unexpected(f"statusModule.{name} is not a date")
    return _optional_text(struct, key, f"statusModule.{name}.")


def read_trial(document, nct_id):
    """The watched fields of a ClinicalTrials.gov v2 study record."""
    if not isinstance(document, dict):
        raise Unexpected("the answer is not a study record")
    protocol = _section(document, "protocolSection", "")
    identification = protocol.get("identificationModule")
    if isinstance(identification, dict) and identification.get("nctId") not in (None, nct_id):
        raise Unexpected(f"the registry answered with the record of {str(identification.get('nctId'))[:20]!r}")
    status = _section(protocol, "statusModule", "protocolSection.")
    overall = status.get("overallStatus")
    if not isinstance(overall, str) or not overall:
        raise Unexpected("the record has no overall status")
    has_results = document.get("hasResults")
    if has_results is not None and not isinstance(has_results, bool):
        raise Unexpected("hasResults is not true or false")
    return {
        "overall_status": overall,
        "why_stopped": _optional_text(status, "whyStopped", "statusModule."),
        "primary_completion_type": _date_struct(status, "primaryCompletionDateStruct", "type"),
        "last_update_posted": _date_struct(status, "lastUpdatePostDateStruct", "date"),
        "results_first_posted": _date_struct(status, "resultsFirstPostDateStruct", "date"),
        "has_results": has_results,
    }


def _version(row):
    if not isinstance(row, dict):
        raise Unexpected("a version in the label's history is not a record")
    version = row.get("spl_version")
    if isinstance(version, str) and version.strip().isdigit():
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int):
        raise Unexpected("a version in the label's history has no spl_version number")
    published = row.get("published_date")
    return version, published if isinstance(published, str) else None


def read_label(document, setid):
    """The newest version of a label in DailyMed's v2 history of a set ID."""
    if not isinstance(document, dict):
        raise Unexpected("the answer is not a label history")
    metadata = document.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("setid"), str) and metadata["setid"].lower() != setid:
        raise Unexpected("DailyMed answered with the history of another label")
    rows = document.get("data")
    if not isinstance(rows, list) or not rows:
        raise Unexpected("the label's history lists no versions")
    version, published = max((_version(row) for row in rows), key=lambda pair: pair[0])
    return {"spl_version": version, "published_date": published}


def shown(value):
    """A snapshot value as a reviewer reads it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = " ".join(str(value).split())
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def trial_changes(old, new):
    """[(field, old, new)] as shown, for each watched field that differs. A
    field the old snapshot does not have (added to the watch since) is not
    a change: it is recorded now, for next time."""
    return [
        (label, shown(old[key]), shown(new.get(key)))
        for key, label in TRIAL_FIELDS
        if key in old and old[key] != new.get(key)
    ]


def label_changes(old, new):
    if old.get("spl_version") == new["spl_version"]:
        return []
    published = f" (published {new['published_date']})" if new.get("published_date") else ""
    return [("label version", shown(old.get("spl_version")), f"{new['spl_version']}{published}")]
