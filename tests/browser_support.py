"""Fixtures for the real-browser tests: Debian's chromium driven by Playwright.

Loaded by tests/prices/test_browser_price_update.py through `pytest_plugins`, so the failure hook
below sees those tests. No browser is ever downloaded: Playwright launches the
chromium that apt installed.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

NO_CHROMIUM = "Debian's chromium is not installed"
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a slow CI machine, short enough that a missing element fails
# the test in seconds rather than Playwright's default 30.
TIMEOUT_MS = 10_000


def running_in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_path():
    """The installed chromium; where there is none, skip, or fail under CI,
    where the browser tests are part of what must pass."""
    path = shutil.which("chromium")
    if path:
        return path
    if running_in_ci():
        pytest.fail(f"{NO_CHROMIUM}: CI must run the browser tests (apt-get install -y chromium).", pytrace=False)
    pytest.skip(NO_CHROMIUM)


_contexts_key = pytest.StashKey[list]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, screenshot every page it had open, at the
    moment of failure, and name the files in the failure report."""
    report = yield
    contexts = item.stash.get(_contexts_key, [])
    if report.when == "call" and report.failed and contexts:
        report.sections.append(("browser screenshots", save_screenshots(item.name, contexts)))
    return report


def save_screenshots(test_name, contexts):
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", test_name)
    lines = []
    for n, context in enumerate(contexts, start=1):
        for m, page in enumerate(context.pages, start=1):
            path = ARTIFACTS_DIR / f"{stem}-{n}-{m}.png"
            try:
                page.screenshot(path=path, full_page=True)
                lines.append(f"{page.url}: {path}")
            except Exception as error:  # a screenshot must not hide the real failure
                lines.append(f"{page.url}: no screenshot ({error})")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in this thread
    # for as long as it is started. Django then takes every ORM call made here
    # (creating test data, pytest-django's flush after the test) for a call
    # from async code and raises SynchronousOnlyOperation. Nothing here is
    # async: the calls block as usual and the live server answers from its own
    # thread, so the check is switched off for the browser tests only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def new_page(browser, request):
    """Opens a page in a fresh browser context: its own cookies, so each
    context is a separate visitor."""
    contexts = request.node.stash.setdefault(_contexts_key, [])

    def open_page():
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page

    for context in contexts:
        context.close()
