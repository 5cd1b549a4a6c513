"""CI's PostgreSQL pass runs the tests whose outcome can differ by database
(marker `database_specific`, given by the rule in tests/conftest.py; written
down in docs/testing.md). The rule must keep selecting them: here the
expression .ci/run really uses is applied to a few files, one for each part of
the rule, and must pick exactly the tests the rule names there."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

# file -> the tests of it the PostgreSQL pass must run (None: every test of the file).
EXPECTED = {
    # Named in DATABASE_SPECIFIC_FILES.
    "tests/site/test_database_state.py": None,
    # Migrations backwards and forwards.
    "tests/prices/test_kinds_migration.py": None,
    # Real transactions (django_db(transaction=True)) and django_assert_num_queries.
    "tests/core/test_page_cache.py": {
        "test_the_second_anonymous_request_is_a_hit_identical_to_the_first_and_runs_no_sql",
        "test_not_found_and_permanent_redirects_are_stored_too",
        "test_a_change_committed_while_the_cache_fails_empties_it_once_the_cache_is_back",
        "test_the_version_changes_when_the_transaction_commits_and_once_per_transaction",
        "test_a_rolled_back_change_leaves_the_version_alone",
    },
    # A query count through a helper of the module that uses CaptureQueriesContext.
    "tests/prices/test_price_preview.py": {"test_the_previews_query_count_does_not_grow_with_the_rows"},
    # Query counts: inside a nested function, and in the test itself.
    "tests/editorial/test_review_conversation.py": {
        "test_the_thread_is_one_query",
        "test_the_decisions_page_runs_a_fixed_number_of_queries",
    },
}
# Files of which the pass runs nothing: pages and text, the same on any database.
NOTHING_FROM = ["tests/core/test_markdown_links.py", "tests/core/test_trial_links.py"]


def postgres_pass_expression():
    """The -m expression of .ci/run's pytest command on PostgreSQL."""
    lines = (PROJECT / ".ci" / "run").read_text().replace("\\\n", " ").splitlines()
    commands = [line for line in lines if "DATABASE_URL=\"$PG_URL\"" in line and "pytest" in line]
    assert len(commands) == 1, commands
    words = shlex.split(commands[0])
    # The last -m: the first is python's own (`python -m pytest`).
    return words[len(words) - 1 - words[::-1].index("-m") + 1]


def collected(expression, files):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         *(["-m", expression] if expression else []), *files],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode in (0, 5), result.stdout[-3000:] + result.stderr[-3000:]
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_postgres_pass_selects_by_the_database_specific_rule():
    expression = postgres_pass_expression()
    assert re.search(r"\bdatabase_specific\b", expression), expression
    found = collected(expression, [*EXPECTED, *NOTHING_FROM])
    by_file = {}
    for line in found:
        path, _, name = line.partition("::")
        by_file.setdefault(path, set()).add(re.sub(r"\[.*\]$", "", name))
    for path, names in EXPECTED.items():
        assert by_file.get(path), f"the PostgreSQL pass would run nothing of {path}:\n" + "\n".join(found)
        if names is not None:
            assert by_file[path] == names, (path, by_file[path])
    for path in NOTHING_FROM:
        assert path not in by_file, (path, by_file[path])


def test_every_test_of_a_named_file_is_selected():
    # A whole file named in the rule: every one of its tests, however it uses the database.
    found = collected(postgres_pass_expression(), ["tests/site/test_database_state.py"])
    every = collected("", ["tests/site/test_database_state.py"])
    assert found and found == every
