"""Lighthouse SEO stays 100: Lighthouse (npm, pinned in package-lock.json)
audits one page of each kind of the demo site, served by the live server, in
Debian's chromium, and every page must score 1.0 in its SEO category. A page
that scores less fails the test with the audits it failed and their details.

tests/lighthouse_seo.mjs runs the audits through Lighthouse's Node API; two
of them run at once, each with its own headless Chromium, so the whole check
takes about half a minute. Without node_modules/lighthouse (npm ci, or make
test, installs it) the test skips with its reason, except under CI=true,
where it fails, as tests/site/test_browser_axe.py does for axe-core."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytest_plugins = ["tests.browser_support"]
pytestmark = pytest.mark.accessibility

PROJECT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = PROJECT / "node_modules" / "lighthouse" / "package.json"
SCRIPT = PROJECT / "tests" / "lighthouse_seo.mjs"
NO_LIGHTHOUSE = "Lighthouse is not installed (npm ci, or make test, installs it from package-lock.json)"
PROCESSES = 2
TIMEOUT_SECONDS = 240

# One page of each kind; {therapy}, {category} and {article} come from the demo content.
PAGES = [
    "/",
    "/therapies/",
    "/therapies/{therapy}/",
    "/categories/{category}/",
    "/compare/?t={therapy}&t={other}",
    "/emerging/",
    "/care/",
    "/articles/",
    "/articles/{article}/",
    "/about/",
]
# The check can fail: Lighthouse gives no SEO score of 1 to a page answering 404
# (it reports the error page as an error, and no score).
NOT_FOUND = "/no-such-page/"


def lighthouse_or_skip():
    from tests.browser_support import chromium_path, running_in_ci

    node = shutil.which("node")
    if node and LIGHTHOUSE.exists():
        return node, os.environ.get("CHROME_PATH") or chromium_path()
    reason = NO_LIGHTHOUSE if node else "node is not installed, so Lighthouse cannot run"
    if running_in_ci():
        pytest.fail(f"{reason}: CI must run the Lighthouse SEO test.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def demo_pages(demo_content):
    from articles.models import Article
    from therapies.models import Therapy

    therapy, other = Therapy.objects.live().filter(cost_estimates__isnull=False).distinct().order_by("slug")[:2]
    names = {
        "therapy": therapy.slug,
        "other": other.slug,
        "category": therapy.category.slug,
        "article": Article.objects.live().order_by("slug").first().slug,
    }
    return [path.format(**names) for path in PAGES]


def run_lighthouse(node, chrome, urls):
    """{url: {score, failing, runtimeError}}, the urls shared between PROCESSES runs."""
    env = {**os.environ, "CHROME_PATH": chrome}
    shares = [urls[n::PROCESSES] for n in range(PROCESSES)]
    runs = [
        subprocess.Popen([node, str(SCRIPT), *share], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for share in shares
        if share
    ]
    results = {}
    for run in runs:
        out, err = run.communicate(timeout=TIMEOUT_SECONDS)
        assert run.returncode == 0, f"Lighthouse failed ({run.returncode}):\n{err[-3000:]}"
        results.update(json.loads(out))
    return results


@pytest.mark.browser
def test_every_kind_of_page_scores_100_for_seo(live_server, demo_pages):
    node, chrome = lighthouse_or_skip()
    urls = [live_server.url + path for path in demo_pages]

    results = run_lighthouse(node, chrome, [*urls, live_server.url + NOT_FOUND])

    print("\nLighthouse SEO scores:")
    for url in urls:
        print(f"  {results[url]['score']}  {url}")
    problems = []
    for url in urls:
        result = results[url]
        if result["runtimeError"]:
            problems.append(f"{url}: Lighthouse could not audit it: {result['runtimeError']}")
        elif result["score"] != 1:
            problems.append(f"{url}: SEO score {result['score']}")
            problems.extend(f"    {a['id']}: {a['title']} {a['details']}" for a in result["failing"])
    assert not problems, "Lighthouse SEO is not 100 everywhere:\n" + "\n".join(problems)
    not_found = results[live_server.url + NOT_FOUND]
    assert not_found["score"] != 1 and (not_found["runtimeError"] or not_found["failing"]), not_found


def test_lighthouse_is_pinned_exactly_and_locked():
    wanted = json.loads((PROJECT / "package.json").read_text())["dependencies"]["lighthouse"]
    locked = json.loads((PROJECT / "package-lock.json").read_text())["packages"]["node_modules/lighthouse"]["version"]
    assert wanted == locked and wanted[0].isdigit(), f"package.json asks for {wanted!r}, the lock has {locked!r}"


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_without_lighthouse_the_test_skips_with_its_reason_except_under_ci(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setattr("tests.site.test_lighthouse_seo.LIGHTHOUSE", tmp_path / "package.json")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="Lighthouse is not installed"):
        lighthouse_or_skip()
