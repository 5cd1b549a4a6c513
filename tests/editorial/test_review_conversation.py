"""Sending back is a conversation, and every review decision is on record:
a send-back needs a note, the editor finds it on the page with their own text
still in the form, the reviewer reads the thread, the site-wide list of
decisions can be searched and filtered but not changed, and deleting a staff
account never erases who did what."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import workflow
from editorial.models import EditorialStatus, ReviewDecision, Revision
from tests.admin_roles import admin_url, draft
from tests.conftest import logged_in
from tests.prices.test_estimates_admin import form_data

pytestmark = pytest.mark.django_db

User = get_user_model()


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def pending_edit(obj, user, **changes):
    obj = fresh(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    return workflow.save_edit(obj, user, base_version=obj.edit_version)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def section(page, marker, end):
    return page.split(marker, 1)[1].split(end, 1)[0]


@pytest.fixture
def edited_therapy(make_therapy, editor_user):
    therapy = make_therapy(generic_name="calmumab", summary="Live summary.")
    pending_edit(therapy, editor_user, summary="Edna's new summary.")
    return fresh(therapy)


@pytest.fixture
def therapy_in_review(make_therapy, editor_user):
    therapy = draft(make_therapy, generic_name="newmab", summary="Draft summary.")
    workflow.submit_for_review(therapy, editor_user)
    return fresh(therapy)


# --- A send-back needs a note --------------------------------------------------------------


def test_both_send_back_forms_ask_for_a_note(reviewer_web, edited_therapy):
    review_page = reviewer_web.get(admin_url(edited_therapy, "review")).content.decode()
    change_page = reviewer_web.get(admin_url(edited_therapy, "change")).content.decode()
    for page in (review_page, change_page):
        form = section(page, 'class="send-back-form"', "</form>")
        textarea = section(form, "<textarea", ">")
        assert 'name="note"' in textarea and "required" in textarea
        assert 'value="Send back"' in form


@pytest.mark.parametrize("origin", ["review", "change"])
def test_sending_back_a_revision_without_a_note_is_refused_and_changes_nothing(reviewer_web, edited_therapy, origin):
    version = edited_therapy.edit_version
    response = reviewer_web.post(admin_url(edited_therapy, "send_back"), {"note": "   ", "back_to": origin})

    assert response.status_code == 302 and response["Location"] == admin_url(edited_therapy, origin)
    assert messages_of(response) == [
        "Please add a note for the editors saying what needs changing. Nothing was sent back."
    ]
    revision = Revision.objects.for_object(edited_therapy).get()
    assert revision.status == Revision.Status.PENDING and revision.data["summary"] == "Edna's new summary."
    assert fresh(edited_therapy).edit_version == version
    assert not ReviewDecision.objects.filter(action=ReviewDecision.Action.SENT_BACK).exists()


def test_sending_back_an_item_in_review_without_a_note_is_refused(reviewer_web, therapy_in_review):
    response = reviewer_web.post(admin_url(therapy_in_review, "send_back"), {"back_to": "change"}, follow=True)
    assert "Please add a note for the editors" in response.content.decode()
    assert fresh(therapy_in_review).status == EditorialStatus.IN_REVIEW
    assert not ReviewDecision.objects.filter(action=ReviewDecision.Action.SENT_BACK).exists()


# --- The note is kept, whatever was sent back ----------------------------------------------


def test_the_note_is_kept_for_a_pending_revision(reviewer_web, reviewer, edited_therapy):
    response = reviewer_web.post(
        admin_url(edited_therapy, "send_back"), {"note": "Cite the trial.", "back_to": "review"}, follow=True
    )
    assert "Sent back to the editors with your note. The live version is unchanged." in response.content.decode()
    decision = ReviewDecision.objects.for_object(edited_therapy).get(action=ReviewDecision.Action.SENT_BACK)
    revision = Revision.objects.for_object(edited_therapy).get()
    assert (decision.note, decision.actor, decision.actor_name, decision.revision) == (
        "Cite the trial.", reviewer, "Rita Reviewer", revision
    )
    assert revision.review_note == "Cite the trial."
    assert fresh(edited_therapy).summary == "Live summary."


def test_the_note_is_kept_for_an_item_in_review_which_is_a_draft_again(reviewer_web, therapy_in_review):
    response = reviewer_web.post(admin_url(therapy_in_review, "send_back"), {"note": "Add the dosing."}, follow=True)
    assert "It is a draft again." in response.content.decode()
    assert fresh(therapy_in_review).status == EditorialStatus.DRAFT
    assert workflow.latest_send_back(fresh(therapy_in_review)).note == "Add the dosing."


def test_the_note_is_kept_for_a_draft_sent_back_more_than_once(reviewer, editor_user, therapy_in_review):
    workflow.send_back(therapy_in_review, reviewer, "Add the dosing.")
    workflow.submit_for_review(fresh(therapy_in_review), editor_user)
    workflow.send_back(fresh(therapy_in_review), reviewer, "Now the side effects, please.")
    notes = list(
        ReviewDecision.objects.for_object(therapy_in_review)
        .filter(action=ReviewDecision.Action.SENT_BACK)
        .values_list("note", flat=True)
    )
    assert notes == ["Now the side effects, please.", "Add the dosing."]
    assert workflow.latest_send_back(fresh(therapy_in_review)).note == "Now the side effects, please."


# --- The editor's side: the banner and their text ----------------------------------------------


def test_the_editor_sees_the_note_and_still_has_their_text(editor_web, reviewer, edited_therapy, settings):
    settings.TIME_ZONE = "America/New_York"
    workflow.send_back(edited_therapy, reviewer, "Cite the trial for the\nrelapse figures.")
    sent_at = timezone.localtime(ReviewDecision.objects.get(action=ReviewDecision.Action.SENT_BACK).created_at)

    response = editor_web.get(admin_url(edited_therapy, "change"))
    page = response.content.decode()
    banner = section(page, 'id="sent-back-banner"', "</div>")
    assert "Sent back by Rita Reviewer" in banner
    assert f"{sent_at:%H:%M} on {sent_at.day} {sent_at:%b %Y}" in banner
    assert "Cite the trial for the\nrelapse figures." in banner
    assert "The form below holds the changes that were sent back." in banner
    assert response.context["adminform"].form["summary"].value() == "Edna's new summary."
    assert "Pending changes by" not in page  # nothing is waiting for a reviewer now


def test_saving_the_sent_back_text_again_makes_a_new_pending_revision(editor_web, editor_user, reviewer, edited_therapy):
    workflow.send_back(edited_therapy, reviewer, "Cite the trial.")
    data = form_data(editor_web.get(admin_url(edited_therapy, "change")))
    data["summary"] = "Edna's new summary, with the trial cited."
    response = editor_web.post(admin_url(edited_therapy, "change"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    revision = Revision.objects.open().for_object(edited_therapy).get()
    assert (revision.data["summary"], revision.created_by) == ("Edna's new summary, with the trial cited.", editor_user)
    assert fresh(edited_therapy).summary == "Live summary."
    # The send-back is answered: the banner goes, the thread says so, and the
    # item waits for review again rather than being "sent back" to Edna.
    page = editor_web.get(admin_url(edited_therapy, "change")).content.decode()
    assert 'id="sent-back-banner"' not in page
    assert "Changed after it was sent back." in page and "Cite the trial." in page
    latest = ReviewDecision.objects.for_object(edited_therapy).first()
    assert (latest.action, latest.actor, latest.revision) == ("submitted", editor_user, revision)


def test_the_banner_shows_only_the_latest_note_and_goes_once_resubmitted(editor_web, editor_user, reviewer, therapy_in_review):
    workflow.send_back(therapy_in_review, reviewer, "First note.")
    workflow.submit_for_review(fresh(therapy_in_review), editor_user)
    workflow.send_back(fresh(therapy_in_review), reviewer, "Second note.")
    banner = section(editor_web.get(admin_url(therapy_in_review, "change")).content.decode(), 'id="sent-back-banner"', "</div>")
    assert "Second note." in banner and "First note." not in banner
    assert "It is a draft again." in banner

    workflow.submit_for_review(fresh(therapy_in_review), editor_user)
    assert 'id="sent-back-banner"' not in editor_web.get(admin_url(therapy_in_review, "change")).content.decode()


def test_the_working_copy_is_the_sent_back_text_until_something_newer(make_therapy, editor_user, reviewer):
    therapy = make_therapy(summary="Live.")
    sent_back = pending_edit(therapy, editor_user, summary="Sent back text.")
    workflow.send_back(fresh(therapy), reviewer, "Not yet.")

    copy, _, revision = workflow.working_copy(fresh(therapy), sent_back=True)
    assert (copy.summary, revision) == ("Sent back text.", sent_back)
    # Readers' previews and the review page see only open revisions.
    assert workflow.working_copy(fresh(therapy))[2] is None

    reopened = pending_edit(copy, editor_user, summary="Fixed text.")
    copy, _, revision = workflow.working_copy(fresh(therapy), sent_back=True)
    assert (copy.summary, revision) == ("Fixed text.", reopened)

    workflow.approve(fresh(therapy), reviewer)
    copy, _, revision = workflow.working_copy(fresh(therapy), sent_back=True)
    assert (copy.summary, revision) == ("Fixed text.", None)


def test_an_approval_of_the_live_version_ends_the_sent_back_text(make_therapy, editor_user, reviewer):
    therapy = make_therapy(summary="Live.")
    pending_edit(therapy, editor_user, summary="Sent back text.")
    workflow.send_back(fresh(therapy), reviewer, "Not yet.")
    workflow.approve(fresh(therapy), reviewer, note="The live version is fine as it is.")
    assert workflow.sent_back_revision(fresh(therapy)) is None
    assert workflow.working_copy(fresh(therapy), sent_back=True)[0].summary == "Live."


# --- The reviewer's side: the thread ------------------------------------------------------------


def test_the_thread_lists_every_decision_newest_first(reviewer_web, editor_user, reviewer, therapy_in_review):
    workflow.send_back(therapy_in_review, reviewer, "Add the dosing.")
    workflow.submit_for_review(fresh(therapy_in_review), editor_user, note="Dosing added.")
    workflow.send_back(fresh(therapy_in_review), reviewer, "Now the side effects.")
    workflow.submit_for_review(fresh(therapy_in_review), editor_user)

    for view in ("review", "change"):
        thread = section(reviewer_web.get(admin_url(therapy_in_review, view)).content.decode(), 'id="decision-thread"', "</ol>")
        expected = ["Now the side effects.", "Dosing added.", "Add the dosing."]
        positions = [thread.index(text) for text in expected]
        assert positions == sorted(positions), view
        assert thread.count("Sent back</strong> by Rita Reviewer") == 2
        assert thread.count("Submitted for review</strong> by Edna Editor") == 3


def test_the_thread_is_one_query(reviewer_web, editor_user, reviewer, therapy_in_review):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            reviewer_web.get(admin_url(therapy_in_review, "review"))
        return len(captured)

    before = queries()
    for n in range(5):
        workflow.send_back(fresh(therapy_in_review), reviewer, f"Note {n}.")
        workflow.submit_for_review(fresh(therapy_in_review), editor_user)
    assert queries() == before


# --- The record of decisions -------------------------------------------------------------


@pytest.fixture
def decisions(make_therapy, make_category, editor_user, second_editor, reviewer, therapy_in_review):
    workflow.send_back(therapy_in_review, reviewer, "Add the dosing.")
    category = draft(make_category, name="Oral therapies")
    workflow.submit_for_review(category, second_editor, note="Ready for a look.")
    workflow.approve(fresh(category), reviewer, note="Checked against the 2026 guidance.")
    workflow.unpublish(fresh(category), reviewer, "Superseded.")
    return {"therapy": therapy_in_review, "category": category}


def listed(response):
    return [(row.action, row.object_repr) for row in response.context["cl"].result_list]


def test_the_decisions_page_lists_every_decision_newest_first(editor_web, decisions):
    url = admin_url(ReviewDecision, "changelist")
    response = editor_web.get(url)
    assert response.status_code == 200
    assert listed(response) == [
        ("unpublished", "Oral therapies"),
        ("approved", "Oral therapies"),
        ("submitted", "Oral therapies"),
        ("sent_back", "newmab"),
        ("submitted", "newmab"),
    ]
    page = response.content.decode()
    # A category's own admin sends the editor on to the admin of its kind.
    assert f'href="/admin/therapies/category/{decisions["category"].pk}/change/"' in page
    assert "Checked against the 2026 guidance." in page and "Rita Reviewer" in page


def test_the_decisions_page_filters_by_person_action_and_kind_and_searches_notes(editor_web, second_editor, decisions):
    url = admin_url(ReviewDecision, "changelist")
    assert listed(editor_web.get(url, {"person": second_editor.pk})) == [("submitted", "Oral therapies")]
    assert listed(editor_web.get(url, {"action__exact": "sent_back"})) == [("sent_back", "newmab")]
    therapy_type = decisions["therapy"].__class__
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(therapy_type).pk
    assert listed(editor_web.get(url, {"kind": kind})) == [("sent_back", "newmab"), ("submitted", "newmab")]
    assert listed(editor_web.get(url, {"q": "dosing"})) == [("sent_back", "newmab")]
    assert listed(editor_web.get(url, {"q": "oral"})) == [
        ("unpublished", "Oral therapies"),
        ("approved", "Oral therapies"),
        ("submitted", "Oral therapies"),
    ]
    page = editor_web.get(url).content.decode()
    assert "Eddie Second" in section(page, 'id="changelist-filter"', "</nav>")


def test_the_decisions_page_runs_a_fixed_number_of_queries(editor_web, editor_user, reviewer, decisions, make_therapy):
    url = admin_url(ReviewDecision, "changelist")
    editor_web.get(url)
    with CaptureQueriesContext(connection) as few:
        editor_web.get(url)
    for n in range(10):
        therapy = draft(make_therapy)
        workflow.submit_for_review(therapy, editor_user)
        workflow.send_back(fresh(therapy), reviewer, f"Note {n}.")
    with CaptureQueriesContext(connection) as many:
        response = editor_web.get(url)
    assert response.context["cl"].result_count == 25
    assert len(many) == len(few)


def test_no_one_can_add_change_or_delete_a_decision(editor, decisions):
    superuser = logged_in(editor)
    decision = ReviewDecision.objects.first()
    assert superuser.get(admin_url(ReviewDecision, "add")).status_code == 403
    assert superuser.post(admin_url(decision, "change"), {"note": "Rewritten."}).status_code == 403
    assert superuser.post(admin_url(decision, "delete"), {"post": "yes"}).status_code == 403
    changelist = admin_url(ReviewDecision, "changelist")
    response = superuser.post(changelist, {"action": "delete_selected", "_selected_action": [decision.pk], "post": "yes"})
    assert ReviewDecision.objects.filter(pk=decision.pk, note=decision.note).exists()
    assert response.status_code in (200, 302)
    # The detail page shows the decision, read-only.
    page = superuser.get(admin_url(decision, "change")).content.decode()
    assert decision.note in page and 'name="note"' not in page


def test_a_send_back_appears_in_recent_actions(reviewer_web, edited_therapy):
    reviewer_web.post(admin_url(edited_therapy, "send_back"), {"note": "Cite the trial."})
    recent = section(reviewer_web.get("/admin/").content.decode(), 'id="recent-actions-module"', "</div>")
    assert f'href="{admin_url(edited_therapy, "change")}"' in recent and "calmumab" in recent
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.get().get_change_message() == "Sent back: Cite the trial."


# --- People: accounts with editorial work are kept ------------------------------------------


def test_a_staff_account_with_decisions_cannot_be_deleted(editor, reviewer, person, decisions):
    superuser = logged_in(editor)
    newcomer = person("newcomer", "Editors", first_name="New", last_name="Comer")

    page = superuser.get(admin_url(reviewer, "change")).content.decode()
    assert "Deactivate the account instead (untick Active)." in page
    assert admin_url(reviewer, "delete") not in page
    assert admin_url(newcomer, "delete") in superuser.get(admin_url(newcomer, "change")).content.decode()

    response = superuser.post(admin_url(reviewer, "delete"), {"post": "yes"}, follow=True)
    assert "Deactivate the account instead (untick Active)." in response.content.decode()
    assert User.objects.filter(pk=reviewer.pk).exists()

    changelist = admin_url(User, "changelist")
    selected = {"action": "delete_selected", "_selected_action": [reviewer.pk, newcomer.pk]}
    response = superuser.post(changelist, selected)
    assert "Rita Reviewer" in " ".join(messages_of(response))
    response = superuser.post(changelist, {**selected, "post": "yes"})
    assert User.objects.filter(pk=reviewer.pk).exists()
    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_decisions_keep_the_name_when_an_account_is_deleted(editor_web, reviewer, decisions):
    User.objects.filter(pk=reviewer.pk).delete()
    sent_back = ReviewDecision.objects.get(action=ReviewDecision.Action.SENT_BACK)
    assert (sent_back.actor, sent_back.actor_name, sent_back.note) == (None, "Rita Reviewer", "Add the dosing.")

    url = admin_url(ReviewDecision, "changelist")
    page = editor_web.get(url).content.decode()
    assert "Rita Reviewer (no account)" in section(page, 'id="changelist-filter"', "</nav>")
    assert listed(editor_web.get(url, {"person": "deleted:Rita Reviewer"})) == [
        ("unpublished", "Oral therapies"),
        ("approved", "Oral therapies"),
        ("sent_back", "newmab"),
    ]
    thread = section(editor_web.get(admin_url(decisions["therapy"], "change")).content.decode(), 'id="decision-thread"', "</ol>")
    assert "Sent back</strong> by Rita Reviewer" in thread


def test_the_staff_profile_is_edited_on_the_user_page(editor, reviewer):
    superuser = logged_in(editor)
    data = form_data(superuser.get(admin_url(reviewer, "change")))
    data.update({"staff_profile-0-display_name": "Dr R. Reviewer", "staff_profile-0-credentials": "consultant neurologist"})
    response = superuser.post(admin_url(reviewer, "change"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert fresh(reviewer).staff_profile.credited_name == "Dr R. Reviewer, consultant neurologist"


def test_fixing_sent_back_text_keeps_each_writer_credited(second_editor, editor_user, reviewer, edited_therapy):
    workflow.send_back(edited_therapy, reviewer, "Add how often it is taken.")
    pending_edit(fresh(edited_therapy), second_editor, summary="Edna's new summary.", frequency="Every six months")

    workflow.approve(fresh(edited_therapy), reviewer, seen_version=fresh(edited_therapy).edit_version)

    latest = edited_therapy.history.first()
    assert (latest.summary, latest.frequency) == ("Edna's new summary.", "Every six months")
    assert "Edna Editor (summary)" in latest.history_change_reason
    assert "Eddie Second (frequency)" in latest.history_change_reason
