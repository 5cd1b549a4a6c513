"""The backups docs/deployment.md documents restore the site as it was.

Each test builds a real site database in separate processes (a copy of one
migrated, with the demo content, made once per run: tests/prepared_sites.py;
then an editor's edit approved by a reviewer, an article's related therapies
changed, a category unpublished, one price withdrawn and another corrected),
backs it up with the documented commands, word for word (the portable export,
`manage.py export_site`; pg_dump), restores it into a fresh database and
compares every table's row count and the rows an editor would miss: a
therapy's history, the article's history and related therapies, the withdrawn
price's who, when and why.

The pg_dump test needs PostgreSQL at 127.0.0.1:5432 (user postgres) and the
client tools; without them it is skipped, and under CI=true it fails.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser_support import running_in_ci
from tests.serving import site_env

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
DEPLOYMENT_DOCS = PROJECT / "docs" / "deployment.md"
PG_HOST = os.environ.get("MSINFO_TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("MSINFO_TEST_PG_PORT", "5432")
PG_USER = "postgres"
SNAPSHOT_MARK = "SNAPSHOT:"

# The edits made after the demo content, through the same services the admin uses.
EDITS = """
from django.contrib.auth.models import Group, User
from articles.models import Article
from editorial import workflow
from prices.models import CostEstimate
from therapies.models import Category, Therapy
from prices.pricing import corrections

def staff(username, group):
    user = User.objects.create_user(username, password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)

edna, rita = staff("edna", "Editors"), staff("rita", "Medical reviewers")
therapy = Therapy.objects.get(slug="fingolimod")
therapy.summary = "Taken by mouth once a day (edited before the backup)."
workflow.save_edit(therapy, edna)
workflow.approve(Therapy.objects.get(pk=therapy.pk), rita, note="Checked against the label.")

article = Article.objects.get(slug="ms-treatment-explained")
article.title = "MS treatment explained (edited before the backup)"
kept = list(article.related_therapies.order_by("pk").values_list("pk", flat=True)[:3])
workflow.save_edit(article, edna, m2m={"related_therapies": kept})
workflow.approve(Article.objects.get(pk=article.pk), rita, note="Fine.")

workflow.unpublish(Category.objects.get(slug="oral-dmts"), rita, "Being rewritten.")

first, second = CostEstimate.objects.filter(therapy=therapy).order_by("pk")[:2]
corrections.withdraw(first, rita, "The source was for another product.")
corrections.correct(second, rita, "Typo in the high figure.", low=second.low, high=second.high + 1000,
                    source_name=second.source_name, source_url=second.source_url)
"""

# What the comparison looks at, printed as one JSON line after SNAPSHOT_MARK.
SNAPSHOT = """
import json
from django.apps import apps
from django.db.models import Q
from articles.models import Article
from prices.models import CostEstimate
from therapies.models import Therapy

counts = {
    model._meta.label: model._base_manager.count()
    for model in apps.get_models(include_auto_created=True)
    if not model._meta.proxy
}
therapy = Therapy.objects.get(slug="fingolimod")
article = Article.objects.get(slug="ms-treatment-explained")
withdrawn = CostEstimate.objects.get(therapy=therapy, state="withdrawn")
snapshot = {
    "counts": counts,
    "therapy_history": [
        [h.history_id, h.history_type, h.history_date.isoformat(), h.summary, h.status,
         h.history_user.username if h.history_user else None, h.history_change_reason]
        for h in therapy.history.order_by("history_id")
    ],
    "article_history": [
        [h.history_id, h.title, h.history_date.isoformat(), sorted(r.therapy_id for r in h.related_therapies.all())]
        for h in article.history.order_by("history_id")
    ],
    "article_related": sorted(article.related_therapies.values_list("slug", flat=True)),
    "withdrawn": [withdrawn.pk, withdrawn.withdrawn_at.isoformat(), withdrawn.withdrawn_by.username,
                  withdrawn.withdrawal_reason, str(withdrawn.low), str(withdrawn.high)],
    "corrections": sorted(
        [e.pk, e.state, e.replaces_id or 0, e.correction_reason, str(e.high)]
        for e in CostEstimate.objects.filter(therapy=therapy).filter(Q(state="superseded") | Q(replaces__isnull=False))
    ),
}
print("%s" + json.dumps(snapshot))
""" % SNAPSHOT_MARK

# After a restore the site must take new edits: its id sequences continue
# after the restored rows (a failure here is a duplicate key on save).
EDIT_AFTER_RESTORE = """
from django.contrib.auth.models import User
from editorial import workflow
from therapies.models import Therapy
therapy = Therapy.objects.get(slug="fingolimod")
therapy.summary = "Edited after the restore."
workflow.save_edit(therapy, User.objects.get(username="edna"))
workflow.approve(Therapy.objects.get(pk=therapy.pk), User.objects.get(username="rita"), note="After restore.")
print("%s" + str(therapy.history.count()))
""" % SNAPSHOT_MARK


def run(env, *command):
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def manage(env, *args):
    return run(env, sys.executable, "manage.py", *args)


def shell_value(env, code):
    output = manage(env, "shell", "-c", code)
    line = next(line for line in output.splitlines() if line.startswith(SNAPSHOT_MARK))
    return json.loads(line[len(SNAPSHOT_MARK):])


def build_site(env):
    """The edits on a migrated database with the demo content (a copy of one
    made once per run, tests/prepared_sites.py); what the comparison looks at."""
    manage(env, "shell", "-c", EDITS)
    return shell_value(env, SNAPSHOT)


def assert_restored(before, after):
    assert after["counts"] == before["counts"]
    # The demo content's version and the approved edit, in order, credited.
    assert len(before["therapy_history"]) >= 2
    assert after["therapy_history"] == before["therapy_history"]
    assert any(row[3].startswith("Taken by mouth once a day") for row in after["therapy_history"])
    assert after["article_history"] == before["article_history"]
    assert len(after["article_related"]) == 3
    assert after["article_related"] == before["article_related"]
    assert after["withdrawn"] == before["withdrawn"]
    assert after["withdrawn"][3] == "The source was for another product."
    assert after["corrections"] == before["corrections"] and len(after["corrections"]) == 2


# --- dumpdata / loaddata -----------------------------------------------------------------------


def test_full_export_with_history_loads_into_a_fresh_database(tmp_path, prepared_sites):
    source = site_env(tmp_path, prepared_sites.sqlite("demo", tmp_path / "live.sqlite3"))
    before = build_site(source)
    export = tmp_path / "msinfo-export.xml.gz"
    # docs/deployment.md's commands, word for word.
    assert "manage.py export_site msinfo-export.xml.gz\n" in DEPLOYMENT_DOCS.read_text()
    manage(source, "export_site", str(export))

    fresh = site_env(tmp_path, prepared_sites.sqlite("migrated", tmp_path / "fresh.sqlite3"))
    manage(fresh, "loaddata", str(export))

    assert_restored(before, shell_value(fresh, SNAPSHOT))
    assert shell_value(fresh, EDIT_AFTER_RESTORE) == len(before["therapy_history"]) + 1


# --- pg_dump / pg_restore ----------------------------------------------------------------------


def postgres_or_skip():
    """The client tools and a server that answers; skipped without them, except under CI."""
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql", "pg_isready") if not shutil.which(tool)]
    if missing:
        reason = f"PostgreSQL client tools missing: {', '.join(missing)} (apt-get install postgresql-client)"
    else:
        ready = subprocess.run(["pg_isready", "-q", "-h", PG_HOST, "-p", PG_PORT], capture_output=True)
        reason = None if ready.returncode == 0 else f"PostgreSQL is not answering at {PG_HOST}:{PG_PORT}"
    if reason is None:
        return
    if running_in_ci():
        pytest.fail(f"{reason}: CI must test the pg_dump backup.", pytrace=False)
    pytest.skip(reason)


def psql(*args):
    return run(dict(os.environ), "psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", "postgres",
               "-v", "ON_ERROR_STOP=1", "-qAt", *args)


def test_pg_dump_restores_into_another_database(tmp_path, prepared_sites):
    postgres_or_skip()
    suffix = secrets.token_hex(4)
    live_db, restored_db = f"msinfo_backup_live_{suffix}", f"msinfo_backup_restored_{suffix}"
    server = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}"
    dump = tmp_path / "msinfo.dump"
    try:
        source = site_env(tmp_path, prepared_sites.postgres("demo", live_db, server))
        before = build_site(source)

        # docs/deployment.md's commands: a compressed custom-format dump,
        # under a temporary name until it is complete, restored into a new,
        # empty database without the old owner's roles.
        partial = tmp_path / "msinfo.dump.part"
        run(dict(os.environ), "pg_dump", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-Fc", "-f", str(partial), live_db)
        run(dict(os.environ), "mv", str(partial), str(dump))
        psql("-c", f"CREATE DATABASE {restored_db}")
        run(dict(os.environ), "pg_restore", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "--no-owner",
            "--exit-on-error", "-d", restored_db, str(dump))

        restored = site_env(tmp_path, f"{server}/{restored_db}")
        assert "No migrations to apply" in manage(restored, "migrate", "--noinput")
        assert_restored(before, shell_value(restored, SNAPSHOT))
        assert shell_value(restored, EDIT_AFTER_RESTORE) == len(before["therapy_history"]) + 1
    finally:
        for name in (live_db, restored_db):
            psql("-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
