"""Review before publishing, in a real browser: an editor changes a published
article, readers keep the approved text, a medical reviewer compares and
approves, and readers then see the new text. Debian's chromium through
Playwright (see tests/browser_support.py): skipped without chromium, failed
under CI."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from editorial.models import Revision

from tests.browser_pages import log_in

pytest_plugins = ["tests.browser_support"]

OLD_TEXT = "Interferons have been used for MS since the 1990s."
NEW_TEXT = "Interferons were among the first MS medicines, first approved in 1993."



@pytest.mark.browser
def test_an_edit_to_a_live_article_reaches_readers_only_after_review(
    live_server, new_page, make_article, editor_user, reviewer
):
    article = make_article(title="Interferons in MS", slug="interferons-in-ms", body=OLD_TEXT)
    public_url = f"{live_server.url}/articles/{article.slug}/"
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    # The editor changes the live article's text and saves.
    editor_page = new_page()
    log_in(editor_page, live_server.url, editor_user)
    editor_page.goto(change_url)
    editor_page.locator('textarea[name="body"]').fill(NEW_TEXT)
    with editor_page.expect_navigation():
        editor_page.locator('input[name="_save"]').click()
    expect(editor_page.locator(".messagelist")).to_contain_text("pending")
    assert Revision.objects.open().for_object(article).exists()

    # A reader still gets the approved text.
    reader = new_page()
    reader.goto(public_url)
    expect(reader.locator("main")).to_contain_text(OLD_TEXT)
    expect(reader.locator("main")).not_to_contain_text(NEW_TEXT)

    # The reviewer opens the comparison, sees both versions, and approves.
    reviewer_page = new_page()
    log_in(reviewer_page, live_server.url, reviewer)
    reviewer_page.goto(change_url)
    reviewer_page.get_by_role("link", name=re.compile("Review and approve")).click()
    comparison = reviewer_page.locator("#content")
    expect(comparison).to_contain_text(OLD_TEXT)
    expect(comparison).to_contain_text(NEW_TEXT)
    with reviewer_page.expect_navigation():
        reviewer_page.locator('input[name="_approve"]').click()
    expect(reviewer_page.locator(".messagelist")).to_be_visible()

    # The reader now sees the new text, credited to the reviewer.
    reader.reload()
    expect(reader.locator("main")).to_contain_text(NEW_TEXT)
    expect(reader.locator("main")).not_to_contain_text(OLD_TEXT)
    expect(reader.locator("main")).to_contain_text("Rita Reviewer")
    assert Article.objects.live().get(pk=article.pk).approved_by == reviewer
