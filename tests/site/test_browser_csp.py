"""The Content-Security-Policy in a real browser: every public page and the
admin pages staff use load in chromium without a single violation, and the
admin's scripts still work under it (adding an inline row, the date picker,
the change list's filters, the review page's comparison form).

A violation is whatever chromium reports: a `securitypolicyviolation` event
(recorded by a script installed before any page script runs), a console
message naming the Content Security Policy (or a Permissions-Policy feature
chromium does not know), or a request that failed. The last test proves the watch
works: a page with an inline script and an inline style is reported, and its
script does not run.
Debian's chromium through Playwright (tests/browser_support.py)."""

import re
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.urls import include, path
from playwright.sync_api import expect

from articles.models import Article
from editorial import workflow
from therapies.models import Category, Therapy

from tests.browser_pages import PASSWORD, log_in

pytest_plugins = ["tests.browser_support"]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"}` +
    ` (${event.sourceFile || "the page"}:${event.lineNumber}) ${event.sample || ""}`.trim()
  );
});
"""


class ViolationWatch:
    """Collects CSP violations in one browser page, across its navigations."""

    def __init__(self, page):
        self.page = page
        self.found = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        # A stylesheet or script the policy (or upgrade-insecure-requests) kept from loading.
        page.on("requestfailed", self._request_failed)

    def _request_failed(self, request):
        # A load the browser itself abandoned (the test moved on to the next
        # page before the site icon arrived) is not a refusal; one the policy
        # blocked fails as net::ERR_BLOCKED_BY_CSP, or as a console message.
        if request.failure != "net::ERR_ABORTED":
            self.found.append(f"{request.url}: failed: {request.failure}")

    def _console(self, message):
        # Chromium also names any feature of the Permissions-Policy header it does not know.
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.found.append(f"{self.page.url}: console: {message.text}")

    def collect(self):
        """The violations the current document has reported so far."""
        self.page.wait_for_load_state("load")
        for violation in self.page.evaluate("window.__cspViolations.splice(0)"):
            self.found.append(f"{self.page.url}: {violation}")

    def visit(self, url):
        self.page.goto(url)
        self.collect()

    def assert_none(self):
        assert not self.found, "Content-Security-Policy violations:\n" + "\n".join(self.found)


PRICE_FILE = (
    "kind,slug,low,high,currency,as_of,source,source_url,note\n"
    "therapy,fingolimod,82000,101000,USD,2026-01-15,Test price survey,https://example.org/survey,\n"
)


@pytest.fixture
def private_staging(settings, tmp_path):
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def catalogue(make_category, make_therapy, make_estimate, make_article, make_site_page):
    oral = make_category(
        name="Oral DMTs", slug="oral-dmts", kind=Category.Kind.DISEASE_MODIFYING, administration="A tablet a day"
    )
    therapy = make_therapy(
        generic_name="fingolimod", slug="fingolimod", brand_names="Gilenya", route=Therapy.Route.ORAL, category=oral
    )
    make_estimate(therapy, low=Decimal("80000"), high=Decimal("100000"))
    make_estimate(oral, low=Decimal("60000"), high=Decimal("90000"))
    emerging = make_category(name="In trials", slug="in-trials", kind=Category.Kind.EMERGING)
    make_therapy(generic_name="tolebrutinib", slug="tolebrutinib", category=emerging, development_stage=Therapy.Stage.PHASE_3)
    make_category(name="Fatigue", slug="fatigue", kind=Category.Kind.SUPPORTIVE)
    make_site_page()
    article = make_article(title="Relapses", slug="relapses", body="What a **relapse** is.")
    return {"category": oral, "therapy": therapy, "article": article}


@pytest.mark.browser
def test_public_pages_load_without_a_policy_violation(live_server, new_page, catalogue):
    watch = ViolationWatch(new_page())
    paths = [
        "/",
        "/therapies/",
        "/therapies/fingolimod/",
        "/therapies/fingolimod/prices/",
        "/categories/oral-dmts/",
        "/categories/oral-dmts/prices/",
        "/emerging/",
        "/care/",
        "/articles/",
        "/articles/relapses/",
        "/no-such-page/",
    ]
    for page_path in paths:
        watch.visit(live_server.url + page_path)
    expect(watch.page.locator("h1")).to_contain_text("can't find that page")  # the 404 page was reached
    watch.assert_none()


@pytest.mark.browser
def test_admin_pages_load_and_their_scripts_work_without_a_policy_violation(
    live_server, new_page, catalogue, editor, editor_user, private_staging
):
    therapy, article = catalogue["therapy"], catalogue["article"]
    article.body = "What a **relapse** is, and how long one lasts."
    workflow.save_edit(article, editor_user, base_version=Article.objects.get(pk=article.pk).edit_version)
    admin = f"{live_server.url}/admin"

    page = new_page()
    watch = ViolationWatch(page)
    watch.visit(f"{admin}/login/")
    log_in(page, live_server.url, editor)
    watch.collect()

    watch.visit(f"{admin}/")
    watch.visit(f"{admin}/therapies/therapy/")
    # The filter sidebar: a filter opens and closes (admin/js/filters.js).
    status_filter = page.locator("#changelist-filter details").first
    status_filter.locator("summary").click()
    expect(status_filter).not_to_have_attribute("open", "")
    status_filter.locator("summary").click()
    expect(status_filter).to_have_attribute("open", "")
    watch.collect()

    watch.visit(f"{admin}/therapies/therapy/{therapy.pk}/change/")
    # Inlines: "Add another" adds a row (admin/js/inlines.js).
    references = page.locator("#references-group")
    rows_before = references.locator("tr.form-row:not(.empty-form)").count()
    references.get_by_text(re.compile(r"^Add another")).first.click()
    expect(references.locator("tr.form-row:not(.empty-form)")).to_have_count(rows_before + 1)
    # The date picker opens its calendar (admin/js/admin/DateTimeShortcuts.js).
    calendar_link = page.locator("a[id^=calendarlink]:visible").first  # the blank estimate row's "as of"
    calendar_link.click()
    number = calendar_link.get_attribute("id").removeprefix("calendarlink")
    expect(page.locator(f"#calendarbox{number}")).to_be_visible()
    # The category's autocomplete asks the server as the editor types (select2 and fetch).
    page.locator(".field-category .select2-selection").click()
    page.locator(".select2-search__field").fill("Oral")
    expect(page.locator(".select2-results__option").first).to_contain_text("Oral DMTs")
    page.keyboard.press("Escape")
    watch.collect()

    # Pages with a date hierarchy, and the two-box group and permission choosers (SelectFilter2.js).
    watch.visit(f"{admin}/prices/costestimate/")
    watch.visit(f"{admin}/prices/costestimate/add/")
    watch.visit(f"{admin}/auth/user/{editor.pk}/change/")
    expect(page.locator("#id_groups_from")).to_be_visible()

    watch.visit(f"{admin}/therapies/therapy/{therapy.pk}/history/")
    watch.visit(f"{admin}/articles/article/{article.pk}/change/")
    # The price upload page, and its report on a checked file.
    watch.visit(f"{admin}/prices/priceimport/upload/")
    page.locator('input[type="file"]').set_input_files(
        {"name": "prices.csv", "mimeType": "text/csv", "buffer": PRICE_FILE.encode()}
    )
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Check")).click()
    expect(page.locator(".price-rows-scroll")).to_contain_text("fingolimod")
    watch.collect()

    # The review page of the article in review, and its "compare with an earlier version" form.
    watch.visit(f"{admin}/articles/article/{article.pk}/review/")
    expect(page.locator("#review-changes")).to_contain_text("how long one lasts")
    with page.expect_navigation():
        page.locator("#compare-earlier").get_by_role("button", name="Compare").click()
    expect(page.locator("table.version-comparison")).to_be_visible()
    watch.collect()

    # Two-factor settings (accounts/), where the editor manages their authenticator.
    watch.visit(f"{admin}/two-factor/")
    watch.assert_none()


@pytest.mark.browser
def test_two_factor_enrolment_shows_its_qr_code_without_a_policy_violation(live_server, new_page, reviewer):
    # A medical reviewer must set up an authenticator at their first login:
    # the set-up page draws its QR code as an inline SVG.
    page = new_page()
    watch = ViolationWatch(page)
    watch.visit(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator('input[name="username"]').fill(reviewer.username)
    page.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        page.locator('input[type="submit"], button[type="submit"]').first.click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    watch.collect()
    watch.assert_none()


# --- the watch itself: a page that breaks the policy is reported -------------------------------

INLINE_PAGE = (
    "<!doctype html><title>Inline</title>"
    "<p id='styled' style='color: red'>Styled inline</p>"
    "<script>document.title = 'the inline script ran';</script>"
)


def inline_page(request):
    return HttpResponse(INLINE_PAGE)


urlpatterns = [path("csp-test/inline/", inline_page), path("", include("msinfo.urls"))]


@pytest.mark.browser
@pytest.mark.urls(__name__)
def test_an_inline_script_and_style_are_reported_and_the_script_does_not_run(live_server, new_page, db):
    watch = ViolationWatch(new_page())

    watch.visit(f"{live_server.url}/csp-test/inline/")

    assert watch.page.title() == "Inline"  # the policy is enforced, not only reported
    joined = "\n".join(watch.found)
    assert "script-src" in joined and "style-src" in joined
    with pytest.raises(AssertionError, match="Content-Security-Policy violations"):
        watch.assert_none()
