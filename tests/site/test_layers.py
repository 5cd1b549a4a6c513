"""Dependencies run one way. Each app sits in a layer, and a module may
import only from its own app and from apps in lower layers: never upward,
and never sideways into another app of its own layer, so no two apps can
import each other, however indirectly.

From the bottom:

- core: site-wide machinery (page cache, Markdown, sharing and JSON-LD
  helpers, absolute addresses, request limits, error pages, health check);
- watches: the schedule of watched sources (price files, the trial registry,
  labels), which runs the checks the apps above register with watches.kinds;
- editorial (the review engine) and accounts (staff sign-in and roles);
- images, the media library, which core.markup shows images from
  (core.markup.register_image_library) and which reads the review engine's
  pending revisions to say where each image is used;
- therapies, the catalogue;
- prices, which price the catalogue's groups and medicines;
- articles, which cite medicines and show the cost table;
- pages, the site's own pages (home, emerging, care, trust pages, sitemaps);
- search, which indexes all of the above;
- msinfo, the project: settings and the root URLconf.

An app shows something on a lower app's page without being imported by it:
the catalogue's pages run what prices and articles register with
therapies.extensions; the page cache empties on the changes the apps name
with core.watching.watch. Migrations are left out: they are history, frozen as
written, and run in the order their dependencies give."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LAYERS = [
    {"core"},
    {"watches"},
    {"editorial", "accounts"},
    {"images"},
    {"therapies"},
    {"prices"},
    {"articles"},
    {"pages"},
    {"search"},
    {"msinfo"},
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}


def imported_modules(path):
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            # `from core import cache` imports core.cache.
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def app_files(app):
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.relative_to(ROOT).parts)


def wrong_imports(app, files):
    """(file, line, module) for each import from an app the layering forbids."""
    for path in files:
        for line, module in imported_modules(path):
            target = module.split(".")[0]
            if target in LAYER_OF and target != app and LAYER_OF[target] >= LAYER_OF[app]:
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                yield f"{shown}:{line} imports {module}"


def test_every_app_of_the_site_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYER_OF)


@pytest.mark.parametrize("app", sorted(LAYER_OF))
def test_an_app_imports_only_from_the_layers_below_it(app):
    files = app_files(app)
    assert files, f"found no modules in {app}/"
    assert sorted(set(wrong_imports(app, files))) == []


def test_the_check_catches_an_upward_import_inside_a_function(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from prices.queries import therapy_cost\n")
    assert "sneaky.py:2 imports prices.queries" in list(wrong_imports("therapies", [sneaky]))


def test_the_check_catches_an_import_between_apps_of_one_layer(tmp_path):
    sideways = tmp_path / "sideways.py"
    sideways.write_text("import accounts.lockout\n")
    assert list(wrong_imports("editorial", [sideways])) == ["sideways.py:1 imports accounts.lockout"]


def test_the_check_allows_a_downward_import(tmp_path):
    downward = tmp_path / "downward.py"
    downward.write_text("from therapies.models import Therapy\nfrom core import cache\n")
    assert list(wrong_imports("prices", [downward])) == []
