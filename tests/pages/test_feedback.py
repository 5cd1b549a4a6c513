"""Issue 10, section 4: "Report a problem with this page". The link in every
page's footer opens a form with the page's address filled in; reports are
stored with status "new", listed in the admin with their status, counted on
the dashboard; spam rules (honeypot, rate limit per address, length limits);
no mail unless configured; and a report never empties the page cache."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from pages.feedback import FEEDBACK_RATE_LIMIT, NOT_A_PAGE
from pages.models import Feedback
from core.cache import VERSION_KEY
from tests.admin_roles import admin_url
from tests.page_helpers import page

pytestmark = pytest.mark.django_db

FORM = "/feedback/"
GOOD = {"page": "/therapies/fingolimod/", "message": "The second paragraph has a typing mistake.", "email": ""}


def report(client, **fields):
    return client.post(FORM, {**GOOD, **fields})


def form_field(response, name):
    return next(attrs for attrs in page(response).find_all("input") + page(response).find_all("textarea")
                if attrs.get("name") == name)


# --- The link and the form -------------------------------------------------------------------


def test_every_page_links_to_the_form_with_its_own_address(client, make_therapy):
    therapy = make_therapy(slug="fingolimod")

    for url, expected in (
        ("/", "/feedback/?page=%2F"),
        (therapy.get_absolute_url(), "/feedback/?page=%2Ftherapies%2Ffingolimod%2F"),
        ("/therapies/?route=oral", "/feedback/?page=%2Ftherapies%2F%3Froute%3Doral"),
        ("/no-such-page/", "/feedback/?page=%2Fno-such-page%2F"),
    ):
        shown = page(client.get(url))
        assert "Report a problem with this page" in shown.text, url
        assert expected in shown.links(), url


def test_the_form_has_the_page_filled_in_a_csrf_token_and_is_never_cached():
    client = Client(enforce_csrf_checks=True)

    response = client.get(FORM, {"page": "/therapies/fingolimod/"})

    assert response.status_code == 200
    assert form_field(response, "page")["value"] == "/therapies/fingolimod/"
    assert form_field(response, "csrfmiddlewaretoken")["value"]
    assert "no-store" in response["Cache-Control"]
    assert client.get(FORM)["X-Page-Cache"] != "hit"
    # The token is checked: a post without it is refused and stores nothing.
    assert client.post(FORM, GOOD).status_code == 403
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "value", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "therapies/", "/a b", "/\\evil"]
)
def test_an_address_that_is_not_a_page_here_is_not_filled_in(client, value):
    response = client.get(FORM, {"page": value})

    assert form_field(response, "page").get("value", "") == ""


def test_a_report_is_saved_as_new_and_the_reader_is_thanked(client):
    response = report(client, email="reader@example.org")

    assert response.status_code == 302
    saved = Feedback.objects.get()
    assert (saved.page, saved.message, saved.email, saved.status) == (
        GOOD["page"], GOOD["message"], "reader@example.org", Feedback.Status.NEW
    )
    thanks = client.get(response["Location"])
    text = page(thanks).text
    assert "Thank you for your report" in text
    assert GOOD["page"] in page(thanks).links()


@pytest.mark.parametrize("value", ["https://evil.example/", "//evil.example/", "", "x" * 20, "/" + "a" * 600])
def test_a_page_value_that_is_not_a_path_on_this_site_is_refused(client, value):
    response = report(client, page=value)

    assert response.status_code == 200
    assert NOT_A_PAGE in page(response).text
    assert not Feedback.objects.exists()


def test_the_honeypot_is_thanked_and_nothing_is_stored(client):
    response = report(client, website="https://spam.example/")

    assert response.status_code == 302 and "/feedback/thanks/" in response["Location"]
    assert not Feedback.objects.exists()


def test_the_honeypot_is_hidden_from_people(client):
    shown = page(client.get(FORM))

    assert form_field(client.get(FORM), "website")["tabindex"] == "-1"
    assert "feedback-trap" in shown.html


def test_after_the_limit_an_address_is_refused_with_a_message(client):
    for _ in range(FEEDBACK_RATE_LIMIT):
        assert report(client).status_code == 302

    response = report(client)

    assert response.status_code == 429
    assert f"You have sent {FEEDBACK_RATE_LIMIT} reports in the last hour" in page(response).text
    assert Feedback.objects.count() == FEEDBACK_RATE_LIMIT
    # Another address is not affected, and no address is kept in clear.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert report(other).status_code == 302
    assert not any("127.0.0.1" in str(key) for key in cache._cache)


@pytest.mark.parametrize(
    "message, expected",
    [
        ("Typo.", "at least 10 characters"),
        ("x" * 2001, "Please keep your message to 2,000 characters or fewer (it has 2,001)."),
    ],
)
def test_length_limits_have_clear_messages(client, message, expected):
    response = report(client, message=message)

    assert response.status_code == 200
    assert expected in page(response).text
    assert not Feedback.objects.exists()


def test_a_bad_email_address_is_refused(client):
    response = report(client, email="not an address")

    assert "Enter a valid email address." in page(response).text
    assert not Feedback.objects.exists()


# --- Mail ------------------------------------------------------------------------------------


def test_no_mail_is_sent_by_default(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(client)

    assert Feedback.objects.count() == 1
    assert mail.outbox == []


def test_with_recipients_configured_a_mail_is_sent(client, settings, django_capture_on_commit_callbacks):
    settings.MSINFO_FEEDBACK_RECIPIENTS = ["editors@example.org"]

    with django_capture_on_commit_callbacks(execute=True):
        report(client, email="reader@example.org")

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["editors@example.org"]
    assert GOOD["page"] in sent.body and GOOD["message"] in sent.body and "reader@example.org" in sent.body


def test_a_mail_failure_does_not_lose_the_report(client, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.MSINFO_FEEDBACK_RECIPIENTS = ["editors@example.org"]

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("pages.feedback.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = report(client)

    assert response.status_code == 302
    assert Feedback.objects.count() == 1


# --- The page cache --------------------------------------------------------------------------


def test_a_report_leaves_the_cache_version_unchanged(client, make_site_page):
    make_site_page()
    assert client.get("/")["X-Page-Cache"] == "miss"
    version = cache.get(VERSION_KEY)
    assert version

    report(client)

    assert Feedback.objects.count() == 1
    assert cache.get(VERSION_KEY) == version
    assert Client().get("/")["X-Page-Cache"] == "hit"


def test_a_status_change_leaves_the_cache_version_unchanged(client, make_site_page):
    saved = Feedback.objects.create(page="/", message="Something is wrong here.")
    client.get("/")
    version = cache.get(VERSION_KEY)

    saved.status = Feedback.Status.DONE
    saved.save()

    assert cache.get(VERSION_KEY) == version


# --- The admin -------------------------------------------------------------------------------


def test_editors_see_reports_filter_them_and_change_their_status(editor_web):
    new = Feedback.objects.create(page="/care/", message="A link is broken in the second section.")
    Feedback.objects.create(page="/about/", message="Already dealt with this one.", status=Feedback.Status.DONE)

    listing = page(editor_web.get(admin_url(Feedback, "changelist") + "?status__exact=new"))
    assert "A link is broken" in listing.text and "Already dealt with" not in listing.text
    assert "/care/" in listing.links()

    response = editor_web.post(admin_url(new, "change"), {"status": Feedback.Status.IN_PROGRESS})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Feedback.Status.IN_PROGRESS
    assert new.message == "A link is broken in the second section."


def test_editors_mark_several_reports_done_at_once(editor_web):
    reports = [Feedback.objects.create(page="/", message=f"Report number {n} here.") for n in range(3)]

    response = editor_web.post(
        admin_url(Feedback, "changelist"),
        {"action": "mark_done", "_selected_action": [r.pk for r in reports[:2]]},
    )

    assert response.status_code == 302
    assert sorted(Feedback.objects.values_list("status", flat=True)) == ["done", "done", "new"]


def test_the_message_a_reader_sent_cannot_be_changed(editor_web):
    saved = Feedback.objects.create(page="/", message="What the reader wrote.")

    editor_web.post(admin_url(saved, "change"), {"status": "done", "message": "Rewritten.", "page": "/x/"})

    saved.refresh_from_db()
    assert (saved.message, saved.page, saved.status) == ("What the reader wrote.", "/", "done")


def test_nobody_adds_a_report_in_the_admin(editor_web):
    assert editor_web.get(admin_url(Feedback, "add")).status_code == 403


def test_the_status_must_be_one_of_three():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(page="/", message="A message here.", status="ignored")


def test_the_dashboard_counts_new_reports(editor_web, price_web):
    Feedback.objects.create(page="/", message="First new report.")
    Feedback.objects.create(page="/", message="Second new report.")
    Feedback.objects.create(page="/", message="A finished report.", status=Feedback.Status.DONE)

    dashboard = page(editor_web.get("/admin/"))

    assert "Readers' problem reports" in dashboard.text and "2 new reports" in dashboard.text
    assert admin_url(Feedback, "changelist") + "?status__exact=new" in dashboard.links()
    # Price editors do not read reports.
    assert "Readers' problem reports" not in page(price_web.get("/admin/")).text
