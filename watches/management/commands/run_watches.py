"""Check every watched source that is due, and say in one line per source what happened.

Run it from cron or a systemd timer every 15 minutes (README, "Watched
sources"); it does nothing for sources that are not due. Safe to start twice
at once. It exits non-zero only when the site's own code failed, never
because a source did: a source's failure is recorded on it, and shows on the
editors' dashboard after three in a row."""

from django.core.management.base import BaseCommand, CommandError

from watches import running


class Command(BaseCommand):
    help = "Check the watched sources that are due (price files, the trial registry, medicine labels)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--time-limit",
            type=int,
            default=running.RUN_TIME_LIMIT,
            help=f"Stop starting checks after this many seconds (default {running.RUN_TIME_LIMIT}); "
            f"one source takes at most {running.SOURCE_TIME_LIMIT}.",
        )
        parser.add_argument("--source", action="append", dest="names", help="Only this source (by name); may repeat.")

    def handle(self, *args, time_limit, names, **options):
        if time_limit < 1:
            raise CommandError("--time-limit must be at least 1 second.")
        internal_errors = 0
        checked = 0
        for result in running.run_due(time_limit=time_limit, names=names):
            self.stdout.write(result.line())
            checked += result.outcome in ("changed", "unchanged", "failed")
            internal_errors += result.internal_error
        if names and not checked and not internal_errors:
            self.stdout.write("Nothing was checked.")
        if internal_errors:
            raise CommandError(f"{internal_errors} check(s) failed through a fault of the site's own; see the log above.")
