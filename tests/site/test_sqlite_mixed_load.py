"""SQLite, the embedded default, under the mixed load that used to give
"database is locked" 500s: readers browsing while two editors save and price
imports run, all at once, against gunicorn with 2 workers on a SQLite file.

The run is the load test's own (tests/loadtest.py, `make loadtest LOADTEST_ARGS=
"--database sqlite"`), shortened: about 15 s of load after a few seconds of setup."""

import os

import pytest

from tests.loadtest import Options, report, run


# The run makes its own SQLite file whatever DATABASE_URL says, so the suite's
# PostgreSQL pass (CI) would only repeat it; `make loadtest` covers PostgreSQL.
@pytest.mark.server
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite's own test: runs in the SQLite pass of the suite",
)
def test_readers_two_editors_and_imports_on_sqlite_give_no_error_and_lose_no_edit(tmp_path, prepared_sites):
    # Starting from the run's migrated database and collected static files spares
    # the setup its migrations and collectstatic (tests/prepared_sites.py); the
    # demo content, editors and load are as in `make loadtest`.
    migrated = tmp_path / "migrated.sqlite3"
    prepared_sites.sqlite("migrated", migrated)
    options = Options(
        database="sqlite", seconds=15, readers=4, sqlite_from=str(migrated),
        static_from=str(prepared_sites.collected_static()),
    )
    result = run(options, say=lambda text: None)
    summary = report(result)

    # The load really happened: pages read, saves made, imports applied, and
    # readers reading while an import wrote (the contention that gave "database
    # is locked"). Counted in requests, not a rate: a busy machine (the suite's
    # other worker) serves 6 pages a second here, a quiet one 30 or more.
    reads = [hit for hit in result.hits if hit.role == "readers"]
    assert len(reads) >= 40, summary
    assert any(
        imported["started"] < hit.started < imported["ended"] for imported in result.imports for hit in reads
    ), summary
    saves = sum(map(len, result.confirmed.values()))
    assert saves >= 10, summary
    assert len(result.imports) >= 2, summary

    assert result.server["locked"] == 0, summary
    assert result.errors == [], summary
    assert result.refused == [], summary
    assert result.lost == {}, summary
    assert all(record["code"] == 0 for record in result.imports), summary
    assert result.server["alive"], summary
    assert result.failures == [], summary
