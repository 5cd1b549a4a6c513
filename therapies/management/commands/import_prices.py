"""Import cost estimates from a price file or a CMS NADAC file.

    python manage.py import_prices PATH_OR_URL [--dry-run] [--format csv|json|nadac]

The whole file is checked before anything is written; any problem or conflict
means nothing is written and the exit status is 1. See docs/price-updates.md.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from therapies.models import PriceImport
from therapies.pricing import FORMATS, FetchError, Source, apply, fetch_url, infer_format, preview


class Command(BaseCommand):
    help = "Check and import annual cost estimates from a CSV, JSON or NADAC file (a path or an http(s) address)."

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="PATH_OR_URL", help="A local file, or an http:// or https:// address.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report what would change; write nothing.")
        parser.add_argument(
            "--format", choices=FORMATS, help="csv, json or nadac. Default: from the file extension (.csv, .json)."
        )

    def handle(self, location, dry_run, format, verbosity, **options):
        fmt = format or infer_format(location)
        if fmt is None:
            raise CommandError(f"Cannot tell the format of {location!r} from its name: give --format csv, json or nadac.")

        temporary = None
        if "://" in location:
            try:
                temporary = fetch_url(location)
            except FetchError as error:
                raise CommandError(str(error)) from None
            source = Source(temporary, location, PriceImport.SourceKind.URL)
        else:
            path = Path(location)
            if not path.is_file():
                raise CommandError(f"No such file: {location}")
            source = Source(path, location, PriceImport.SourceKind.COMMAND)

        try:
            report = preview(source, fmt) if dry_run else apply(source, fmt)
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

        if not report.ok:
            for conflict in report.conflicts:
                self.stderr.write(str(conflict))
            for problem in report.problems:
                self.stderr.write(str(problem))
            counted = len(report.problems) + len(report.conflicts)
            raise CommandError(
                f"{counted} problem{'s' if counted != 1 else ''} in {report.file_name}; nothing was written."
            )
        if dry_run:
            if verbosity >= 1:
                out(f"Dry run: would add {report.rows_new} new estimates. Nothing was written.")
        elif report.applied:
            if verbosity >= 1:
                out(self.style.SUCCESS(
                    f"Imported {report.rows_new} new estimates ({report.rows_unchanged} already recorded) "
                    f"as price import #{report.price_import.pk}."
                ))
        elif verbosity >= 1:
            out(f"Nothing to import: all {report.rows_total} estimates are already recorded. Nothing was written.")
