"""Site databases for the tests that run the site in separate processes (the
backup and export tests, the gunicorn tests), made once per test run and
copied for each test, instead of migrating (about 9 s on SQLite, more on
PostgreSQL) and loading the demo content in every test.

Two kinds, each made by the real commands in a child process, with the same
production-like settings the tests use (tests/serving.py):

- "migrated": `manage.py migrate`, as a new install has it;
- "demo": that, then `manage.py load_demo_content`.

And the static files as `manage.py collectstatic` collects them with the
production storage (hash-named, gzip and Brotli compressed: about a minute of
CPU, the same every time), collected once per run and copied into each site's
STATIC_ROOT.

A test gets its own copy: of the SQLite file (SQLite's backup API, so the
copy is the database as it was, whatever its WAL file held), or a new
PostgreSQL database made with CREATE DATABASE ... TEMPLATE. What a test then
does to its copy never reaches another test.

Under pytest-xdist the workers share one set: the first worker to need a
kind makes it (holding a lock file, so the other waits rather than making it
again), in the run's temporary folder. The PostgreSQL templates are dropped
when the run ends (tests/conftest.py, pytest_sessionfinish).
"""

import fcntl
import secrets
import shutil
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

from tests.serving import manage, site_env

KINDS = {
    "migrated": [("migrate", "--noinput", "-v", "0")],
    "demo": [("load_demo_content", "-v", "0")],  # on a copy of "migrated"
}
# The file in the run's shared folder that lists the PostgreSQL templates to drop at the end.
POSTGRES_TEMPLATES = "prepared-postgres-templates.txt"


def copy_sqlite(source, destination):
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(destination)) as copy:
        origin.backup(copy)


@contextmanager
def _locked(path):
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class PreparedSites:
    """`folder` is shared by the run's processes (pytest-xdist's workers)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    # --- SQLite ---

    def sqlite(self, kind, destination):
        """A copy of the prepared SQLite database `kind` at `destination`;
        returns its DATABASE_URL."""
        copy_sqlite(self._sqlite_template(kind), destination)
        return f"sqlite:///{destination}"

    def _sqlite_template(self, kind):
        path = self.folder / f"prepared-{kind}.sqlite3"
        with _locked(self.folder / f"prepared-{kind}.sqlite3.lock"):
            if not path.exists():
                workdir = self.folder / f"prepared-{kind}-sqlite"
                workdir.mkdir(exist_ok=True)
                building = workdir / "site.sqlite3"
                building.unlink(missing_ok=True)  # from a run of this that failed
                if kind != "migrated":
                    copy_sqlite(self._sqlite_template("migrated"), building)
                env = site_env(workdir, f"sqlite:///{building}")
                for command in KINDS[kind]:
                    manage(env, *command)
                copy_sqlite(building, path)
        return path

    # --- Static files ---

    def static(self, destination):
        """A copy of the run's collected static files at `destination` (a
        site's STATIC_ROOT, which must not exist yet)."""
        shutil.copytree(self.collected_static(), destination)

    def collected_static(self):
        """The run's collected static files (to copy, never to change)."""
        workdir = self.folder / "prepared-static"
        collected = workdir / "static"  # site_env's STATIC_ROOT in workdir
        done = workdir / "collected"
        with _locked(self.folder / "prepared-static.lock"):
            if not done.exists():
                shutil.rmtree(workdir, ignore_errors=True)  # from a run of this that failed
                workdir.mkdir()
                manage(site_env(workdir), "collectstatic", "--noinput", "-v", "0")
                done.touch()
        return collected

    # --- PostgreSQL ---

    def postgres(self, kind, name, server):
        """CREATE DATABASE `name` as a copy of the prepared PostgreSQL database
        `kind`; returns its DATABASE_URL. The caller drops it."""
        from tests.site.test_backups import psql

        psql("-c", f"CREATE DATABASE {name} TEMPLATE {self._postgres_template(kind, server)}")
        return f"{server}/{name}"

    def _postgres_template(self, kind, server):
        from tests.site.test_backups import psql

        note = self.folder / f"prepared-{kind}.postgres"
        with _locked(self.folder / f"prepared-{kind}.postgres.lock"):
            if note.exists():
                return note.read_text()
            name = f"msinfo_prepared_{kind}_{secrets.token_hex(4)}"
            with open(self.folder / POSTGRES_TEMPLATES, "a") as listed:
                listed.write(name + "\n")
            if kind == "migrated":
                psql("-c", f"CREATE DATABASE {name}")
            else:
                psql("-c", f"CREATE DATABASE {name} TEMPLATE {self._postgres_template('migrated', server)}")
            workdir = self.folder / f"prepared-{kind}-postgres"
            workdir.mkdir(exist_ok=True)
            env = site_env(workdir, f"{server}/{name}")
            for command in KINDS[kind]:
                manage(env, *command)
            note.write_text(name)
            return name


def drop_postgres_templates(folder):
    """Drops the PostgreSQL templates a run made (listed in `folder`)."""
    listed = Path(folder) / POSTGRES_TEMPLATES
    if not listed.exists():
        return
    from tests.site.test_backups import psql

    for name in listed.read_text().split():
        psql("-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    listed.unlink()
