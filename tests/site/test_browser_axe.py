"""Accessibility in a real browser: axe-core (npm, pinned in package-lock.json)
runs in chromium on every public page of the demo site and any violation
fails the test, each one listed with the page, the rule and the elements.

The pages are the demo content (manage.py load_demo_content), so they carry
the real fact sheets, prices, references and articles a reader sees: every
medicine's and article's page, and one of each other kind. To check a new
page, add its address to PAGES, or its URL name to NAMED_PAGES.

axe is injected with page.evaluate: evaluation through the DevTools protocol
is not subject to the page's Content-Security-Policy, so the policy stays as
strict as in production (tests/site/test_browser_csp.py checks it) and nothing is
bypassed for the pages themselves.
Debian's chromium through Playwright (tests/browser_support.py)."""

import sys
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

pytest_plugins = ["tests.browser_support"]
pytestmark = pytest.mark.accessibility

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
NO_AXE = "axe-core is not installed (npm ci, or make test, installs it from package-lock.json)"

NOT_FOUND = "/no-such-page/"  # the 404 page: the only one not answering 200
# Always there. {therapy}, {category} and {article} are filled from the demo content.
PAGES = [
    "/",
    "/therapies/",
    "/therapies/{therapy}/",
    "/therapies/{therapy}/prices/",
    "/categories/{category}/",
    "/categories/{category}/prices/",
    "/emerging/",
    "/care/",
    "/articles/",
    "/articles/{article}/",
    NOT_FOUND,
]
# Pages checked when their URL exists (added by other parts of issue 10):
# (URL name, kwargs, query string).
NAMED_PAGES = [
    ("therapies:compare", {}, "?t=fingolimod&t=ocrelizumab"),
    ("therapies:compare", {}, "?t=fingolimod&t=ocrelizumab&t=natalizumab"),
    # Four: on a phone, two to a line, each value labelled.
    ("therapies:compare", {}, "?t=fingolimod&t=ocrelizumab&t=natalizumab&t=dimethyl-fumarate"),
    ("therapies:compare", {}, ""),  # nothing chosen yet
    # The decision aid (issue 22): the questions, an answer with medicines on
    # both sides, and the summary to print.
    ("pages:decide", {}, ""),
    ("pages:decide_answers", {}, "?way=tablet&tests=12&pregnancy=yes&weighing=not-sure&cost=yes"),
    ("pages:decide_summary", {}, "?way=tablet&tests=12&pregnancy=yes&weighing=not-sure&cost=yes"),
    ("pages:about", {}, ""),
    ("pages:editorial_policy", {}, ""),
    ("pages:accessibility", {}, ""),
    ("pages:contact", {}, ""),
    ("pages:feedback", {}, "?page=/therapies/fingolimod/"),
    ("pages:feedback_thanks", {}, ""),
    ("prices:reuse_data", {}, ""),
    ("search:results", {}, "?q=fatigue"),
    ("search:results", {}, "?q=ocrelizimab"),  # "Did you mean"
    ("search:results", {}, "?q=zzzzqqqq"),  # nothing found
]
# What the site promises: WCAG 2.2 A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " ")),
  }));
}"""


def axe_source():
    from tests.browser_support import running_in_ci  # loaded by pytest_plugins, before this runs

    if AXE_SOURCE.exists():
        return AXE_SOURCE.read_text(encoding="utf-8")
    if running_in_ci():
        pytest.fail(f"{NO_AXE}: CI must run the accessibility test.", pytrace=False)
    pytest.skip(NO_AXE)


def named_pages():
    found = []
    for name, kwargs, query in NAMED_PAGES:
        try:
            found.append(reverse(name, kwargs=kwargs) + query)
        except NoReverseMatch:
            continue
    return found


def axe_violations(page, source):
    """axe's violations on the page now open, as readable lines."""
    if not page.evaluate("typeof window.axe === 'object'"):  # once per page load
        page.evaluate(source)
    lines = []
    for violation in page.evaluate(RUN_AXE, AXE_TAGS):
        lines.append(f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return lines


@pytest.fixture
def demo_site(demo_content):
    from articles.models import Article
    from therapies.models import Therapy

    # A medicine with its own price, so its prices page has a table and a chart.
    therapy = Therapy.objects.live().filter(cost_estimates__isnull=False).distinct().order_by("slug").first()
    return {
        "therapy": therapy.slug,
        "category": therapy.category.slug,
        "article": Article.objects.live().order_by("slug").first().slug,
    }


def every_page_of(demo_site):
    """PAGES, then every medicine's and article's own page (each fact sheet
    differs), then the NAMED_PAGES that exist."""
    from articles.models import Article
    from therapies.models import Therapy

    paths = [path.format(**demo_site) for path in PAGES]
    for item in [*Therapy.objects.live().order_by("slug"), *Article.objects.live().order_by("slug")]:
        if item.get_absolute_url() not in paths:
            paths.append(item.get_absolute_url())
    return paths + named_pages()


# Readers come on phones as often as on computers: a layout can break at either.
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def open_at_first_width(page, url):
    """Loads `url` at the first of VIEWPORTS' sizes; returns the response."""
    page.set_viewport_size(next(iter(VIEWPORTS.values())))
    return page.goto(url)


def at_every_width(page):
    """Resizes the page now open to each of VIEWPORTS in turn, yielding each
    name. A page is loaded once and checked at every width: the site has no
    script, so its layout at a width is its CSS's media queries alone, which
    the browser applies again on a resize exactly as on a fresh load."""
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        assert page.evaluate("window.innerWidth") == size["width"], f"{page.url}: not resized to {viewport}"
        yield viewport


def violations_report(found, checked):
    """One failure message for {viewport: lines}, or "" when there are none."""
    return "\n".join(
        f"axe found violations ({viewport}, {checked} pages checked):\n" + "\n".join(lines)
        for viewport, lines in found.items()
        if lines
    )


@pytest.mark.browser
def test_every_public_page_has_no_axe_violation(live_server, new_page, demo_site):
    source = axe_source()
    page = new_page()
    paths = every_page_of(demo_site)
    found = {viewport: [] for viewport in VIEWPORTS}
    for path in paths:
        response = open_at_first_width(page, live_server.url + path)
        expected = 404 if path == NOT_FOUND else 200
        assert response.status == expected, f"{path} answered {response.status}, not {expected}"
        for viewport in at_every_width(page):
            found[viewport] += axe_violations(page, source)
    report = violations_report(found, len(paths))
    assert not report, report


@pytest.mark.browser
def test_axe_reports_a_violation_it_is_shown(live_server, new_page, db):
    # The check itself works: an image without a text alternative and a
    # nameless link, added to a real page, are reported.
    source = axe_source()
    page = new_page()
    page.goto(f"{live_server.url}/no-such-page/")
    page.evaluate(
        """() => {
        const img = document.createElement("img"); img.src = "/static/img/favicon.svg";
        const link = document.createElement("a"); link.href = "/"; link.appendChild(img);
        document.querySelector("main").appendChild(link);
    }"""
    )
    joined = "\n".join(axe_violations(page, source))
    assert "image-alt" in joined and "link-name" in joined


# --- How axe-core gets here ------------------------------------------------------------------

PROJECT = Path(__file__).resolve().parents[2]


def test_axe_core_is_pinned_exactly_locked_and_kept_out_of_git():
    import json

    wanted = json.loads((PROJECT / "package.json").read_text())["dependencies"]["axe-core"]
    locked = json.loads((PROJECT / "package-lock.json").read_text())["packages"]["node_modules/axe-core"]["version"]
    assert wanted == locked and wanted[0].isdigit(), f"package.json asks for {wanted!r}, the lock has {locked!r}"
    assert "node_modules/" in (PROJECT / ".gitignore").read_text().splitlines()
    # `make test` installs it before running the suite.
    makefile = (PROJECT / "Makefile").read_text().splitlines()
    assert any(line.startswith("test:") and "node_modules/axe-core" in line for line in makefile)


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_without_axe_core_the_test_skips_with_its_reason_except_under_ci(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setattr(sys.modules[__name__], "AXE_SOURCE", tmp_path / "axe.min.js")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="axe-core is not installed"):
        axe_source()
