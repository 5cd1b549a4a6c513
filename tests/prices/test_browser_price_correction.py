"""A wrong price caught and taken back, in a real browser: a price editor
uploads a file with a tenfold jump, sees the row flagged in the preview,
confirms and applies it anyway; then withdraws the wrong estimate with a
reason, and a reader sees the previous figure again. Debian's chromium through
Playwright (see tests/browser_support.py): skipped without chromium, failed
under CI."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from editorial.models import ReviewDecision
from prices.models import CostEstimate

from tests.browser_pages import log_in

pytest_plugins = ["tests.browser_support"]

REASON = "Typo in the supplier's file: ten times too high."



@pytest.mark.browser
def test_a_tenfold_jump_is_flagged_applied_with_confirmation_then_withdrawn(
    live_server, new_page, make_therapy, make_estimate, price_editor, tmp_path
):
    therapy = make_therapy(generic_name="fingolimod", slug="fingolimod")
    make_estimate(therapy, low=Decimal("60000"), high=Decimal("80000"), as_of=timezone.localdate() - datetime.timedelta(days=60))
    as_of = timezone.localdate() - datetime.timedelta(days=2)
    price_file = tmp_path / "weekly-prices.csv"
    price_file.write_text(
        "kind,slug,low,high,currency,as_of,source\n"
        f"therapy,fingolimod,600000,800000,USD,{as_of},Supplier list\n"
    )
    public_url = f"{live_server.url}{therapy.get_absolute_url()}"

    reader = new_page()
    reader.goto(public_url)
    expect(reader.locator("main")).to_contain_text("US$60,000 to US$80,000")

    # The preview shows the row flagged; applying needs the box ticked.
    editor = new_page()
    log_in(editor, live_server.url, price_editor)
    editor.goto(f"{live_server.url}/admin/prices/priceimport/upload/")
    editor.locator('input[name="file"]').set_input_files(str(price_file))
    with editor.expect_navigation():
        editor.get_by_role("button", name="Check the file").click()
    flagged = editor.locator("table.price-rows tr.flagged")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("fingolimod")
    expect(flagged).to_contain_text("large change")
    apply_button = editor.get_by_role("button", name=re.compile("^Apply"))
    apply_button.click()  # not ticked: the browser refuses to send the form
    assert not CostEstimate.objects.filter(as_of=as_of).exists()
    editor.locator('input[name="confirm_flagged"]').check()
    with editor.expect_navigation():
        apply_button.click()
    expect(editor.locator(".messagelist")).to_contain_text("Imported 1 new estimate from")

    reader.reload()
    expect(reader.locator("main")).to_contain_text("US$600,000 to US$800,000")

    # The editor opens the wrong estimate from the import and withdraws it.
    wrong = CostEstimate.objects.get(as_of=as_of)
    editor.goto(f"{live_server.url}/admin/prices/costestimate/{wrong.pk}/change/")
    editor.get_by_role("link", name="Withdraw…").click()
    with editor.expect_navigation():
        editor.get_by_role("button", name="Yes, withdraw it").click()
    expect(editor.locator(".errornote")).to_contain_text("Nothing was changed")  # no reason given yet
    editor.locator('textarea[name="reason"]').fill(REASON)
    with editor.expect_navigation():
        editor.get_by_role("button", name="Yes, withdraw it").click()
    expect(editor.locator(".messagelist")).to_contain_text("Withdrawn: readers no longer see")
    expect(editor.locator("#content")).to_contain_text(f"by Pat Prices: {REASON}")

    # The reader sees the previous figure again.
    reader.reload()
    expect(reader.locator("main")).to_contain_text("US$60,000 to US$80,000")
    expect(reader.locator("main")).not_to_contain_text("US$600,000")
    wrong.refresh_from_db()
    assert (wrong.state, wrong.withdrawal_reason) == ("withdrawn", REASON)
    assert ReviewDecision.objects.filter(action="withdrew", note=REASON, actor=price_editor).exists()
