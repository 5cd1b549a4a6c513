"""Import cost estimates from a price file, a CMS NADAC file or a CMS ASP pricing file.

    python manage.py import_prices PATH_OR_URL [--dry-run] [--format csv|json|nadac|asp] [--accept-large-changes]

The whole file is checked before anything is written; any problem or conflict
means nothing is written and the exit status is 1. So do flagged rows (a large
change from the current estimate, or an implausible amount) unless
--accept-large-changes is given, so that an unattended run alerts on a typo.
See docs/price-updates.md.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from prices.models import PriceImport
from prices.pricing import FORMATS, FetchError, Source, apply, fetch_url, infer_format, preview


class Command(BaseCommand):
    help = (
        "Check and import annual cost estimates from a CSV, JSON or NADAC file, or a CMS ASP pricing file "
        "(Medicare Part B; its CSV or ZIP), given as a path or an http(s) address."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="PATH_OR_URL", help="A local file, or an http:// or https:// address.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report what would change; write nothing.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv, json, nadac or asp (CMS's quarterly ASP pricing file, CSV or ZIP; its quarter is read from "
            "its title lines and name). Default: from the file extension (.csv, .json; .zip is asp).",
        )
        parser.add_argument(
            "--accept-large-changes",
            action="store_true",
            help="Apply the file even if rows are flagged (a large change from the current estimate, "
            "or an implausible amount). Without it such a file is refused with exit status 1.",
        )

    def handle(self, location, dry_run, format, verbosity, accept_large_changes=False, **options):
        fmt = format or infer_format(location)
        if fmt is None:
            raise CommandError(f"Cannot tell the format of {location!r} from its name: give --format csv, json, nadac or asp.")

        temporary = None
        if "://" in location:
            try:
                temporary = fetch_url(location)
            except FetchError as error:
                raise CommandError(f"{error} Nothing was imported.") from None
            source = Source(temporary, location, PriceImport.SourceKind.URL)
        else:
            path = Path(location)
            if not path.is_file():
                raise CommandError(f"No such file: {location}")
            source = Source(path, location, PriceImport.SourceKind.COMMAND)

        try:
            report = preview(source, fmt) if dry_run else apply(source, fmt, accept_flagged=accept_large_changes)
        finally:
            if temporary is not None:
                os.unlink(temporary)
        self._print(report, dry_run, verbosity)

    def _print(self, report, dry_run, verbosity):
        out = self.stdout.write
        if verbosity >= 1:
            out(f"{report.file_name} ({report.format}, SHA-256 {report.sha256})")
            for note in report.notes:
                out(note)
            out(report.summary())
        if verbosity >= 2 or (dry_run and verbosity >= 1):
            out("Per category or therapy (new / already recorded / conflicting):")
            for kind, slug, new, unchanged, conflicting in report.subject_lines():
                out(f"  {kind} {slug}: {new} / {unchanged} / {conflicting}")
        if report.review is not None and (verbosity >= 2 or (dry_run and verbosity >= 1)):
            self._print_rows(report.review, out)

        if not report.ok:
            for conflict in report.conflicts:
                self.stderr.write(str(conflict))
            for problem in report.problems:
                self.stderr.write(str(problem))
            counted = len(report.problems) + len(report.conflicts)
            raise CommandError(
                f"{counted} problem{'s' if counted != 1 else ''} in {report.file_name}; nothing was written."
            )
        if report.held_for_confirmation:
            review = report.review
            self.stderr.write(f"{review.flag_summary()}; each against the current estimate in use:")
            for row in review.flagged:
                self.stderr.write(f"  {row}")
            if review.flagged_not_listed:
                self.stderr.write(f"  … and {review.flagged_not_listed} more flagged rows not shown.")
            raise CommandError(
                f"{report.file_name} has flagged rows; nothing was written. Check them, then run again with "
                "--accept-large-changes to apply the file as it is."
            )
        if dry_run:
            if verbosity >= 1:
                if report.needs_confirmation:
                    out(f"{report.review.flag_summary()}: applying this file needs --accept-large-changes.")
                out(f"Dry run: would add {estimates(report.rows_new, 'new estimate')}. Nothing was written.")
        elif report.applied:
            if verbosity >= 1:
                out(self.style.SUCCESS(
                    f"Imported {estimates(report.rows_new, 'new estimate')} ({report.rows_unchanged} already recorded) "
                    f"as price import #{report.price_import.pk}."
                ))
        elif verbosity >= 1:
            out(f"Nothing to import: {'the' if report.rows_total == 1 else f'all {report.rows_total}'} {estimates(report.rows_total, 'estimate', count=False)} {'is' if report.rows_total == 1 else 'are'} already recorded. Nothing was written.")

    @staticmethod
    def _print_rows(review, out):
        out(
            "Rows, flagged first (change: low and high, each against the current estimate "
            "in use for the same subject, product and currency):"
        )
        for row in review.listing:
            out(f"  {row}")
        if review.rows_not_listed:
            out(
                f"  … {review.rows_not_listed} more rows not listed "
                f"(all flagged rows up to {review.flagged_listed}, then the first {review.others_listed} others)."
            )


def estimates(number, noun, count=True):
    """'1 new estimate', '2 new estimates' (or the noun alone with count=False)."""
    word = noun if number == 1 else f"{noun}s"
    return f"{number} {word}" if count else word
