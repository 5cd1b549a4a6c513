"""Write the whole site as one portable file, to move it between SQLite and
PostgreSQL or keep a readable copy (docs/deployment.md, "A portable export"):

    python manage.py export_site msinfo-export.xml.gz

It writes what `dumpdata --format xml --natural-foreign --exclude contenttypes
--exclude auth.permission` writes, compressed by the name's ending as dumpdata
compresses (.gz, .bz2, .xz, .lzma), but:

- under a temporary name in the same folder, renamed onto the name only once
  it is complete and on disk: a failed export leaves no file behind and an
  earlier export of that name as it was, and says so (exit status 1);
- a value holding characters XML 1.0 cannot hold (a NUL or another control
  character in a reader's problem report) does not stop the export: those
  characters are written as U+FFFD and each such value is listed on stderr by
  model, pk and field (msinfo/export.py).

`loaddata` takes the format and the compression from the name, so the name
must end in .xml, optionally followed by one of those endings."""

import bz2
import gzip
import io
import lzma
from collections import defaultdict
from pathlib import Path

from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from msinfo import export

# dumpdata's options in docs/deployment.md: content types and permissions are
# made by `migrate`, and named by natural keys, since their ids differ
# between databases.
DUMPDATA_OPTIONS = ["--natural-foreign", "--exclude", "contenttypes", "--exclude", "auth.permission"]

# The compressed streams loaddata reads, by the name's ending: each wraps the
# open temporary file, and names what it holds as dumpdata's gzip does.
COMPRESSED = {
    ".gz": lambda file, name: gzip.GzipFile(name, "wb", fileobj=file),
    ".bz2": lambda file, name: bz2.BZ2File(file, "wb"),
    ".xz": lambda file, name: lzma.LZMAFile(file, "wb"),
    ".lzma": lambda file, name: lzma.LZMAFile(file, "wb", format=lzma.FORMAT_ALONE),
}


def uncompressed(file, name):
    return file


# Changed values listed one by one on stderr; past that, only how many more.
CHANGES_LISTED = 50


class Command(BaseCommand):
    help = (
        "Write the site's data (history included) to one XML file that loaddata reads into a new database. "
        "Written under a temporary name and renamed when complete; characters XML cannot hold become U+FFFD."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write: NAME.xml, or compressed NAME.xml.gz, .xml.bz2 or .xml.xz.")

    def handle(self, *args, path, **options):
        path = Path(path)
        if path.is_dir():
            raise CommandError(f"{path} is a folder: name the file to write, such as {path / 'msinfo-export.xml.gz'}.")
        compress = self.compression(path)
        existed = path.exists()
        # dumpdata makes the serializer from this name, for this process only.
        serializers.register_serializer(export.FORMAT, export.__name__)
        try:
            with export.write_atomically(path) as temporary, export.recording_changed_values() as changed:
                with (
                    open(temporary, "wb") as file,
                    compress(file, path.name) as binary,
                    io.TextIOWrapper(binary, encoding="utf-8", newline="") as text,
                ):
                    call_command("dumpdata", "--format", export.FORMAT, *DUMPDATA_OPTIONS, stdout=text,
                                 traceback=options["traceback"])
        except Exception as error:
            kept = f"the earlier {path} is as it was" if existed else f"there is no {path}"
            raise CommandError(f"The export failed and nothing was written ({kept}): {error}") from error
        if changed:
            self.report(changed)
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"Exported the site to {path} ({path.stat().st_size:,} bytes)."))

    def compression(self, path):
        """How to write `path`, from its ending; refuses a name loaddata could not read."""
        name = path.name
        ending = path.suffix if path.suffix in COMPRESSED else ""
        if not name.removesuffix(ending).endswith(".xml"):
            raise CommandError(
                f"Name the export NAME.xml, NAME.xml.gz, NAME.xml.bz2 or NAME.xml.xz, not {name}: "
                "loaddata reads its format and compression from the name."
            )
        return COMPRESSED.get(ending, uncompressed)

    def report(self, changed):
        by_object = defaultdict(list)
        for value in changed:
            by_object[value.model, value.pk].append(value.field)
        lines = [f"  {model} pk {pk}: {', '.join(fields)}" for (model, pk), fields in by_object.items()]
        self.stderr.write(
            f"{len(changed)} value{'s' if len(changed) != 1 else ''} held characters XML cannot hold "
            "(NUL or another control character); the export has U+FFFD in their place:"
        )
        for line in lines[:CHANGES_LISTED]:
            self.stderr.write(line)
        if len(lines) > CHANGES_LISTED:
            self.stderr.write(f"  … and {len(lines) - CHANGES_LISTED} more rows.")
