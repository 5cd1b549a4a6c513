"""In a real browser: a page with a library image passes the same axe check as
every public page, its image loads, and the browser picks the WebP rendition;
in the admin, "Insert image" writes the chosen image's reference at the cursor."""

import pytest

from tests.admin_roles import admin_url
from tests.browser_pages import log_in
from tests.images.test_references import library_image
from tests.site.test_browser_axe import at_every_width, axe_source, axe_violations, violations_report

pytest_plugins = ["tests.browser_support"]


@pytest.fixture
def media_served(settings):
    """The live server serves uploads as `make run` does (msinfo/urls.py, with DEBUG)."""
    from django.conf.urls.static import static
    from django.urls import clear_url_caches

    import msinfo.urls

    patterns = list(msinfo.urls.urlpatterns)
    settings.DEBUG = True
    msinfo.urls.urlpatterns = [*static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT), *patterns]
    clear_url_caches()
    settings.DEBUG = False
    yield
    msinfo.urls.urlpatterns = patterns
    clear_url_caches()


@pytest.mark.browser
@pytest.mark.accessibility
def test_a_page_with_an_image_has_no_axe_violation_and_shows_the_webp(live_server, new_page, make_article, media_served):
    image = library_image(
        1200, 600, title="Test shape", alt_text="A blue rectangle, the test image", caption="A caption.", credit="Test suite"
    )
    article = make_article(body=f"Some words before.\n\n![](image:{image.pk})\n\nSome words after.")
    page = new_page()

    response = page.goto(live_server.url + article.get_absolute_url())

    assert response.status == 200
    picture = page.locator("figure.content-image img")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("() => { const i = document.querySelector('figure.content-image img'); return i.complete && i.naturalWidth > 0; }")
    assert ".webp" in picture.evaluate("img => img.currentSrc")
    found = {viewport: axe_violations(page, axe_source()) for viewport in at_every_width(page)}
    report = violations_report(found, 1)
    assert not report, report


@pytest.mark.browser
def test_insert_image_writes_the_reference_at_the_cursor(live_server, new_page, make_article, editor_user, media_served):
    image = library_image(title="Injection sites")
    article = make_article(body="First paragraph.")
    page = new_page()
    log_in(page, live_server.url, editor_user)
    page.goto(live_server.url + admin_url(article, "change"))

    body = page.locator("textarea#id_body")
    body.evaluate("area => { area.focus(); area.setSelectionRange(area.value.length, area.value.length); }")
    page.get_by_role("button", name="Insert image").click()
    page.get_by_role("button", name="Injection sites").click()

    assert body.input_value() == f"First paragraph.\n\n![](image:{image.pk})"


@pytest.mark.browser
@pytest.mark.accessibility
def test_a_page_with_an_image_still_scores_100_for_seo(live_server, make_article, media_served):
    from tests.site.test_lighthouse_seo import lighthouse_or_skip, run_lighthouse

    node, chrome = lighthouse_or_skip()
    image = library_image(1200, 600, title="Test shape", alt_text="A blue rectangle, the test image")
    article = make_article(title="A page with an image", body=f"Words.\n\n![](image:{image.pk})\n\nMore words.")
    url = live_server.url + article.get_absolute_url()

    result = run_lighthouse(node, chrome, [url])[url]

    assert not result["runtimeError"], result["runtimeError"]
    assert result["score"] == 1, result["failing"]


@pytest.mark.browser
@pytest.mark.parametrize("notes", [{}, {"caption": "A caption."}], ids=["without-caption", "with-caption"])
def test_an_image_is_never_wider_than_its_sizes_say_or_the_text_column(live_server, new_page, make_article, media_served, notes):
    """The browser picks a rendition by `sizes` (at most 40rem); an image shown
    wider would be blown up past it, and past the text beside it. An image with
    no caption is a bare <picture>, not a figure, and must be held in too."""
    image = library_image(1400, 900, title="Test shape", alt_text="A blue rectangle, the test image", **notes)
    article = make_article(body=f"Some words before.\n\n![](image:{image.pk})\n\nSome words after.")
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_server.url + article.get_absolute_url())

    shown = page.locator(".editor-text picture img").evaluate(
        "img => ({image: img.getBoundingClientRect().width,"
        " text: img.closest('.editor-text').getBoundingClientRect().width,"
        " rem: parseFloat(getComputedStyle(document.documentElement).fontSize)})"
    )

    assert shown["image"] <= 40 * shown["rem"], shown
    assert shown["image"] <= shown["text"], shown
