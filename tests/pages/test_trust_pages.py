"""Issue 10, section 4: the pages a trustworthy health site has (about us,
editorial policy, accessibility statement, contact us), edited and reviewed in
the admin like every page and linked from every page's footer; and the crisis
lines and MS helplines shown with mental health support."""

from io import StringIO

import pytest
from django.core.management import call_command

from pages.demo import BEFORE_LAUNCH
from pages.models import SitePage
from pages.templatetags.crisis_support import MENTAL_HEALTH_SECTION_SLUG
from editorial import workflow
from editorial.preview import preview_url
from therapies.models import Category
from tests.admin_roles import admin_url
from tests.page_helpers import MEDICAL_DISCLAIMER, assert_site_layout, page
from tests.editorial.test_reviewer_credit_and_admin_names import post_form
from tests.editorial.test_review_admin import approve_data

pytestmark = pytest.mark.django_db

OWN_PAGES = [
    (SitePage.Key.ABOUT, "/about/", "About us"),
    (SitePage.Key.EDITORIAL_POLICY, "/editorial-policy/", "Editorial policy"),
    (SitePage.Key.ACCESSIBILITY, "/accessibility/", "Accessibility"),
    (SitePage.Key.CONTACT, "/contact/", "Contact us"),
]


def load_demo():
    call_command("load_demo_content", stdout=StringIO())


@pytest.mark.parametrize("key, url, link_text", OWN_PAGES)
def test_each_page_is_live_at_its_address_and_linked_from_the_footer(client, make_site_page, key, url, link_text):
    make_site_page(key=key, title=f"Our {link_text.lower()} page", body="Plain **words** about us.")

    response = client.get(url)

    assert response.status_code == 200
    assert_site_layout(response)
    shown = page(response)
    assert f"Our {link_text.lower()} page" in shown.text and "Plain words about us." in shown.text
    assert "Page last reviewed" in shown.text
    home = page(client.get("/"))
    footer = home.section_text(MEDICAL_DISCLAIMER, None)
    assert link_text in footer and url in home.links()


def test_without_a_live_text_the_page_says_so_and_shows_nothing_unreviewed(client, make_site_page):
    make_site_page(key=SitePage.Key.ABOUT, title="About the draft", body="Draft words.", is_published=False)

    response = client.get("/about/")

    assert response.status_code == 200
    text = page(response).text
    assert "About us" in text and "not published this page yet" in text
    assert "Draft words." not in text and "About the draft" not in text


def test_an_edit_waits_for_review_and_then_goes_live(editor_web, reviewer_web, client, make_site_page, reviewer):
    text = make_site_page(key=SitePage.Key.EDITORIAL_POLICY, title="Editorial policy", body="Old policy words.")

    response = post_form(editor_web, admin_url(text, "change"), body="New policy words.", _save="Save")
    assert response.status_code == 302
    public = page(client.get("/editorial-policy/")).text
    assert "Old policy words." in public and "New policy words." not in public

    preview = editor_web.get(preview_url(text))
    assert preview.status_code == 200 and "New policy words." in preview.content.decode()

    response = reviewer_web.post(admin_url(text, "review"), approve_data(text, reviewer_web))
    assert response.status_code == 302
    public = page(client.get("/editorial-policy/")).text
    assert "New policy words." in public and "Old policy words." not in public
    assert SitePage.objects.get(pk=text.pk).approved_by == reviewer


def test_the_contact_page_leads_to_the_report_form(client, make_site_page):
    make_site_page(key=SitePage.Key.CONTACT, title="Contact us", body="Write to us.")

    assert "/feedback/" in page(client.get("/contact/")).links()


def test_an_unknown_place_for_a_site_text_is_refused_by_the_database(make_site_page):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_site_page(key="privacy")


# --- Demo content --------------------------------------------------------------------------


def test_the_demo_pages_cover_what_the_issue_asks_and_invent_nothing_about_the_organisation(client, demo_content):
    pages = {key: page(client.get(url)).text for key, url, _ in OWN_PAGES}

    policy = pages[SitePage.Key.EDITORIAL_POLICY]
    for heading in ("How pages are written", "How pages are checked", "How pages are dated", "Where prices come from",
                    "Funding and conflicts of interest"):
        assert heading in policy
    assert "US list prices" in policy and "national health service" in policy and "estimates, not quotes" in policy
    # What only the organisation can say is marked, in plain words, as still to do.
    marker = "Demo text: the editors must complete this before the site launches."
    for key in (SitePage.Key.ABOUT, SitePage.Key.EDITORIAL_POLICY, SitePage.Key.ACCESSIBILITY, SitePage.Key.CONTACT):
        assert marker in pages[key], key
    assert policy.index("Funding and conflicts of interest") < policy.rindex(marker)
    assert "0808 800 8000" in pages[SitePage.Key.CONTACT] and "1-800-344-4867" in pages[SitePage.Key.CONTACT]
    assert BEFORE_LAUNCH.strip("*") == marker


def test_running_the_loader_again_leaves_an_edited_page_alone(client):
    load_demo()
    about = SitePage.objects.get(key=SitePage.Key.ABOUT)
    SitePage.objects.filter(pk=about.pk).update(body="Our own words.")

    load_demo()

    assert SitePage.objects.get(key=SitePage.Key.ABOUT).body == "Our own words."
    assert SitePage.objects.filter(key=SitePage.Key.ABOUT).count() == 1


# --- Crisis support with mental health ------------------------------------------------------

CRISIS_FACTS = ("988", "Suicide & Crisis Lifeline", "Samaritans", "116 123", "1-800-344-4867", "0808 800 8000")


def test_the_mental_health_pages_show_the_crisis_lines_and_helplines(client, demo_content):
    section = Category.objects.get(slug=MENTAL_HEALTH_SECTION_SLUG)
    assert section.kind == Category.Kind.SUPPORTIVE and "Mental health" in section.name

    # A section with nothing of its own to add may lead to its place on the supportive care page.
    for url in (section.get_absolute_url(), "/care/"):
        shown = page(client.get(url, follow=True))
        for fact in CRISIS_FACTS:
            assert fact in shown.text, (url, fact)
        assert "https://988lifeline.org/" in shown.links() and "https://www.samaritans.org/" in shown.links()
        assert len(shown.find_all("aside", **{"class": "crisis-support"})) == 1, url

    care = page(client.get("/care/")).text
    # On the supportive care page, within the mental health section.
    assert care.index(section.name) < care.index("116 123") < care.index("Complementary approaches")
    other = Category.objects.get(slug="rehabilitation")
    assert "116 123" not in page(client.get(other.get_absolute_url(), follow=True)).section_text(other.name, "Treating symptoms")


def test_the_crisis_text_goes_through_review_too(client, make_category, make_site_page, editor_user):
    section = make_category(kind=Category.Kind.SUPPORTIVE, name="Mental health support", slug=MENTAL_HEALTH_SECTION_SLUG)
    crisis = make_site_page(key=SitePage.Key.CRISIS_SUPPORT, title="Need help now?", body="Call the Samaritans on 116 123.")
    crisis.body = "A pending change."
    workflow.save_edit(crisis, editor_user)

    text = page(client.get(section.get_absolute_url(), follow=True)).text

    assert "Need help now?" in text and "116 123" in text and "A pending change." not in text


def test_an_editor_previews_a_crisis_text_change_on_the_supportive_care_page(
    editor_web, client, make_category, make_site_page
):
    make_category(kind=Category.Kind.SUPPORTIVE, name="Mental health support", slug=MENTAL_HEALTH_SECTION_SLUG)
    crisis = make_site_page(key=SitePage.Key.CRISIS_SUPPORT, title="Need help now?", body="Samaritans: 116 123.")
    post_form(editor_web, admin_url(crisis, "change"), body="Samaritans: 116 123, free.", _save="Save")

    preview = page(editor_web.get(preview_url(crisis)))

    assert "Mental health support" in preview.text and "116 123, free." in preview.text
    assert "116 123, free." not in page(client.get("/care/")).text
