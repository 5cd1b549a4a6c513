"""Price files fetched on schedule (watches): NADAC's weekly file, the
quarterly Medicare Part B ASP file, and price files in the site's own
format at an address.

Each fetched file goes through the same preview as an upload. A file that
was applied before (the same SHA-256) changes nothing. A file with new
figures is applied at once only when its source says so and no row is
flagged; otherwise it waits, in the shared staging folder, for a price
editor to confirm it on the upload page's own preview screen, with the same
all-or-nothing apply."""

import datetime
import time

from django.urls import reverse
from django.utils import timezone

from core.fetching import fetch_url
from prices.models import PriceImport
from prices.pricing import Source, apply, infer_format, preview, staging
from prices.pricing.sources import sha256_of
from watches.kinds import CheckFailed, Outcome, checks
from watches.models import WatchedSource

PROBLEMS_NAMED = 3
FORMATS = {WatchedSource.Kind.NADAC: "nadac", WatchedSource.Kind.ASP: "asp"}
UPLOAD_PERMISSION = "prices.add_costestimate"


def is_price_editor(user):
    return user.has_perm(UPLOAD_PERMISSION)


def file_format(source):
    fmt = FORMATS.get(source.kind) or infer_format(source.url)
    if fmt is None:
        raise CheckFailed(f"Cannot tell the format of {source.url} from its name: it must end in .csv or .json.")
    return fmt


def review_url(sha256):
    return reverse("admin:prices_priceimport_fetched", args=[sha256])


def check_price_file(source, deadline):
    fmt = file_format(source)
    path = fetch_url(source.url, timeout=max(1.0, deadline - time.monotonic()), directory=staging.fetched_dir())
    try:
        return _check_fetched(source, path, fmt)
    finally:
        path.unlink(missing_ok=True)


def _check_fetched(source, path, fmt):
    sha256 = sha256_of(path)
    earlier = PriceImport.objects.filter(sha256=sha256).order_by("created_at").first()
    if earlier is not None:
        return Outcome(False, f"the same file as import #{earlier.pk} of {earlier.created_at:%d %b %Y}: nothing new.", attention="")
    if staging.load_fetched(sha256) is not None:
        return Outcome(False, "the same file is still waiting for a price editor.", source.attention, source.attention_url)
    fetched = Source(path, source.url, PriceImport.SourceKind.WATCHED)
    report = preview(fetched, fmt)
    if report.takes_effect is not None:
        # Published ahead of its quarter: not a failure; fetched again on the day it applies.
        return Outcome(
            False,
            f"the file's figures take effect on {report.takes_effect:%d %b %Y}: it will be fetched again that day.",
            source.attention,
            source.attention_url,
            check_again_at=timezone.make_aware(datetime.datetime.combine(report.takes_effect, datetime.time(6))),
        )
    if not report.ok:
        named = "; ".join(str(problem) for problem in [*report.problems, *report.conflicts][:PROBLEMS_NAMED])
        raise CheckFailed(f"The file was refused, nothing was written: {report.summary()} {named}")
    if not report.can_apply:
        return Outcome(False, f"no new figures ({report.summary()})", attention="")
    if source.apply_automatically and not report.needs_confirmation:
        applied = apply(fetched, fmt, expected_sha256=sha256)
        if applied.applied:
            return Outcome(True, f"applied as import #{applied.price_import.pk}: {applied.summary()}", attention="")
        raise CheckFailed(f"The file could not be applied, nothing was written: {applied.summary()}")
    staging.stage_fetched(path, sha256=sha256, name=source.url, fmt=fmt, source_id=source.pk)
    when = timezone.localdate().strftime("%-d %b")
    if report.needs_confirmation:
        rows = "1 row needs" if report.rows_flagged == 1 else f"{report.rows_flagged} rows need"
        task = f"Fetched {when}: {rows} your confirmation"
    else:
        task = f"Fetched {when}: {report.rows_new} new figure{'s' if report.rows_new != 1 else ''} to confirm"
    return Outcome(True, f"waiting for a price editor: {report.summary()}", task, review_url(sha256))


def price_file_confirmed(source_id, sha256):
    """A waiting file was applied (or found to be already applied): the task is done."""
    if source_id is not None:
        WatchedSource.objects.filter(pk=source_id, attention_url=review_url(sha256)).update(attention="", attention_url="")


for kind in WatchedSource.FILE_KINDS:
    checks(kind, concerns=is_price_editor)(check_price_file)
