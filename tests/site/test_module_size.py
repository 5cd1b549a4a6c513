"""The code stays in pieces a newcomer can read: no module grows past about
500 lines, and no app holds more than about a third of the site's code.
Migrations are history, and tests live outside the apps."""

from pathlib import Path

from tests.site.test_layers import LAYER_OF, app_files

ROOT = Path(__file__).resolve().parents[2]
MODULE_LIMIT = 500
APP_SHARE_LIMIT = 0.35


def line_count(path):
    return len(path.read_text().splitlines())


def too_long(files, limit=MODULE_LIMIT):
    return [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}: {line_count(path)} lines"
        for path in files
        if line_count(path) > limit
    ]


def test_no_module_is_over_the_limit():
    files = [path for app in sorted(LAYER_OF) for path in app_files(app)]
    assert too_long(files) == []


def test_no_app_holds_more_than_a_third_of_the_code():
    lines = {app: sum(line_count(path) for path in app_files(app)) for app in LAYER_OF}
    total = sum(lines.values())
    assert {app: round(count / total, 2) for app, count in lines.items() if count / total > APP_SHARE_LIMIT} == {}


def test_the_check_catches_a_long_module(tmp_path):
    long_module, short_module = tmp_path / "long.py", tmp_path / "short.py"
    long_module.write_text("x = 1\n" * (MODULE_LIMIT + 1))
    short_module.write_text("x = 1\n" * MODULE_LIMIT)
    assert too_long([long_module, short_module]) == [f"long.py: {MODULE_LIMIT + 1} lines"]
