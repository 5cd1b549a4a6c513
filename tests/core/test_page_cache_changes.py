"""Every change readers should see reaches them on their next request, even
though the page they asked for a moment ago is in the page cache: prices
imported, uploaded, withdrawn and corrected; publishing, unpublishing, a
scheduled go-live and an expiry; a renamed page's redirect; the reviewer's
name under "Reviewed by".

Each test first shows that the page really was served from the cache, then
makes the change the way the site makes it, then asks again."""

import datetime
import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from editorial import workflow
from core.cache import STATUS_HEADER
from editorial.models import Reference, SlugRedirect, StaffProfile
from tests.conftest import a_quiet_moment, clock_at
from tests.page_helpers import page
from therapies.models import Therapy
from prices.models import PriceImport
from prices.pricing import corrections

OLD_PRICE = "US$60,000 to US$80,000 a year"
NEW_PRICE = "US$61,000 to US$71,000 a year"


@pytest.fixture(autouse=True)
def staff_sign_in_with_a_password_only(settings, tmp_path):
    """Two-factor sign-in has its own tests (test_accounts_*); here the
    reviewers' admin clients only need to reach the admin."""
    settings.MSINFO_TWO_FACTOR_REQUIRED_FOR = []
    settings.PRICE_IMPORT_STAGING_DIR = tmp_path / "staging"


def served_from_cache(client, url):
    """The page's text, having made sure it is in the cache."""
    client.get(url)
    response = client.get(url)
    assert response[STATUS_HEADER] == "hit", url
    return page(response).text if response.status_code == 200 else response.status_code


def next_request(client, url):
    response = client.get(url)
    assert response[STATUS_HEADER] == "miss", f"{url} was served from the cache after a change"
    return response


@pytest.fixture
def priced(make_therapy, make_estimate):
    therapy = make_therapy(generic_name="pricemab", slug="pricemab")
    estimate = make_estimate(therapy, as_of=timezone.localdate() - datetime.timedelta(days=200))
    return therapy, estimate


def price_file(tmp_path, therapy):
    as_of = timezone.localdate() - datetime.timedelta(days=10)
    path = tmp_path / "prices.csv"
    path.write_text(
        "kind,slug,low,high,currency,as_of,source,source_url,note\n"
        f"therapy,{therapy.slug},61000,71000,USD,{as_of:%Y-%m-%d},New survey,,\n"
    )
    return path


# --- Prices ----------------------------------------------------------------------------------


def test_a_price_imported_with_the_command_shows_on_the_next_request(client, priced, tmp_path):
    therapy, _ = priced
    assert OLD_PRICE in served_from_cache(client, "/therapies/pricemab/")
    assert OLD_PRICE in served_from_cache(client, "/therapies/")

    call_command("import_prices", str(price_file(tmp_path, therapy)), stdout=StringIO(), stderr=StringIO())

    # The therapy page keeps the old figure in its price history; the list shows the current one only.
    assert NEW_PRICE in page(next_request(client, "/therapies/pricemab/")).text
    listed = page(next_request(client, "/therapies/")).text
    assert NEW_PRICE in listed and OLD_PRICE not in listed


def test_a_price_file_applied_in_the_admin_shows_on_the_next_request(client, price_web, priced, tmp_path):
    therapy, _ = priced
    assert OLD_PRICE in served_from_cache(client, "/therapies/pricemab/")
    content = price_file(tmp_path, therapy).read_bytes()
    upload_url = "/admin/prices/priceimport/upload/"
    price_web.post(upload_url, {"file": SimpleUploadedFile("prices.csv", content), "format": "", "preview": "Check"})

    price_web.post(upload_url, {"sha256": hashlib.sha256(content).hexdigest(), "apply": "1"})

    assert PriceImport.objects.count() == 1
    assert NEW_PRICE in page(next_request(client, "/therapies/pricemab/")).text


def test_a_withdrawn_price_leaves_the_page_on_the_next_request(client, priced, price_editor):
    _, estimate = priced
    assert OLD_PRICE in served_from_cache(client, "/therapies/pricemab/")

    corrections.withdraw(estimate, price_editor, "The survey was misread.")

    assert OLD_PRICE not in page(next_request(client, "/therapies/pricemab/")).text


def test_a_corrected_price_shows_on_the_next_request(client, priced, price_editor):
    _, estimate = priced
    assert OLD_PRICE in served_from_cache(client, "/therapies/pricemab/")

    corrections.correct(
        estimate, price_editor, "A typing error.", low=Decimal("61000"), high=Decimal("71000"), source_name="Survey"
    )

    text = page(next_request(client, "/therapies/pricemab/")).text
    assert NEW_PRICE in text and OLD_PRICE not in text


def test_a_withdrawn_import_leaves_the_page_on_the_next_request(client, priced, price_editor, tmp_path):
    """Withdrawing an import is one UPDATE, which sends no signal."""
    therapy, _ = priced
    call_command("import_prices", str(price_file(tmp_path, therapy)), stdout=StringIO(), stderr=StringIO())
    assert NEW_PRICE in served_from_cache(client, "/therapies/pricemab/")

    corrections.withdraw_import(PriceImport.objects.get(), price_editor, "The wrong file.")

    text = page(next_request(client, "/therapies/pricemab/")).text
    assert OLD_PRICE in text and NEW_PRICE not in text


def test_a_price_recorded_in_the_admin_shows_on_the_next_request(client, priced, make_estimate):
    therapy, _ = priced
    assert OLD_PRICE in served_from_cache(client, "/therapies/pricemab/")

    make_estimate(therapy, low=Decimal("61000"), high=Decimal("71000"))

    assert NEW_PRICE in page(next_request(client, "/therapies/pricemab/")).text


# --- Publishing ------------------------------------------------------------------------------


def test_publishing_shows_the_page_and_lists_it_on_the_next_request(client, make_therapy, reviewer):
    draft = make_therapy(generic_name="draftimab", slug="draftimab", is_published=False, status="in_review")
    assert served_from_cache(client, "/therapies/draftimab/") == 404
    assert "draftimab" not in served_from_cache(client, "/therapies/")

    workflow.approve(draft, reviewer)

    assert next_request(client, "/therapies/draftimab/").status_code == 200
    assert "draftimab" in page(next_request(client, "/therapies/")).text


def test_an_approved_edit_shows_on_the_next_request(client, make_therapy, editor_user, reviewer):
    therapy = make_therapy(generic_name="editimab", slug="editimab", summary="The approved summary.")
    assert "The approved summary." in served_from_cache(client, "/therapies/editimab/")

    therapy.summary = "The edited summary."
    workflow.save_edit(therapy, editor_user)
    # Waiting for review: readers still see the approved text.
    assert "The approved summary." in page(client.get("/therapies/editimab/")).text

    workflow.approve(Therapy.objects.get(pk=therapy.pk), reviewer)

    assert "The edited summary." in page(next_request(client, "/therapies/editimab/")).text


def test_unpublishing_in_the_admin_takes_the_page_away_on_the_next_request(client, make_therapy, reviewer_web):
    therapy = make_therapy(generic_name="goneimab", slug="goneimab")
    assert "goneimab" in served_from_cache(client, "/therapies/goneimab/")
    assert "goneimab" in served_from_cache(client, "/therapies/")

    response = reviewer_web.post(
        "/admin/therapies/therapy/",
        {"action": "unpublish_selected", "_selected_action": [therapy.pk], "apply": "1", "reason": "Withdrawn."},
    )

    assert response.status_code == 302
    assert Therapy.objects.get(pk=therapy.pk).status == "unpublished"
    assert next_request(client, "/therapies/goneimab/").status_code == 404
    assert "goneimab" not in page(next_request(client, "/therapies/")).text


# --- Time: scheduled go-live and expiry (the page must not outlast them) -----------------------

SOON = datetime.timedelta(minutes=5)  # well inside the page cache's 10 minutes


def test_a_scheduled_change_shows_on_the_first_request_after_its_go_live_time(
    client, make_therapy, editor_user, reviewer
):
    therapy = make_therapy(generic_name="soonimab", slug="soonimab", summary="Today's summary.")
    start = a_quiet_moment()
    with clock_at(start):
        therapy.summary = "Tomorrow's summary."
        workflow.save_edit(therapy, editor_user)
        # Waiting for review, with nothing scheduled yet: cached for the usual time.
        assert "Today's summary." in served_from_cache(client, "/therapies/soonimab/")
        workflow.approve(Therapy.objects.get(pk=therapy.pk), reviewer, go_live_at=start + SOON)
        # Approved for later: readers keep today's text, from the cache again.
        assert "Today's summary." in served_from_cache(client, "/therapies/soonimab/")

    with clock_at(start + SOON - datetime.timedelta(seconds=2)):
        before = client.get("/therapies/soonimab/")
    with clock_at(start + SOON + datetime.timedelta(seconds=1)):
        after = client.get("/therapies/soonimab/")

    assert before[STATUS_HEADER] == "hit" and "Today's summary." in page(before).text
    assert after[STATUS_HEADER] == "miss"
    assert "Tomorrow's summary." in page(after).text and "Today's summary." not in page(after).text


def test_content_approved_to_go_live_later_appears_at_its_time(client, make_category, reviewer):
    category = make_category(name="Later group", slug="later", is_published=False, status="in_review")
    start = a_quiet_moment()
    with clock_at(start):
        workflow.approve(category, reviewer, go_live_at=start + SOON)
        assert served_from_cache(client, "/categories/later/") == 404

    with clock_at(start + SOON + datetime.timedelta(seconds=1)):
        assert next_request(client, "/categories/later/").status_code == 200


def test_content_leaves_at_its_expiry_though_its_page_was_cached(client, make_therapy):
    start = a_quiet_moment()
    make_therapy(generic_name="briefimab", slug="briefimab", expires_at=start + SOON)
    with clock_at(start):
        assert "briefimab" in served_from_cache(client, "/therapies/briefimab/")
        assert "briefimab" in served_from_cache(client, "/therapies/")

    with clock_at(start + SOON + datetime.timedelta(seconds=1)):
        assert next_request(client, "/therapies/briefimab/").status_code == 404
        assert "briefimab" not in page(next_request(client, "/therapies/")).text


# --- Addresses -------------------------------------------------------------------------------


def test_a_renamed_page_redirects_from_its_old_address_on_the_next_request(client, make_therapy):
    therapy = make_therapy(generic_name="renamimab", slug="old-name")
    assert "renamimab" in served_from_cache(client, "/therapies/old-name/")
    assert served_from_cache(client, "/therapies/new-name/") == 404

    therapy.slug = "new-name"
    therapy.save()

    redirect = next_request(client, "/therapies/old-name/")
    assert redirect.status_code == 301 and redirect["Location"] == "/therapies/new-name/"
    assert next_request(client, "/therapies/new-name/").status_code == 200


def test_a_redirect_added_on_its_own_shows_on_the_next_request(client, make_therapy):
    therapy = make_therapy(generic_name="movedimab", slug="movedimab")
    assert served_from_cache(client, "/therapies/an-old-link/") == 404

    SlugRedirect.objects.create(
        content_type=ContentType.objects.get_for_model(Therapy), object_id=therapy.pk, old_slug="an-old-link"
    )

    assert next_request(client, "/therapies/an-old-link/").status_code == 301


# --- What else a page shows ------------------------------------------------------------------


@pytest.fixture
def reviewed(make_therapy, reviewer):
    return make_therapy(generic_name="creditimab", slug="creditimab", approved_by=reviewer, approved_at=timezone.now())


def test_a_reviewers_new_display_name_shows_under_reviewed_by(client, reviewed, reviewer):
    StaffProfile.objects.create(user=reviewer, display_name="Dr R. Reviewer", credentials="neurologist")
    assert "Reviewed by Dr R. Reviewer, neurologist" in served_from_cache(client, "/therapies/creditimab/")

    profile = StaffProfile.objects.get(user=reviewer)
    profile.display_name = "Prof. Rita Reviewer"
    profile.save()

    assert "Reviewed by Prof. Rita Reviewer, neurologist" in page(next_request(client, "/therapies/creditimab/")).text


def test_a_reviewers_account_name_shows_under_reviewed_by_when_they_have_no_profile(client, reviewed, reviewer):
    assert "Reviewed by Rita Reviewer" in served_from_cache(client, "/therapies/creditimab/")

    reviewer.last_name = "Smith"
    reviewer.save()

    assert "Reviewed by Rita Smith" in page(next_request(client, "/therapies/creditimab/")).text


def test_a_new_reference_shows_on_the_next_request(client, make_therapy):
    therapy = make_therapy(generic_name="citimab", slug="citimab")
    served_from_cache(client, "/therapies/citimab/")

    Reference.objects.create(cited_by=therapy, position=1, title="The trial report", url="https://example.org/trial")

    assert "The trial report" in page(next_request(client, "/therapies/citimab/")).text


def test_a_therapy_linked_to_an_article_shows_on_the_next_request(client, make_article, make_therapy):
    article = make_article(slug="linked")
    therapy = make_therapy(generic_name="linkimab")
    assert "linkimab" not in served_from_cache(client, "/articles/linked/")

    article.related_therapies.add(therapy)

    assert "linkimab" in page(next_request(client, "/articles/linked/")).text


def test_an_edited_site_text_shows_on_the_home_page(client, make_site_page):
    text = make_site_page(body="MS affects **myelin**.")
    assert "MS affects myelin." in served_from_cache(client, "/")

    text.body = "MS affects the **nerves**."
    text.save()

    assert "MS affects the nerves." in page(next_request(client, "/")).text


# --- A change empties the pages that show it, and only those -------------------------------------


def still_stored(client, url):
    response = client.get(url)
    assert response[STATUS_HEADER] == "hit", f"{url} was emptied by a change it does not show"
    return response


@pytest.fixture
def two_groups(make_category, make_therapy, make_article, make_estimate):
    """Two groups of priced medicines, an article that mentions one medicine
    of the first and one that mentions a medicine of the second."""
    first, second = make_category(name="First group", slug="first-group"), make_category(name="Other group", slug="other-group")
    approved = make_therapy(generic_name="approvimab", slug="approvimab", category=first, summary="The approved summary.")
    neighbour = make_therapy(generic_name="neighbourmab", slug="neighbourmab", category=first)
    unrelated = make_therapy(generic_name="elsewhereimab", slug="elsewhereimab", category=second)
    for therapy in (approved, neighbour, unrelated):
        make_estimate(therapy)
    mentioning = make_article(slug="mentions-approvimab", body="About one medicine.")
    mentioning.related_therapies.add(approved)
    unrelated_article = make_article(slug="mentions-elsewhereimab", body="About another medicine.")
    unrelated_article.related_therapies.add(unrelated)
    return approved, neighbour, unrelated


SHOWS_APPROVIMAB = [
    "/therapies/approvimab/",
    "/therapies/neighbourmab/",  # its group's range is made from approvimab's figures too
    "/categories/first-group/",
    "/articles/mentions-approvimab/",
    "/therapies/",
    "/",
]
DOES_NOT_SHOW_APPROVIMAB = ["/therapies/elsewhereimab/", "/articles/mentions-elsewhereimab/"]


def test_approving_one_therapy_empties_the_pages_that_show_it_and_leaves_an_unrelated_article_stored(
    client, two_groups, editor_user, reviewer
):
    approved, *_ = two_groups
    for url in SHOWS_APPROVIMAB + DOES_NOT_SHOW_APPROVIMAB:
        served_from_cache(client, url)

    approved.generic_name = "approvimab renamed"
    workflow.save_edit(approved, editor_user)
    workflow.approve(Therapy.objects.get(pk=approved.pk), reviewer)

    for url in SHOWS_APPROVIMAB:
        response = next_request(client, url)
        if url in ("/therapies/approvimab/", "/articles/mentions-approvimab/", "/therapies/"):
            assert "approvimab renamed" in page(response).text.lower(), url
    for url in DOES_NOT_SHOW_APPROVIMAB:
        still_stored(client, url)


def test_a_new_price_empties_the_pages_of_its_group_and_not_the_others(client, two_groups, make_estimate):
    approved, *_ = two_groups
    for url in SHOWS_APPROVIMAB + DOES_NOT_SHOW_APPROVIMAB:
        served_from_cache(client, url)

    make_estimate(approved, low=Decimal("91000"), high=Decimal("95000"), as_of=timezone.localdate())

    assert "US$91,000 to US$95,000 a year" in page(next_request(client, "/therapies/approvimab/")).text
    # The neighbour's page shows the group's range, which now reaches up to approvimab's new figure.
    assert "US$95,000" in page(next_request(client, "/therapies/neighbourmab/")).text
    for url in DOES_NOT_SHOW_APPROVIMAB:
        still_stored(client, url)


def test_a_therapy_moving_group_empties_the_pages_of_both_groups(client, two_groups, make_estimate):
    approved, neighbour, unrelated = two_groups
    for url in ["/therapies/neighbourmab/", "/therapies/elsewhereimab/"]:
        served_from_cache(client, url)

    approved.category = unrelated.category
    approved.save()

    # Both groups' ranges changed: the one it left and the one it joined.
    next_request(client, "/therapies/neighbourmab/")
    next_request(client, "/therapies/elsewhereimab/")


def test_a_therapy_leaving_the_site_leaves_the_articles_that_mention_it(client, two_groups, reviewer):
    approved, *_ = two_groups
    assert "approvimab" in served_from_cache(client, "/articles/mentions-approvimab/")
    served_from_cache(client, "/articles/mentions-elsewhereimab/")

    workflow.unpublish(approved, reviewer, "Withdrawn from the market.")

    assert "approvimab" not in page(next_request(client, "/articles/mentions-approvimab/")).text
    still_stored(client, "/articles/mentions-elsewhereimab/")


def test_an_article_showing_the_cost_table_is_emptied_by_any_price(client, two_groups, make_article, make_estimate):
    _, _, unrelated = two_groups
    make_article(slug="with-costs", body="Every group's prices:\n\n[[cost-table]]\n")
    served_from_cache(client, "/articles/with-costs/")

    make_estimate(unrelated, low=Decimal("10000"), high=Decimal("20000"), as_of=timezone.localdate())

    next_request(client, "/articles/with-costs/")


def test_an_article_newly_mentioning_a_therapy_shows_on_the_therapys_page(client, two_groups):
    _, neighbour, _ = two_groups
    from articles.models import Article

    assert "mentions-approvimab" not in served_from_cache(client, "/therapies/neighbourmab/")
    served_from_cache(client, "/therapies/elsewhereimab/")

    Article.objects.get(slug="mentions-approvimab").related_therapies.add(neighbour)

    assert "/articles/mentions-approvimab/" in next_request(client, "/therapies/neighbourmab/").content.decode()
    still_stored(client, "/therapies/elsewhereimab/")


def test_a_reviewers_name_is_on_every_page_so_a_change_to_it_empties_the_narrowed_ones_too(
    client, two_groups, reviewer
):
    for url in DOES_NOT_SHOW_APPROVIMAB:
        served_from_cache(client, url)

    StaffProfile.objects.update_or_create(user=reviewer, defaults={"display_name": "Dr New Name"})

    for url in DOES_NOT_SHOW_APPROVIMAB:
        next_request(client, url)


def test_a_change_committed_while_a_narrowed_page_is_made_is_not_stored_in_it(client, two_groups, monkeypatch):
    """The page was read before the change and finished after it: it must
    not be kept, or readers would see the old text until the next change."""
    from articles import views
    from articles.models import Article

    real_context = views.article_context

    def changed_meanwhile(article, query=None):
        context = real_context(article, query)
        Article.objects.filter(pk=article.pk).update(standfirst="The new standfirst.")
        Article.objects.get(pk=article.pk).save()  # committed (and bumped) while the old page is still being made
        return context

    monkeypatch.setattr(views, "article_context", changed_meanwhile)
    first = client.get("/articles/mentions-elsewhereimab/")
    monkeypatch.setattr(views, "article_context", real_context)
    assert first[STATUS_HEADER] == "miss" and "The new standfirst." not in page(first).text

    assert "The new standfirst." in page(next_request(client, "/articles/mentions-elsewhereimab/")).text
