"""When someone else saved a page after you opened it: the refusal says who
and when (in the site's time zone), shows what they changed against what you
typed, and saving again is an explicit choice: keep theirs and apply mine on
top (fields both changed are chosen one by one), or overwrite theirs after a
second confirmation, which is recorded. Their change is never lost to a plain
second Save, and each editor is credited for their own fields."""

import datetime

import pytest
from django.core import signing
from django.test import override_settings

from articles.models import Article
from editorial import merging, workflow
from editorial.models import ReviewDecision, Revision
from therapies.models import Therapy
from tests.admin_roles import admin_url, draft
from tests.conftest import logged_in
from tests.prices.test_estimates_admin import form_data

pytestmark = pytest.mark.django_db

MERGE = {"_merge_theirs": "Keep their version and apply mine on top"}
OVERWRITE = {"_overwrite_theirs": "Overwrite theirs"}


# --- The merge rule ---------------------------------------------------------------------------


def test_fields_only_one_side_changed_take_that_sides_value():
    base = {"summary": "Old.", "frequency": "Weekly", "body": "Same."}
    theirs = {"summary": "Their summary.", "frequency": "Weekly", "body": "Same."}
    mine = {"summary": "Old.", "frequency": "Daily", "body": "Same."}
    result = merging.merge(base, theirs, mine)
    assert result.data == {"summary": "Their summary.", "frequency": "Daily", "body": "Same."}
    assert (result.theirs_changed, result.mine_changed, result.conflicts) == (["summary"], ["frequency"], [])


def test_a_field_both_changed_keeps_theirs_unless_mine_is_chosen():
    base, theirs, mine = {"summary": "Old."}, {"summary": "Theirs."}, {"summary": "Mine."}
    assert merging.merge(base, theirs, mine).data == {"summary": "Theirs."}
    assert merging.merge(base, theirs, mine).conflicts == ["summary"]
    assert merging.merge(base, theirs, mine, {"summary": "mine"}).data == {"summary": "Mine."}


def test_the_same_change_on_both_sides_is_no_conflict():
    result = merging.merge({"summary": "Old."}, {"summary": "New."}, {"summary": "New."})
    assert (result.data, result.conflicts) == ({"summary": "New."}, [])


def test_without_the_opened_version_every_difference_is_a_choice_defaulting_to_theirs():
    theirs, mine = {"summary": "Theirs.", "body": "Same."}, {"summary": "Mine.", "body": "Same."}
    result = merging.merge(None, theirs, mine)
    assert (result.data, result.conflicts) == (theirs, ["summary"])


def test_many_to_many_values_merge_as_sorted_lists():
    base = merging.normalise({"related": [3, 1], "body": "Old."})
    theirs = merging.normalise({"related": [1, 3], "body": "Their body."})  # same set, other order
    mine = merging.normalise({"related": [2, 1, 3], "body": "Old."})
    result = merging.merge(base, theirs, mine)
    assert result.data == {"related": [1, 2, 3], "body": "Their body."}
    assert result.conflicts == []


def test_a_snapshot_token_is_refused_if_altered_or_for_another_record(make_therapy):
    therapy, other = make_therapy(), make_therapy()
    token = merging.sign_snapshot(therapy, 4, {"summary": "Opened."})
    assert merging.read_snapshot(token, therapy, 4) == {"summary": "Opened."}
    assert merging.read_snapshot(token, therapy, 5) is None
    assert merging.read_snapshot(token, other, 4) is None
    payload = signing.loads(token, salt=merging.SNAPSHOT_SALT)
    forged = signing.dumps({**payload, "data": {"summary": "Forged."}}, salt="another salt", compress=True)
    assert merging.read_snapshot(forged, therapy, 4) is None


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def second_web(second_editor):
    return logged_in(second_editor)


def open_form(web, obj):
    return form_data(web.get(admin_url(obj, "change")))


def save(web, obj, data, **extra):
    return web.post(admin_url(obj, "change"), {**data, **extra})


def working(obj):
    """The content editors now work on: the pending revision, else the record."""
    live = type(obj).objects.get(pk=obj.pk)
    revision = Revision.objects.open().for_object(live).first()
    return revision.data if revision is not None else workflow.snapshot(live)


def therapy_for(make_therapy, published, **fields):
    return make_therapy(**fields) if published else draft(make_therapy, **fields)


def first_saves_then_second_is_refused(make_therapy, editor_web, second_web, published, mine=None):
    """Edna and Eddie open the same therapy; Edna changes the summary and saves;
    Eddie's save (frequency, or `mine`) is refused. Returns the therapy and Eddie's refused page."""
    therapy = therapy_for(make_therapy, published, summary="Old summary.", frequency="Once a week")
    ednas, eddies = open_form(editor_web, therapy), open_form(second_web, therapy)
    assert save(editor_web, therapy, ednas, summary="Edna's summary.", _save="Save").status_code == 302
    response = save(second_web, therapy, eddies, **(mine or {"frequency": "Every day"}), _save="Save")
    assert response.status_code == 200
    return therapy, response


@pytest.mark.parametrize("published", [False, True], ids=["draft", "live"])
def test_the_refusal_names_who_shows_their_change_and_keeps_my_input(
    make_therapy, editor_web, second_web, published
):
    therapy, response = first_saves_then_second_is_refused(make_therapy, editor_web, second_web, published)
    page = response.content.decode()
    assert "Edna Editor saved this page at" in page
    conflict = response.context["adminform"].form.conflict
    rows = {row.label: (row.base, row.theirs, row.mine, row.conflicting) for row in conflict.rows}
    assert rows == {
        "Summary": ("Old summary.", "Edna's summary.", "Old summary.", False),
        "How often": ("Once a week", "Once a week", "Every day", False),
    }
    assert "Edna&#x27;s summary." in page.split('id="edit-conflict"')[1]  # shown in the panel
    assert form_data(response)["frequency"] == "Every day"  # what Eddie typed is still in the form
    assert working(therapy)["summary"] == "Edna's summary."
    assert working(therapy)["frequency"] == "Once a week"


@pytest.mark.parametrize("published", [False, True], ids=["draft", "live"])
def test_a_plain_second_save_is_refused_again_and_their_change_is_kept(
    make_therapy, editor_web, second_web, published
):
    therapy, response = first_saves_then_second_is_refused(make_therapy, editor_web, second_web, published)
    again = save(second_web, therapy, form_data(response), _save="Save")
    assert again.status_code == 200
    assert "Edna Editor saved this page at" in again.content.decode()
    assert working(therapy)["summary"] == "Edna's summary."
    assert working(therapy)["frequency"] == "Once a week"


@pytest.mark.parametrize("published", [False, True], ids=["draft", "live"])
def test_keeping_theirs_and_applying_mine_keeps_both_changes(make_therapy, editor_web, second_web, published):
    therapy, response = first_saves_then_second_is_refused(make_therapy, editor_web, second_web, published)
    assert save(second_web, therapy, form_data(response), **MERGE).status_code == 302
    assert (working(therapy)["summary"], working(therapy)["frequency"]) == ("Edna's summary.", "Every day")
    live = Therapy.objects.get(pk=therapy.pk)
    if published:  # readers keep the approved text until a reviewer approves both
        assert (live.summary, live.frequency) == ("Old summary.", "Once a week")


@pytest.mark.parametrize("choice, expected", [(None, "Edna's summary."), ("theirs", "Edna's summary."), ("mine", "Eddie's summary.")])
def test_a_field_both_changed_is_shown_side_by_side_and_chosen(
    make_therapy, editor_web, second_web, choice, expected
):
    therapy, response = first_saves_then_second_is_refused(
        make_therapy, editor_web, second_web, True, mine={"summary": "Eddie's summary.", "frequency": "Every day"}
    )
    panel = response.content.decode().split('id="edit-conflict"')[1]
    assert "Edna&#x27;s summary." in panel and "Eddie&#x27;s summary." in panel
    assert 'name="conflict_keep__summary" value="theirs" checked' in panel
    data = form_data(response)
    assert data["conflict_keep__summary"] == "theirs"  # the default
    if choice is None:
        del data["conflict_keep__summary"]
    else:
        data["conflict_keep__summary"] = choice
    assert save(second_web, therapy, data, **MERGE).status_code == 302
    assert (working(therapy)["summary"], working(therapy)["frequency"]) == (expected, "Every day")


@pytest.mark.parametrize("published", [False, True], ids=["draft", "live"])
def test_overwriting_needs_a_confirmation(make_therapy, editor_web, second_web, published):
    therapy, response = first_saves_then_second_is_refused(
        make_therapy, editor_web, second_web, published, mine={"summary": "Eddie's summary."}
    )
    refused = save(second_web, therapy, form_data(response), **OVERWRITE)
    assert refused.status_code == 200
    assert "tick “Yes, replace their changes with mine”" in refused.content.decode()
    assert working(therapy)["summary"] == "Edna's summary."
    assert not ReviewDecision.objects.filter(action=ReviewDecision.Action.OVERWROTE).exists()


@pytest.mark.parametrize("published", [False, True], ids=["draft", "live"])
def test_a_confirmed_overwrite_saves_mine_and_is_recorded(
    make_therapy, editor_web, second_web, second_editor, published
):
    therapy, response = first_saves_then_second_is_refused(
        make_therapy, editor_web, second_web, published, mine={"summary": "Eddie's summary."}
    )
    data = {**form_data(response), "confirm_overwrite": "yes"}
    done = save(second_web, therapy, data, **OVERWRITE, follow=False)
    assert done.status_code == 302
    assert working(therapy)["summary"] == "Eddie's summary."
    decision = ReviewDecision.objects.for_object(therapy).get(action=ReviewDecision.Action.OVERWROTE)
    assert decision.actor == second_editor
    assert "Edna Editor" in decision.note and "summary" in decision.note
    assert "how often" not in decision.note  # only the fields of theirs that were replaced


def test_the_time_is_shown_in_the_sites_time_zone(make_therapy, editor_web, second_web, editor_user):
    with override_settings(TIME_ZONE="Europe/London"):
        therapy = draft(make_therapy, summary="Old.")
        eddies = open_form(second_web, therapy)
        ednas = Therapy.objects.get(pk=therapy.pk)
        ednas.summary = "Edna's."
        workflow.save_edit(ednas, editor_user, base_version=ednas.edit_version)
        # 13:05 UTC on a summer day is 14:05 in London.
        saved_at = datetime.datetime(2026, 7, 1, 13, 5, tzinfo=datetime.timezone.utc)
        Therapy.objects.filter(pk=therapy.pk).update(updated_at=saved_at)
        page = save(second_web, therapy, eddies, summary="Eddie's.", _save="Save").content.decode()
    assert "Edna Editor saved this page at 14:05 on 01 Jul 2026" in page


def test_a_pending_revisions_save_time_and_editor_are_named(make_therapy, editor_web, second_web, editor_user):
    with override_settings(TIME_ZONE="Europe/London"):
        therapy = make_therapy(summary="Live.")
        eddies = open_form(second_web, therapy)
        ednas = Therapy.objects.get(pk=therapy.pk)
        ednas.summary = "Edna's."
        workflow.save_edit(ednas, editor_user, base_version=ednas.edit_version)
        saved_at = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.timezone.utc)  # GMT in winter
        Revision.objects.open().for_object(therapy).update(updated_at=saved_at)
        Therapy.objects.filter(pk=therapy.pk).update(updated_at=saved_at - datetime.timedelta(days=30))
        page = save(second_web, therapy, eddies, summary="Eddie's.", _save="Save").content.decode()
    assert "Edna Editor saved this page at 09:30 on 05 Jan 2026" in page


def test_an_approval_since_the_form_was_opened_names_the_reviewer(make_therapy, second_web, editor_user, reviewer):
    therapy = make_therapy(summary="Live.")
    edited = Therapy.objects.get(pk=therapy.pk)
    edited.summary = "Edna's."
    workflow.save_edit(edited, editor_user)
    eddies = open_form(second_web, therapy)
    workflow.approve(Therapy.objects.get(pk=therapy.pk), reviewer)
    page = save(second_web, therapy, eddies, frequency="Every day", _save="Save").content.decode()
    assert "Rita Reviewer approved this page at" in page


def test_after_a_merge_and_an_approval_the_history_credits_each_editor_for_their_fields(
    make_therapy, editor_web, second_web, reviewer
):
    therapy, response = first_saves_then_second_is_refused(make_therapy, editor_web, second_web, True)
    assert save(second_web, therapy, form_data(response), **MERGE).status_code == 302
    workflow.approve(Therapy.objects.get(pk=therapy.pk), reviewer)
    live = Therapy.objects.get(pk=therapy.pk)
    assert (live.summary, live.frequency) == ("Edna's summary.", "Every day")
    reason = live.history.first().history_change_reason
    assert "Edna Editor (summary)" in reason and "Eddie Second (frequency)" in reason
    assert "Approved by Rita Reviewer" in reason


def test_after_a_merge_the_pending_changes_name_both_editors(make_therapy, editor_web, second_web, reviewer_web):
    therapy, response = first_saves_then_second_is_refused(make_therapy, editor_web, second_web, True)
    assert save(second_web, therapy, form_data(response), **MERGE).status_code == 302

    form = editor_web.get(admin_url(therapy, "change")).content.decode()
    assert "Pending changes by Edna Editor and Eddie Second" in " ".join(form.split())
    review = reviewer_web.get(admin_url(therapy, "review")).content.decode()
    assert "Proposed by Edna Editor and Eddie Second, last saved" in review


def test_related_therapies_merge_with_another_field(make_article, make_therapy, editor_web, second_web):
    one, two = make_therapy(), make_therapy()
    article = make_article(body="Old body.")
    article.related_therapies.set([one])
    ednas, eddies = open_form(editor_web, article), open_form(second_web, article)
    assert save(editor_web, article, ednas, body="Edna's body.", _save="Save").status_code == 302
    response = save(second_web, article, eddies, related_therapies=[str(one.pk), str(two.pk)], _save="Save")
    assert response.status_code == 200
    rows = {row.label: row for row in response.context["adminform"].form.conflict.rows}
    assert rows["Related therapies"].mine == f"{one}, {two}" and not rows["Related therapies"].they_changed
    assert save(second_web, article, form_data(response), **MERGE).status_code == 302
    assert working(article)["body"] == "Edna's body."
    assert working(article)["related_therapies"] == sorted([one.pk, two.pk])
    assert list(Article.objects.get(pk=article.pk).related_therapies.all()) == [one]  # live until approved


def test_related_therapies_both_changed_are_a_choice(make_article, make_therapy, editor_web, second_web):
    one, two, three = make_therapy(), make_therapy(), make_therapy()
    article = draft(make_article)
    article.related_therapies.set([one])
    ednas, eddies = open_form(editor_web, article), open_form(second_web, article)
    assert save(editor_web, article, ednas, related_therapies=[str(two.pk)], _save="Save").status_code == 302
    response = save(second_web, article, eddies, related_therapies=[str(three.pk)], _save="Save")
    assert [row.name for row in response.context["adminform"].form.conflict.conflicting_rows] == ["related_therapies"]
    data = {**form_data(response), "conflict_keep__related_therapies": "mine"}
    assert save(second_web, article, data, **MERGE).status_code == 302
    assert list(Article.objects.get(pk=article.pk).related_therapies.all()) == [three]


def test_if_they_save_again_while_i_compare_i_am_shown_their_latest(make_therapy, editor_web, second_web, editor_user):
    therapy, response = first_saves_then_second_is_refused(make_therapy, editor_web, second_web, False)
    again = Therapy.objects.get(pk=therapy.pk)
    again.body = "Edna's new body."
    workflow.save_edit(again, editor_user)
    refused = save(second_web, therapy, form_data(response), **MERGE)
    assert refused.status_code == 200
    assert "They saved again while you were comparing" in refused.content.decode()
    assert "Body" in {row.label for row in refused.context["adminform"].form.conflict.their_rows}
    assert working(therapy)["frequency"] == "Once a week"
    # Having seen the latest, merging keeps all of theirs.
    assert save(second_web, therapy, form_data(refused), **MERGE).status_code == 302
    stored = working(therapy)
    assert (stored["summary"], stored["body"], stored["frequency"]) == ("Edna's summary.", "Edna's new body.", "Every day")


def test_an_altered_snapshot_makes_every_difference_a_choice(make_therapy, editor_web, second_web):
    therapy = draft(make_therapy, summary="Old summary.", frequency="Once a week")
    ednas, eddies = open_form(editor_web, therapy), open_form(second_web, therapy)
    assert save(editor_web, therapy, ednas, summary="Edna's summary.", _save="Save").status_code == 302
    eddies["base_snapshot"] = eddies["base_snapshot"][:-3] + "abc"
    response = save(second_web, therapy, eddies, frequency="Every day", _save="Save")
    conflict = response.context["adminform"].form.conflict
    assert not conflict.base_known
    assert {row.name for row in conflict.conflicting_rows} == {"summary", "frequency"}
    # Merged with the defaults, nothing of theirs is dropped.
    assert save(second_web, therapy, form_data(response), **MERGE).status_code == 302
    assert (working(therapy)["summary"], working(therapy)["frequency"]) == ("Edna's summary.", "Once a week")


def test_an_untouched_save_changes_nothing(make_therapy, editor_web):
    therapy = make_therapy()
    version = Therapy.objects.get(pk=therapy.pk).edit_version
    assert save(editor_web, therapy, open_form(editor_web, therapy), _save="Save").status_code == 302
    assert Therapy.objects.get(pk=therapy.pk).edit_version == version
    assert not Revision.objects.open().for_object(therapy).exists()
