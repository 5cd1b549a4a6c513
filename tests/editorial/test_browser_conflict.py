"""Two editors change different fields of the same live therapy at once, in a
real browser: the second is shown who saved first and what they changed,
keeps their version and applies his own on top, and both changes reach
readers once a reviewer approves. Debian's chromium through Playwright (see
tests/browser_support.py): skipped without chromium, failed under CI."""

import pytest
from playwright.sync_api import expect

from editorial import workflow
from editorial.models import Revision
from therapies.models import Therapy
from tests.browser_pages import log_in

pytest_plugins = ["tests.browser_support"]

OLD_SUMMARY = "A weekly injection that calms the immune system."
NEW_SUMMARY = "An injection that calms the immune system and reduces relapses by about a third."
OLD_FREQUENCY = "Once a week"
NEW_FREQUENCY = "Three times a week"


@pytest.mark.browser
def test_two_editors_changing_different_fields_of_a_live_therapy_both_keep_their_change(
    live_server, new_page, make_therapy, editor_user, second_editor, reviewer
):
    therapy = make_therapy(slug="beta-interferon", summary=OLD_SUMMARY, frequency=OLD_FREQUENCY)
    change_url = f"{live_server.url}/admin/therapies/therapy/{therapy.pk}/change/"

    # Both open the same live therapy.
    edna = new_page()
    log_in(edna, live_server.url, editor_user)
    edna.goto(change_url)
    eddie = new_page()
    log_in(eddie, live_server.url, second_editor)
    eddie.goto(change_url)

    # Edna changes the summary and saves: a pending revision.
    edna.locator('textarea[name="summary"]').fill(NEW_SUMMARY)
    with edna.expect_navigation():
        edna.locator('input[name="_save"]').click()
    expect(edna.locator(".messagelist")).to_contain_text("pending")

    # Eddie changes "how often" and saves: refused, with Edna's change shown.
    eddie.locator('input[name="frequency"]').fill(NEW_FREQUENCY)
    with eddie.expect_navigation():
        eddie.locator('input[name="_save"]:visible').click()
    panel = eddie.locator("#edit-conflict")
    expect(panel).to_contain_text("Edna Editor saved this page at")
    expect(panel.locator('tr[data-field="summary"]')).to_contain_text(NEW_SUMMARY)
    expect(panel.locator('tr[data-field="summary"]')).to_contain_text("Theirs is kept")
    expect(panel.locator('tr[data-field="frequency"]')).to_contain_text(NEW_FREQUENCY)
    expect(eddie.locator('input[name="frequency"]')).to_have_value(NEW_FREQUENCY)  # his input is still there
    assert Revision.objects.open().for_object(therapy).get().data["frequency"] == OLD_FREQUENCY

    # He keeps her version and applies his on top.
    with eddie.expect_navigation():
        eddie.get_by_role("button", name="Keep their version and apply mine on top").click()
    expect(eddie.locator(".messagelist")).to_contain_text("Edna Editor's changes are kept")
    revision = Revision.objects.open().for_object(therapy).get()
    assert (revision.data["summary"], revision.data["frequency"]) == (NEW_SUMMARY, NEW_FREQUENCY)

    # Readers see both once a reviewer approves.
    reader = new_page()
    reader.goto(f"{live_server.url}/therapies/{therapy.slug}/")
    expect(reader.locator("main")).to_contain_text(OLD_SUMMARY)
    workflow.approve(Therapy.objects.get(pk=therapy.pk), reviewer)
    reader.reload()
    expect(reader.locator("main")).to_contain_text(NEW_SUMMARY)
    expect(reader.locator("main")).to_contain_text(NEW_FREQUENCY.lower())
