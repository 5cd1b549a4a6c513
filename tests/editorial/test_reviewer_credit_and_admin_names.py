"""Issue 7, sections 6 and 7: credit that names the reviewer account that
approved a page, the admin naming things as the site's menu does, and the
admin defects found while trying it (slug help, links that led to a refusal,
the status line, redirects, the article list, images, and the site texts that
used to be written into templates)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from pages.models import SitePage
from editorial import workflow
from editorial.models import ReviewDecision, Revision, StaffProfile
from editorial.preview import preview_url
from core.markup import IMAGES_ONLY_FROM_LIBRARY, reject_images
from therapies.models import Category, EmergingSection, SupportiveSection, Therapy
from prices.models import CostEstimate
from tests.old_databases import database_at, migrate_to_the_newest
from tests.admin_roles import admin_url, draft
from tests.page_helpers import page
from tests.prices.test_estimates_admin import form_data
from tests.editorial.test_review_admin import approve_data

pytestmark = pytest.mark.django_db

USER_ADMIN = "/admin/auth/user/"


def post_form(client, url, **changes):
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


# --- 6.1 "Reviewed by" names the approving reviewer account ----------------------------------


def test_reviewed_by_shows_the_approvers_display_name_and_credentials(client, make_article, reviewer):
    StaffProfile.objects.create(user=reviewer, display_name="Dr A. Example", credentials="consultant neurologist")
    article = make_article(approved_by=reviewer, approved_at=timezone.now())

    text = page(client.get(article.get_absolute_url())).text

    assert "Reviewed by Dr A. Example, consultant neurologist" in text
    assert "Rita Reviewer" not in text


def test_without_a_profile_the_credit_is_the_accounts_full_name(client, make_therapy, reviewer):
    therapy = make_therapy(approved_by=reviewer, approved_at=timezone.now())

    assert "Reviewed by Rita Reviewer" in page(client.get(therapy.get_absolute_url())).text


def test_an_article_form_has_no_typed_in_reviewer(editor_web, make_article):
    fields = form_data(editor_web.get(admin_url(make_article(), "change")))

    assert "byline" in fields and "medical_reviewer" not in fields


LAST_WITH_THE_FIELD = [("articles", "0006_full_change_reasons")]


@pytest.mark.migration
@pytest.mark.django_db(transaction=True)
def test_the_typed_in_reviewer_names_are_kept_in_the_approval_note():
    old = database_at(LAST_WITH_THE_FIELD)
    OldArticle = old.get_model("articles", "Article")
    live = {"status": "published", "published_at": datetime.datetime(2026, 1, 15, 9, tzinfo=datetime.UTC)}
    named = OldArticle.objects.create(
        title="Named", slug="named", standfirst="S.", body="B.", byline="Ed", medical_reviewer="Dr B. Checked",
        approval_note="Checked the doses.", **live,
    )
    unnamed = OldArticle.objects.create(title="Unnamed", slug="unnamed", standfirst="S.", body="B.", byline="Ed", **live)
    old.get_model("articles", "HistoricalArticle").objects.create(
        id=named.pk, title="Named", slug="named", standfirst="S.", body="B.", byline="Ed",
        medical_reviewer="Dr B. Earlier", status="draft", edit_version=0, updated_at=live["published_at"],
        history_date=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC), history_type="+",
    )

    migrate_to_the_newest()

    assert Article.objects.get(pk=named.pk).approval_note == (
        "Checked the doses.\n\nMedical reviewer named before reviewer accounts: Dr B. Checked"
    )
    assert Article.objects.get(pk=unnamed.pk).approval_note == ""
    assert [h.approval_note for h in Article.objects.get(pk=named.pk).history.all()] == [
        "Medical reviewer named before reviewer accounts: Dr B. Earlier"
    ]


# --- 6.3 The admin names things as the site's menu does ------------------------------------------


def test_the_admin_index_lists_each_kind_of_category_under_the_menus_name(editor_web):
    index = page(editor_web.get("/admin/"))

    for name in ("Disease-modifying therapy groups", "Emerging therapy sections", "Supportive care sections"):
        assert name in index.text
    assert "Categories" not in index.text


def test_each_kind_lists_only_its_own_categories(editor_web, make_category):
    dmt = make_category(name="Oral DMTs")
    emerging = make_category(kind=Category.Kind.EMERGING, name="BTK inhibitors")
    supportive = make_category(kind=Category.Kind.SUPPORTIVE, name="Mental health support")

    lists = {
        model: page(editor_web.get(reverse(f"admin:therapies_{model}_changelist"))).text
        for model in ("dmtgroup", "emergingsection", "supportivesection")
    }

    assert dmt.name in lists["dmtgroup"] and emerging.name not in lists["dmtgroup"]
    assert emerging.name in lists["emergingsection"] and supportive.name not in lists["emergingsection"]
    assert supportive.name in lists["supportivesection"] and dmt.name not in lists["supportivesection"]


def test_a_section_added_under_its_name_is_of_that_kind(editor_web, editor_user):
    url = reverse("admin:therapies_emergingsection_add")
    fields = form_data(editor_web.get(url))
    assert "kind" not in fields

    response = post_form(
        editor_web, url, name="Remyelination", slug="remyelination", display_order="5",
        summary="Repairing the nerves' coating.", body="Early research.", _save="Save",
    )

    assert response.status_code == 302
    section = Category.objects.get(slug="remyelination")
    assert (section.kind, section.status, section.last_edited_by) == ("emerging", "draft", editor_user)
    assert section.history.count() == 1, "a save through the section's admin is in the history"


def test_a_name_used_by_another_kind_is_a_form_error(editor_web, make_category):
    make_category(name="Exercise")
    response = post_form(
        editor_web, reverse("admin:therapies_supportivesection_add"), name="Exercise", slug="exercise-2",
        display_order="1", summary="Moving more.", _save="Save",
    )

    assert response.status_code == 200
    assert "Category with this Name already exists." in page(response).text


def test_a_section_is_reviewed_previewed_and_approved_under_its_name(
    editor_web, reviewer_web, editor_user, reviewer, make_category
):
    section = make_category(kind=Category.Kind.SUPPORTIVE, name="Exercise", slug="exercise", summary="Old summary.")
    change = reverse("admin:therapies_supportivesection_change", args=[section.pk])

    response = post_form(editor_web, change, summary="New summary.", _save="Save")
    assert response.status_code == 302
    revision = Revision.objects.open().get()
    assert revision.content_type == ContentType.objects.get_for_model(Category), "one history for the category"

    editor_page = editor_web.get(change)
    proxy = SupportiveSection.objects.get(pk=section.pk)
    assert preview_url(proxy) in editor_page.content.decode()
    preview = editor_web.get(preview_url(proxy))
    assert preview.status_code == 200 and "New summary." in preview.content.decode()
    assert editor_web.get(reverse("admin:therapies_supportivesection_history", args=[section.pk])).status_code == 200

    review = reverse("admin:therapies_supportivesection_review", args=[section.pk])
    assert reviewer_web.get(review).status_code == 200
    response = reviewer_web.post(review, approve_data(proxy, reviewer_web, note="Fine."))
    assert response.status_code == 302

    section.refresh_from_db()
    assert (section.summary, section.approved_by) == ("New summary.", reviewer)
    decision = ReviewDecision.objects.get(action=ReviewDecision.Action.APPROVED)
    assert decision.content_object == section
    assert section.history.first().history_change_reason.startswith("Written by Edna Editor")


def test_a_link_to_a_category_opens_it_under_its_kinds_name(editor_web, make_category):
    section = make_category(kind=Category.Kind.EMERGING, name="BTK inhibitors")

    # Recent actions, the panel and review decisions link to the category as such.
    response = editor_web.get(admin_url(section, "change"))

    assert response.status_code == 200
    assert "Change emerging therapy section" in page(response).text
    assert "kind" not in form_data(response)


def test_the_roles_may_edit_and_publish_each_kind():
    editors = Group.objects.get(name="Editors")
    reviewers = Group.objects.get(name="Medical reviewers")
    for model in ("dmtgroup", "emergingsection", "supportivesection", "sitepage"):
        editor_perms = set(editors.permissions.filter(content_type__model=model).values_list("codename", flat=True))
        reviewer_perms = set(reviewers.permissions.filter(content_type__model=model).values_list("codename", flat=True))
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= editor_perms
        assert f"publish_{model}" not in editor_perms
        assert f"publish_{model}" in reviewer_perms


# --- 7.1 Slug help texts show the address -------------------------------------------------------


@pytest.mark.parametrize(
    "url, example",
    [
        ("admin:therapies_therapy_add", "/therapies/ocrelizumab/"),
        ("admin:therapies_dmtgroup_add", "/categories/oral-dmts/"),
        ("admin:articles_article_add", "/articles/ms-treatment-explained/"),
    ],
)
def test_slug_help_shows_an_example_address(editor_web, url, example):
    help_text = page(editor_web.get(reverse(url))).text

    assert example in help_text
    assert "//." not in help_text


# --- 7.2 People are named, not linked; a refusal in the admin stays in the admin ----------------


def test_people_on_the_change_page_are_names_not_links_to_the_user_admin(
    editor_web, editor_user, reviewer, make_therapy, make_estimate
):
    therapy = make_therapy(approved_by=reviewer, approved_at=timezone.now(), last_edited_by=editor_user)
    make_estimate(therapy, recorded_by=editor_user)

    response = editor_web.get(admin_url(therapy, "change"))
    html = response.content.decode()

    assert USER_ADMIN not in html
    text = page(response).text
    assert "Rita Reviewer" in text and "Edna Editor" in text
    estimate = CostEstimate.objects.get()
    estimate_page = editor_web.get(admin_url(estimate, "change"))
    assert USER_ADMIN not in estimate_page.content.decode() and "Edna Editor" in page(estimate_page).text


def test_a_refusal_inside_the_admin_is_an_admin_page(editor_web):
    response = editor_web.get(USER_ADMIN)

    assert response.status_code == 403
    assert response.templates[0].name == "admin/403.html"
    text = page(response).text
    assert "MS treatment information: editors" in text  # the admin's header
    assert "Back to the admin home page" in text
    assert "Go to the home page" not in text  # not the public site's page


def test_a_refusal_says_why_when_the_admin_knows(editor_web, make_article):
    article = draft(make_article)
    response = editor_web.get(admin_url(article, "review"))

    assert response.status_code == 403
    assert "Only a medical reviewer can approve, publish or unpublish this." in page(response).text


def test_a_refusal_on_the_public_site_stays_the_public_page(client, price_editor, make_article):
    # A price editor may not preview articles: the preview is on the public side.
    client.force_login(price_editor)
    response = client.get(preview_url(make_article()))

    assert response.status_code == 403
    assert "Sorry, you can't see this page" in page(response).text


# --- 7.3 The status line ------------------------------------------------------------------------


def status_line(web, obj):
    html = web.get(admin_url(obj, "change")).content.decode()
    return " ".join(html.split('class="status-line">', 1)[1].split("</p>", 1)[0].split())


def test_the_status_line_says_live_since_for_a_page_already_live(editor_web, make_article):
    article = make_article(published_at=datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC))

    line = status_line(editor_web, article)

    assert "live since 10 Jan 2026" in line and "goes live" not in line


def test_the_status_line_says_goes_live_for_a_page_scheduled_later(editor_web, make_article):
    later = timezone.now() + datetime.timedelta(days=3)
    article = make_article(published_at=later)

    line = status_line(editor_web, article)

    assert f"goes live at {timezone.localtime(later):%-d %b %Y}" in line and "live since" not in line


# --- 7.5 Old addresses keep their query string --------------------------------------------------


def test_a_redirect_from_an_old_address_keeps_the_query_string(client, make_therapy):
    therapy = make_therapy(slug="old-name")
    therapy.slug = "new-name"
    therapy.save()

    response = client.get("/therapies/old-name/", {"utm_source": "leaflet", "ref": "a b"})

    assert response.status_code == 301
    assert response["Location"] == "/therapies/new-name/?utm_source=leaflet&ref=a+b"
    assert client.get("/therapies/old-name/")["Location"] == "/therapies/new-name/"


# --- 7.6 The article list -----------------------------------------------------------------------


def test_the_article_list_shows_and_filters_by_author_editor_and_status(
    editor_web, editor_user, second_editor, make_article
):
    mine = make_article(title="Fatigue", byline="Sam Writer", last_edited_by=editor_user)
    theirs = draft(make_article, title="Bladder problems", byline="Alex Author", last_edited_by=second_editor)
    url = admin_url(Article, "changelist")

    listing = page(editor_web.get(url))

    for column in ("Byline", "Last edited by", "Status"):
        assert column.upper() in listing.text.upper()
    assert "Sam Writer" in listing.text and "Eddie Second" in listing.text and "Draft" in listing.text
    assert USER_ADMIN not in listing.html
    filtered = editor_web.get(url, {"byline": "Alex Author"}).context["cl"].result_list
    assert list(filtered) == [theirs]
    filtered = editor_web.get(url, {"last_edited_by__id__exact": editor_user.pk}).context["cl"].result_list
    assert list(filtered) == [mine]
    filtered = editor_web.get(url, {"status__exact": "draft"}).context["cl"].result_list
    assert list(filtered) == [theirs]


def test_the_list_filters_name_people_as_they_go_by_not_by_user_name(editor_web, editor_user, second_editor, make_article):
    StaffProfile.objects.create(user=editor_user, display_name="Edna E. (editor)")
    make_article(title="Fatigue", last_edited_by=editor_user)
    draft(make_article, title="Bladder problems", last_edited_by=second_editor)

    changelist = editor_web.get(admin_url(Article, "changelist"))
    [filter_spec] = [spec for spec in changelist.context["cl"].filter_specs if spec.title == "last edited by"]
    assert [name for _, name in filter_spec.lookup_choices] == ["Eddie Second", "Edna E. (editor)"]
    sidebar = page(changelist).text
    assert "Edna E. (editor)" in sidebar and "edna" not in sidebar.split() and "ed2" not in sidebar.split()


# --- 7.7 Images from elsewhere than the media library are refused with a message, not dropped -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Look: ![a scan](https://example.org/mri.png)",
        "![scan][1]\n\n[1]: https://example.org/mri.png",
        'Raw <IMG SRC="https://example.org/mri.png">',
    ],
)
def test_an_image_in_markdown_is_refused(text):
    with pytest.raises(ValidationError) as error:
        reject_images(text)
    assert error.value.messages == [IMAGES_ONLY_FROM_LIBRARY]


def test_image_syntax_shown_as_code_and_plain_links_are_fine():
    reject_images("Write `![alt](address)` for an image elsewhere. [A link](https://example.org/mri.png).")


@pytest.mark.parametrize(
    "maker, url_name",
    [("make_article", "articles_article"), ("make_therapy", "therapies_therapy"), ("make_category", "therapies_dmtgroup")],
)
def test_the_form_says_images_must_come_from_the_library_and_saves_nothing(editor_web, request, maker, url_name):
    obj = draft(request.getfixturevalue(maker), body="Plain words.")
    url = reverse(f"admin:{url_name}_change", args=[obj.pk])

    response = post_form(editor_web, url, body="See ![the scan](https://example.org/scan.png).", _save="Save")

    assert response.status_code == 200
    assert IMAGES_ONLY_FROM_LIBRARY in page(response).text
    obj.refresh_from_db()
    assert obj.body == "Plain words."


# --- 7.8 Site texts go through review -----------------------------------------------------------


@pytest.mark.parametrize(
    "key, url, heading",
    [
        (SitePage.Key.HOME_INTRODUCTION, "/", "What is MS?"),
        (SitePage.Key.EMERGING_INTRODUCTION, "/emerging/", "Emerging therapies"),
        (SitePage.Key.CARE_INTRODUCTION, "/care/", "Supportive care"),
    ],
)
def test_a_page_shows_the_live_site_text_as_sanitised_markdown(client, make_site_page, key, url, heading):
    make_site_page(key=key, title=heading, body="Plain **words**.\n\n<script>alert(1)</script>")

    response = client.get(url)

    assert "Plain <strong>words</strong>." in response.content.decode()
    assert "<script>alert(1)" not in response.content.decode()
    assert heading in page(response).text


def test_without_a_live_text_a_page_shows_its_heading_and_nothing_unreviewed(client, make_site_page, editor_user):
    make_site_page(key=SitePage.Key.EMERGING_INTRODUCTION, body="Draft words.", is_published=False)
    live = make_site_page(key=SitePage.Key.CARE_INTRODUCTION, title="Supportive care", body="Approved words.")
    live.body = "Pending words."
    workflow.save_edit(live, editor_user)

    emerging = page(client.get("/emerging/"))
    care = page(client.get("/care/"))
    home = page(client.get("/"))

    assert "Emerging therapies" in emerging.text and "Draft words." not in emerging.text
    assert "Approved words." in care.text and "Pending words." not in care.text
    assert "What is MS?" not in home.text and "Multiple sclerosis treatment, explained" in home.text


def test_an_editor_changes_a_site_text_and_a_reviewer_approves_it(
    editor_web, reviewer_web, client, make_site_page, reviewer
):
    text = make_site_page(body="Old words about MS.")
    change = admin_url(text, "change")

    response = post_form(editor_web, change, body="New words about MS.", _save="Save")
    assert response.status_code == 302
    assert "Old words about MS." in client.get("/").content.decode()

    preview = editor_web.get(preview_url(text))
    assert preview.status_code == 200
    assert "New words about MS." in preview.content.decode() and "Preview" in preview.content.decode()

    response = reviewer_web.post(admin_url(text, "review"), approve_data(text, reviewer_web))
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "New words about MS." in home and "Old words about MS." not in home
    assert SitePage.objects.get().approved_by == reviewer


def test_each_place_has_one_site_text(editor_web, make_site_page):
    make_site_page(key=SitePage.Key.HOME_INTRODUCTION)

    response = post_form(
        editor_web, admin_url(SitePage, "add"), key="home", title="Again", body="Words.", _save="Save"
    )

    assert response.status_code == 200
    assert "There is already a text for this place: edit that one instead." in page(response).text
    assert SitePage.objects.count() == 1


def test_an_image_in_a_site_text_is_refused(make_site_page):
    text = make_site_page()
    text.body = "![MS](https://example.org/ms.png)"
    with pytest.raises(ValidationError):
        text.full_clean()


def test_emerging_sections_still_follow_the_introduction(client, make_site_page, make_category):
    make_site_page(key=SitePage.Key.EMERGING_INTRODUCTION, title="New treatments", body="Researchers test.")
    make_category(kind=Category.Kind.EMERGING, name="BTK inhibitors", slug="btk")

    text = page(client.get("/emerging/")).text

    assert text.index("New treatments") < text.index("Researchers test.") < text.index("BTK inhibitors")
    assert EmergingSection.objects.get().name == "BTK inhibitors"
    assert Therapy.objects.count() == 0
