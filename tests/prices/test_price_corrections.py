"""Correcting a price: a price editor or a medical reviewer withdraws a wrong
estimate, replaces it by a correction, or withdraws a whole price import.
Readers stop seeing the wrong figure at once; the admin keeps it, marked, with
who, when and why; the review-decision log records each action."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import COST_TABLE_MARKER
from editorial.models import ReviewDecision
from tests.admin_roles import admin_url
from tests.page_helpers import Page
from prices.models import CostEstimate, PriceImport, staleness_cutoff
from prices.pricing import corrections

pytestmark = pytest.mark.django_db

REASON = "Typo: the range was entered ten times too high."
TODAY = timezone.localdate()
EARLIER = TODAY - datetime.timedelta(days=90)
LATER = TODAY - datetime.timedelta(days=10)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response)


def withdraw_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_withdraw", args=[obj.pk])


def correct_url(estimate):
    return reverse("admin:prices_costestimate_correct", args=[estimate.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow(client, url, data):
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response


def row(estimate):
    return CostEstimate.objects.filter(pk=estimate.pk).values().get()


@pytest.fixture
def priced(make_therapy, make_estimate):
    """A therapy whose newest price (ten times too high) follows a good one."""
    therapy = make_therapy(generic_name="fingolimod", slug="fingolimod")
    good = make_estimate(therapy, low=Decimal("60000"), high=Decimal("80000"), as_of=EARLIER, source_name="Good survey")
    wrong = make_estimate(therapy, low=Decimal("600000"), high=Decimal("800000"), as_of=LATER, source_name="Bad survey")
    return therapy, good, wrong


# --- Withdrawing one estimate ---------------------------------------------------------------


def test_withdrawing_needs_a_reason_and_without_one_changes_nothing(priced, price_editor, price_web):
    therapy, _, wrong = priced
    before = row(wrong)

    with pytest.raises(ValidationError) as refused:
        corrections.withdraw(wrong, price_editor, "   ")
    assert "Please give the reason" in str(refused.value)

    response = price_web.post(withdraw_url(wrong), {"reason": ""})
    assert response.status_code == 200
    assert "Please give the reason for withdrawing it" in response.content.decode()
    assert "Nothing was changed" in response.content.decode()

    assert row(wrong) == before
    assert not ReviewDecision.objects.exists()
    assert "US$600,000" in page(price_web, therapy.get_absolute_url()).text


def test_a_price_editor_withdraws_a_wrong_estimate_and_readers_see_the_previous_one(
    priced, price_editor, price_web, client
):
    therapy, good, wrong = priced
    assert "US$600,000 to US$800,000" in page(client, therapy.get_absolute_url()).text

    change_page = price_web.get(admin_url(wrong, "change")).content.decode()
    assert withdraw_url(wrong) in change_page and "Withdraw…" in change_page

    confirm = page(price_web, withdraw_url(wrong))
    assert "Readers will no longer see this estimate" in confirm.text

    response = follow(price_web, withdraw_url(wrong), {"reason": REASON})
    assert any("Withdrawn: readers no longer see" in m for m in messages_of(response))

    wrong.refresh_from_db()
    assert (wrong.state, wrong.withdrawn_by, wrong.withdrawal_reason) == ("withdrawn", price_editor, REASON)
    assert wrong.withdrawn_at is not None
    # Kept, not deleted, and the figures untouched.
    assert (wrong.low, wrong.high) == (Decimal("600000"), Decimal("800000"))

    public = page(client, therapy.get_absolute_url()).text
    assert "US$60,000 to US$80,000" in public
    assert "US$600,000" not in public

    # The admin marks it wherever it is listed, and the buttons are gone.
    marked = f"Withdrawn on {wrong.withdrawn_at:%d %b %Y} by Pat Prices: {REASON}"
    assert marked in page(price_web, admin_url(wrong, "change")).text
    assert "Withdraw…" not in page(price_web, admin_url(wrong, "change")).text
    assert marked in page(price_web, admin_url(CostEstimate, "changelist")).text


def test_the_therapy_admin_page_keeps_the_withdrawn_estimate_marked(priced, price_editor, reviewer_web):
    therapy, good, wrong = priced
    corrections.withdraw(wrong, price_editor, REASON)
    text = page(reviewer_web, admin_url(therapy, "change")).text
    assert f"Withdrawn on {wrong.withdrawn_at:%d %b %Y} by Pat Prices: {REASON}" in text
    assert "Bad survey" in text and "Good survey" in text


def test_the_estimate_list_filters_by_state(priced, price_editor, price_web):
    _, good, wrong = priced
    corrections.withdraw(wrong, price_editor, REASON)
    changelist = admin_url(CostEstimate, "changelist")
    withdrawn = page(price_web, changelist + "?state__exact=withdrawn").text
    assert "Bad survey" in withdrawn and "Good survey" not in withdrawn
    in_use = page(price_web, changelist + "?state__exact=active").text
    assert "Good survey" in in_use and "Bad survey" not in in_use


def test_withdrawing_the_newest_price_shows_the_previous_one_as_current_in_the_admin(
    priced, price_editor, price_web
):
    therapy, good, wrong = priced
    listing = admin_url(type(therapy), "changelist")
    assert "USD 600,000–800,000" in page(price_web, listing).text
    corrections.withdraw(wrong, price_editor, REASON)
    text = page(price_web, listing).text
    assert "USD 60,000–80,000" in text and "USD 600,000" not in text


def test_a_withdrawn_recent_price_puts_the_subject_back_on_the_stale_prices_panel(
    make_therapy, make_estimate, price_editor, price_web
):
    therapy = make_therapy(generic_name="stalemab")
    make_estimate(therapy, as_of=staleness_cutoff() - datetime.timedelta(days=5))
    recent = make_estimate(therapy, as_of=LATER)
    assert "stalemab" not in price_web.get("/admin/").content.decode()
    corrections.withdraw(recent, price_editor, REASON)
    assert "stalemab" in price_web.get("/admin/").content.decode()


def test_an_estimate_withdrawn_meanwhile_is_not_withdrawn_twice(priced, price_editor, reviewer, reviewer_web):
    _, _, wrong = priced
    stale_copy = CostEstimate.objects.get(pk=wrong.pk)
    corrections.withdraw(wrong, price_editor, REASON)

    with pytest.raises(ValidationError, match="already been withdrawn"):
        corrections.withdraw(stale_copy, reviewer, "Me too")
    with pytest.raises(ValidationError, match="already been withdrawn"):
        corrections.correct(stale_copy, reviewer, "Me too", low=1, high=2, source_name="x")
    assert row(wrong)["withdrawn_by_id"] == price_editor.pk

    # The pages for it say so instead of failing.
    for url in (withdraw_url(wrong), correct_url(wrong)):
        response = reviewer_web.post(url, {"reason": "Me too"}, follow=True)
        assert response.status_code == 200
        assert any("no longer in use" in m for m in messages_of(response))
    assert ReviewDecision.objects.count() == 1


def test_an_unknown_estimate_is_a_message_not_an_error(price_web):
    for url in (reverse("admin:prices_costestimate_withdraw", args=[999999]),
                reverse("admin:prices_costestimate_correct", args=["not-a-number"]),
                reverse("admin:prices_priceimport_withdraw", args=[999999])):
        response = price_web.get(url, follow=True)
        assert response.status_code == 200
        assert any("doesn’t exist" in m for m in messages_of(response))


# --- Correcting --------------------------------------------------------------------------


def test_the_correction_form_is_prefilled_with_the_current_figures(priced, reviewer_web):
    _, _, wrong = priced
    form = reviewer_web.get(correct_url(wrong)).context["form"]
    assert form["low"].value() == Decimal("600000")
    assert form["high"].value() == Decimal("800000")
    assert form["source_name"].value() == "Bad survey"
    assert form["source_url"].value() == "https://example.org/prices"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"low": "90000", "high": "70000"}, "The highest cost cannot be below the lowest cost."),
        ({"low": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"low": "60,000"}, "Enter a number."),
        ({"source_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"source_name": ""}, "This field is required."),
        ({"reason": " "}, "Please give the reason for the correction"),
        (
            {"low": "600000", "high": "800000", "source_url": "https://example.org/prices"},
            "The correction is the same as the estimate",
        ),
    ],
)
def test_a_bad_correction_is_refused_with_a_clear_message_and_nothing_changes(
    priced, price_web, client, changes, message
):
    therapy, _, wrong = priced
    before = list(CostEstimate.objects.order_by("pk").values())
    data = {"low": "60000", "high": "80000", "source_name": "Bad survey", "source_url": "", "note": "", "reason": REASON}
    data.update(changes)

    response = price_web.post(correct_url(wrong), data)

    assert response.status_code == 200
    text = Page(response).text
    assert message in text and "Nothing was changed" in text
    assert list(CostEstimate.objects.order_by("pk").values()) == before
    assert not ReviewDecision.objects.exists()
    assert "US$600,000" in page(client, therapy.get_absolute_url()).text


def test_bad_figures_are_refused_by_the_rules_too(priced, price_editor):
    _, _, wrong = priced
    with pytest.raises(ValidationError) as refused:
        corrections.correct(wrong, price_editor, REASON, low=Decimal("9"), high=Decimal("1"), source_name="Survey")
    assert refused.value.message_dict == {"high": ["The highest cost cannot be below the lowest cost."]}
    wrong.refresh_from_db()
    assert wrong.state == "active"
    assert CostEstimate.objects.count() == 2


def test_a_correction_replaces_the_figure_for_readers_and_the_admin_keeps_both(
    make_category, make_therapy, make_estimate, make_article, price_editor, price_web, client
):
    group = make_category(name="Oral medicines")
    therapy = make_therapy(generic_name="fingolimod", slug="fingolimod", category=group)
    wrong_group = make_estimate(group, low=Decimal("500000"), high=Decimal("900000"), as_of=LATER)
    wrong_therapy = make_estimate(therapy, low=Decimal("610000"), high=Decimal("620000"), as_of=LATER)
    article = make_article(body=f"Costs:\n\n{COST_TABLE_MARKER}\n")

    response = follow(
        price_web,
        correct_url(wrong_group),
        {"low": "50000", "high": "90000", "source_name": "Orals survey", "source_url": "", "note": "", "reason": REASON},
    )
    assert any("Corrected: readers now see" in m for m in messages_of(response))
    follow(
        price_web,
        correct_url(wrong_therapy),
        {"low": "61000", "high": "62000", "source_name": "Pharmacy list", "source_url": "", "note": "", "reason": REASON},
    )

    group_fix = CostEstimate.objects.get(replaces=wrong_group)
    therapy_fix = CostEstimate.objects.get(replaces=wrong_therapy)
    for old, new in ((wrong_group, group_fix), (wrong_therapy, therapy_fix)):
        old.refresh_from_db()
        assert old.state == "superseded" and new.state == "active"
        assert (new.category_id, new.therapy_id, new.currency, new.as_of, new.product) == (
            old.category_id, old.therapy_id, old.currency, old.as_of, old.product
        )
        assert (new.recorded_by, new.correction_reason, new.price_import) == (price_editor, REASON, None)

    # The group's published range is history on its page, corrected there;
    # its current range everywhere is worked out from its medicine's corrected figure.
    group_text = page(client, group.get_absolute_url()).text
    assert "US$50,000 to US$90,000" in group_text
    for url in (group.get_absolute_url(), "/", "/therapies/", article.get_absolute_url()):
        text = page(client, url).text
        assert "US$61,000 to US$62,000" in text, url
        assert "US$500,000" not in text and "US$900,000" not in text and "US$610,000" not in text, url
    therapy_text = page(client, therapy.get_absolute_url()).text
    assert "US$61,000 to US$62,000" in therapy_text and "US$610,000" not in therapy_text

    # The admin keeps both, the old one marked and linked to its correction.
    replaced = f"Replaced by a correction on {group_fix.recorded_at:%d %b %Y} by Pat Prices: {REASON}"
    group_admin = page(price_web, admin_url(group, "change"))
    assert replaced in group_admin.text and f"In use (a correction: {REASON})" in group_admin.text
    assert "500,000" in group_admin.html and "50,000" in group_admin.html
    old_page = page(price_web, admin_url(wrong_group, "change"))
    assert replaced in old_page.text and admin_url(group_fix, "change") in old_page.links()
    new_page = page(price_web, admin_url(group_fix, "change"))
    assert admin_url(wrong_group, "change") in new_page.links() and REASON in new_page.text
    assert "Correct…" in new_page.text  # a correction can be corrected again
    assert replaced in page(price_web, admin_url(CostEstimate, "changelist")).text


# --- A whole import ----------------------------------------------------------------------


def import_file(tmp_path, text, name="prices.csv"):
    path = tmp_path / name
    path.write_text("kind,slug,low,high,currency,as_of,source\n" + text)
    out, err = StringIO(), StringIO()
    # The wrong figures here are meant: accept them as a hurried editor would.
    call_command("import_prices", str(path), "--accept-large-changes", stdout=out, stderr=err)
    return out.getvalue()


def test_withdrawing_a_whole_import(make_therapy, make_estimate, price_editor, reviewer, reviewer_web, client, tmp_path):
    first = make_therapy(generic_name="firstmab", slug="firstmab")
    second = make_therapy(generic_name="secondmab", slug="secondmab")
    make_estimate(first, low=Decimal("10000"), high=Decimal("20000"), as_of=EARLIER)
    make_estimate(second, low=Decimal("30000"), high=Decimal("40000"), as_of=EARLIER)
    import_file(
        tmp_path,
        f"therapy,firstmab,100000,200000,USD,{LATER},Bad file\n"
        f"therapy,secondmab,300000,400000,USD,{LATER},Bad file\n",
    )
    price_import = PriceImport.objects.get()
    one, two = price_import.estimates.order_by("therapy__slug")
    # Someone already corrected one of them: that correction stays.
    fix = corrections.correct(two, price_editor, "Checked", low=Decimal("35000"), high=Decimal("45000"), source_name="Fixed")

    import_page = page(reviewer_web, admin_url(price_import, "change"))
    assert withdraw_url(price_import) in import_page.links()
    confirm = page(reviewer_web, withdraw_url(price_import)).text
    assert "All 1 estimate of this import still in use will be withdrawn" in confirm
    assert "1 of its estimates were already withdrawn or corrected" in confirm

    refused = reviewer_web.post(withdraw_url(price_import), {"reason": ""})
    assert "Please give the reason for withdrawing the import" in refused.content.decode()
    assert price_import.estimates.active().count() == 1

    response = follow(reviewer_web, withdraw_url(price_import), {"reason": "Wrong file uploaded"})
    assert any("Withdrawn 1 estimate from this import" in m for m in messages_of(response))

    one.refresh_from_db()
    two.refresh_from_db()
    fix.refresh_from_db()
    assert (one.state, one.withdrawn_by, one.withdrawal_reason) == ("withdrawn", reviewer, "Wrong file uploaded")
    assert (two.state, fix.state) == ("superseded", "active")

    assert "US$10,000 to US$20,000" in page(client, first.get_absolute_url()).text
    assert "US$100,000" not in page(client, first.get_absolute_url()).text
    assert "US$35,000 to US$45,000" in page(client, second.get_absolute_url()).text

    decision = ReviewDecision.objects.get(action="withdrew")
    assert decision.content_object == price_import
    assert decision.note == "Wrong file uploaded (1 estimate withdrawn)" and decision.actor == reviewer

    # Nothing left to withdraw: no button, and the page says so if reached.
    after = page(reviewer_web, admin_url(price_import, "change"))
    assert withdraw_url(price_import) not in after.links()
    assert "Withdrawn on" in after.text and "Replaced by a correction" in after.text
    again = reviewer_web.get(withdraw_url(price_import), follow=True)
    assert any("nothing to withdraw" in m for m in messages_of(again))


def test_reimporting_a_withdrawn_row_creates_a_new_estimate_in_use(subject_for_import, price_editor, client, tmp_path):
    therapy = subject_for_import
    line = f"therapy,importimab,70000,90000,USD,{LATER},Survey\n"
    assert "Imported 1 new estimate " in import_file(tmp_path, line)
    wrong = CostEstimate.objects.get()
    corrections.withdraw(wrong, price_editor, REASON)
    assert "US$70,000" not in page(client, therapy.get_absolute_url()).text

    out = import_file(tmp_path, line, name="again.csv")

    assert "Imported 1 new estimate (0 already recorded)" in out
    new = CostEstimate.objects.active().get()
    assert new.pk != wrong.pk and (new.low, new.high, new.as_of) == (Decimal("70000"), Decimal("90000"), LATER)
    assert CostEstimate.objects.get(pk=wrong.pk).state == "withdrawn"
    assert "US$70,000 to US$90,000" in page(client, therapy.get_absolute_url()).text


def test_a_row_matching_only_a_replaced_estimate_is_checked_against_its_correction(
    subject_for_import, price_editor, tmp_path
):
    line = f"therapy,importimab,70000,90000,USD,{LATER},Survey\n"
    import_file(tmp_path, line)
    corrections.correct(CostEstimate.objects.get(), price_editor, REASON, low=Decimal("7000"), high=Decimal("9000"), source_name="Survey")
    # Same figures as the correction: already recorded, nothing new.
    same = f"therapy,importimab,7000,9000,USD,{LATER},Survey\n"
    assert "Nothing to import: the estimate is already recorded" in import_file(tmp_path, same, name="same.csv")
    assert CostEstimate.objects.count() == 2
    # The replaced figures are no longer "recorded": the row now conflicts with the correction.
    with pytest.raises(CommandError):
        import_file(tmp_path, line, name="old.csv")
    assert CostEstimate.objects.count() == 2


@pytest.fixture
def subject_for_import(make_therapy):
    return make_therapy(generic_name="importimab", slug="importimab")


# --- The record --------------------------------------------------------------------------


def test_withdrawals_and_corrections_are_in_the_review_decisions(priced, price_editor, reviewer, reviewer_web):
    therapy, good, wrong = priced
    corrections.withdraw(wrong, price_editor, REASON)
    fix = corrections.correct(good, reviewer, "Source gave monthly figures", low=Decimal("61000"), high=Decimal("81000"), source_name="Good survey")

    decisions = list(ReviewDecision.objects.order_by("created_at", "id"))
    assert [(d.action, d.actor, d.note, d.content_object) for d in decisions] == [
        ("withdrew", price_editor, REASON, wrong),
        ("corrected", reviewer, "Source gave monthly figures", good),
    ]
    # And in "Recent actions".
    messages = set(LogEntry.objects.values_list("change_message", flat=True))
    assert {f"Withdrew a price: {REASON}", "Corrected a price: Source gave monthly figures"} <= messages

    estimate_type = ContentType.objects.get_for_model(CostEstimate)
    listing = reviewer_web.get(admin_url(ReviewDecision, "changelist"), {"kind": estimate_type.pk})
    text = Page(listing).text
    assert "Withdrew a price" in text and "Corrected a price" in text and REASON in text
    assert "Cost estimates" in text  # the kind is offered in the filter
    assert admin_url(wrong, "change") in Page(listing).links()
    assert fix.state == "active"


# --- Who may -----------------------------------------------------------------------------


def test_editors_may_not_withdraw_or_correct(priced, editor_web, tmp_path):
    therapy, _, wrong = priced
    before = row(wrong)
    import_file(tmp_path, f"therapy,{therapy.slug},1,2,USD,{TODAY - datetime.timedelta(days=1)},Survey\n")
    price_import = PriceImport.objects.get()

    change_page = page(editor_web, admin_url(wrong, "change")).text
    assert "Withdraw…" not in change_page and "Correct…" not in change_page
    for url in (withdraw_url(wrong), correct_url(wrong), withdraw_url(price_import)):
        assert editor_web.get(url).status_code == 403
        assert editor_web.post(url, {"reason": REASON, "low": "1", "high": "2", "source_name": "x"}).status_code == 403
    assert row(wrong) == before
    assert price_import.estimates.active().count() == 1
    assert not ReviewDecision.objects.exists()


@pytest.mark.parametrize("who", ["price_web", "reviewer_web", "editor_client"])
def test_price_editors_reviewers_and_superusers_may(priced, request, who, client):
    therapy, _, wrong = priced
    web = request.getfixturevalue(who)
    change_page = page(web, admin_url(wrong, "change")).text
    assert "Withdraw…" in change_page and "Correct…" in change_page
    follow(web, withdraw_url(wrong), {"reason": REASON})
    assert CostEstimate.objects.get(pk=wrong.pk).state == "withdrawn"
    assert "US$600,000" not in page(client, therapy.get_absolute_url()).text


def test_price_editors_and_reviewers_have_the_permission_and_editors_do_not(price_editor, reviewer, editor_user):
    assert corrections.can_correct(price_editor)
    assert corrections.can_correct(reviewer)
    assert not corrections.can_correct(editor_user)
    # Reviewers may correct prices, not record or import them.
    assert not reviewer.has_perm("prices.add_costestimate")
