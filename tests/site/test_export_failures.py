"""A failed export leaves no file under its name, and an earlier export of
that name as it was (tests/site/test_export.py says how these tests build
their databases). A file of its own, so the suite's two workers can run it
beside the other slow export test."""

import pytest

from tests.serving import site_env
from tests.site.test_backups import SNAPSHOT_MARK
from tests.site.test_export import FULL_DISK_AT_THE_END, export_site

pytestmark = pytest.mark.slow


def test_a_failed_export_leaves_no_file_and_an_earlier_export_as_it_was(tmp_path, prepared_sites):
    live = site_env(tmp_path, prepared_sites.sqlite("demo", tmp_path / "live.sqlite3"))
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "msinfo-export.xml.gz"
    assert export_site(live, path).returncode == 0
    earlier = path.read_bytes()

    result = export_site(live, path, FULL_DISK_AT_THE_END)
    assert result.returncode == 1
    assert f"The export failed and nothing was written (the earlier {path} is as it was)" in result.stderr
    assert "No space left on device" in result.stderr
    written = int(result.stdout.split(SNAPSHOT_MARK)[1])
    assert written > len(earlier) / 2, "the export should have failed after writing its rows"
    assert path.read_bytes() == earlier
    assert sorted(p.name for p in folder.iterdir()) == [path.name]

    # The first export under a name: nothing at all is left.
    result = export_site(live, folder / "first.xml", FULL_DISK_AT_THE_END)
    assert result.returncode == 1
    assert f"nothing was written (there is no {folder / 'first.xml'})" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [path.name]

    # Names it cannot write or loaddata could not read, refused before any work.
    result = export_site(live, folder)
    assert result.returncode == 1 and "is a folder" in result.stderr
    result = export_site(live, folder / "msinfo-export.json")
    assert result.returncode == 1 and "loaddata reads its format and compression from the name" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [path.name]
