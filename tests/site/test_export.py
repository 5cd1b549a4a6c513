"""The portable export (`manage.py export_site`, docs/deployment.md) takes any
row a visitor could have written, and never leaves a broken file.

As in tests/site/test_backups.py, the site runs in separate processes on real
databases: migrated, with the demo content (copies of databases made once per
run, tests/prepared_sites.py) and readers' problem reports stored as they are
(public forms that now refuse control characters do not clean the rows stored
before).

- A report holding NUL and other characters XML 1.0 cannot hold is exported
  with U+FFFD in their place and listed on stderr, and the file loads with
  plain `loaddata` into a fresh database, where every other row is as it was.
  On SQLite, and on PostgreSQL, which cannot store a NUL: there the report
  holds the other characters.
- An export that fails part-way leaves no file and no temporary file, an
  earlier export of the same name as it was, and exits non-zero saying so.

What no database here stores (lone surrogates) and the temporary file's
handling are tested in this process. The PostgreSQL test needs the server at
127.0.0.1:5432 (user postgres); without it, it is skipped, and under CI=true it
fails.
"""

import gzip
import json
import re
import secrets
import stat
import subprocess
import sys

import pytest

from msinfo import export
from pages.models import Feedback
from tests.serving import site_env
from tests.site.test_backups import (
    PG_HOST, PG_PORT, PG_USER, PROJECT, SNAPSHOT_MARK, manage, postgres_or_skip, psql, shell_value,
)

pytestmark = pytest.mark.slow

# Characters XML 1.0 cannot hold that both databases store; SQLite stores a NUL too.
CONTROL_CHARACTERS = "\x01\x07\x08\x0b\x0c\x1b\x1f\ufffe\uffff"
NUL = "\x00"

STORE_REPORTS = """
import json
from pages.models import Feedback
reports = json.loads(%r)
print("%s" + json.dumps([Feedback.objects.create(**report).pk for report in reports]))
"""

READ_REPORTS = """
import json
from pages.models import Feedback
print("%s" + json.dumps({report.pk: [report.page, report.message, report.email] for report in Feedback.objects.all()}))
""" % SNAPSHOT_MARK

# The export failing at its very end, as on a full disk: after it has
# written every row to its temporary file, which the test wants to see.
FULL_DISK_AT_THE_END = """
import errno, sys
from pathlib import Path
from django.core.management import execute_from_command_line
from msinfo import export

def end_serialization(self):
    self.stream.flush()
    written = sum(part.stat().st_size for part in Path(sys.argv[1]).parent.glob(".*.part"))
    print("%s" + str(written))
    raise OSError(errno.ENOSPC, "No space left on device")

export.Serializer.end_serialization = end_serialization
execute_from_command_line(["manage.py", "export_site", sys.argv[1]])
""" % SNAPSHOT_MARK


def export_site(env, path, *python_code):
    """The export command's process (`python -c CODE path` when given code), not checked."""
    program = ["-c", *python_code] if python_code else ["manage.py", "export_site"]
    return subprocess.run([sys.executable, *program, str(path)], cwd=PROJECT, env=env, capture_output=True, text=True)


def exported_rows(path):
    """The export's XML, each value's leading and trailing whitespace left out:
    Django's XML reader strips a value's ends (a body's final newline), so a
    loaded row differs from the export there and nowhere else."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    text = re.sub(r"(<field [^>]*>)(?:\s|&#13;)+", r"\1", text)
    return re.sub(r"(?:\s|&#13;)+</field>", "</field>", text)


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path, prepared_sites):
    """Addresses of a database to export (migrated, with the demo content)
    and an empty migrated one to load it into (tests/prepared_sites.py)."""
    if request.param == "sqlite":
        yield (
            prepared_sites.sqlite("demo", tmp_path / "live.sqlite3"),
            prepared_sites.sqlite("migrated", tmp_path / "fresh.sqlite3"),
        )
        return
    postgres_or_skip()
    suffix = secrets.token_hex(4)
    live, fresh = f"msinfo_export_live_{suffix}", f"msinfo_export_fresh_{suffix}"
    server = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}"
    try:
        yield prepared_sites.postgres("demo", live, server), prepared_sites.postgres("migrated", fresh, server)
    finally:
        for name in (live, fresh):
            psql("-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_characters_xml_cannot_hold_become_replacement_characters_and_the_export_loads(tmp_path, databases):
    live_url, fresh_url = databases
    unstorable = CONTROL_CHARACTERS + (NUL if live_url.startswith("sqlite") else "")
    reports = [
        {"page": "/therapies/\x08fingolimod/", "message": f"The dose{unstorable}is wrong.\r\nSecond line,\ttabbed."},
        # Line ends from a browser's text box, and text XML holds as it is.
        {"page": "/therapies/", "message": "A typo: “mg” twice.\r\nThank you 😀", "email": "reader@example.org"},
    ]
    live = site_env(tmp_path, live_url)
    broken, clean = shell_value(live, STORE_REPORTS % (json.dumps(reports), SNAPSHOT_MARK))

    path = tmp_path / "msinfo-export.xml.gz"
    result = export_site(live, path)
    assert result.returncode == 0, result.stderr
    assert "2 values held characters XML cannot hold" in result.stderr
    assert f"pages.feedback pk {broken}: page, message\n" in result.stderr
    assert f"pk {clean}:" not in result.stderr

    fresh = site_env(tmp_path, fresh_url)
    manage(fresh, "loaddata", str(path))
    loaded = shell_value(fresh, READ_REPORTS)
    replaced = "\ufffd" * len(unstorable)
    assert loaded[str(broken)] == [
        "/therapies/\ufffdfingolimod/", f"The dose{replaced}is wrong.\r\nSecond line,\ttabbed.", "",
    ]
    assert loaded[str(clean)] == [reports[1]["page"], reports[1]["message"], reports[1]["email"]]

    # Every row of every table came back as exported.
    again = tmp_path / "again.xml.gz"
    result = export_site(fresh, again)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert exported_rows(again) == exported_rows(path)


# --- in this process -----------------------------------------------------------------------------


def test_the_serializer_writes_replacement_characters_and_lists_the_values_it_changed():
    unstorable = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])) + "\ud800\udfff\ufffe\uffff"
    kept = "\t\n\r\x7f\x85\ue000\ufffd😀 ü"
    rows = [
        Feedback(pk=1, page="/", message=f"a{unstorable}b{kept}"),
        Feedback(pk=2, page="/care/", message=f"fine{kept}"),
    ]
    serializer = export.Serializer()
    document = serializer.serialize(rows)

    assert serializer.changed_values == [export.ChangedValue("pages.feedback", "1", "message")]
    loaded = [item.object for item in export.Deserializer(document)]
    replaced = "\ufffd" * len(unstorable)
    assert [row.message for row in loaded] == [f"a{replaced}b{kept}", f"fine{kept}"]


def test_a_file_written_atomically_replaces_the_name_only_when_complete(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text("the earlier export")

    with pytest.raises(RuntimeError), export.write_atomically(path) as temporary:
        temporary.write_text("half of it")
        raise RuntimeError("the disk broke")
    assert path.read_text() == "the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["export.xml"]

    with export.write_atomically(path) as temporary:
        assert temporary.parent == tmp_path and temporary.name != path.name
        temporary.write_text("the new export")
    assert path.read_text() == "the new export"
    assert [p.name for p in tmp_path.iterdir()] == ["export.xml"]
    # It holds password hashes and readers' email addresses.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
