"""Renaming a record's address keeps old links working: the old address sends
readers (301) to the new one, as long as readers may see the record."""

import pytest

from editorial.models import SlugRedirect


def rename(obj, new_slug):
    obj.slug = new_slug
    obj.save()
    return obj


@pytest.fixture(params=["therapy", "category", "article"])
def record(request, make_therapy, make_category, make_article):
    return {"therapy": make_therapy, "category": make_category, "article": make_article}[request.param](slug="old-address")


def test_an_old_address_redirects_permanently_to_the_new_one(client, record):
    rename(record, "new-address")

    response = client.get(record.get_absolute_url().replace("new-address", "old-address"))

    assert response.status_code == 301
    assert response["Location"] == record.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_every_earlier_address_leads_to_the_current_one(client, record):
    rename(record, "middle-address")
    rename(record, "new-address")

    for old in ("old-address", "middle-address"):
        response = client.get(record.get_absolute_url().replace("new-address", old))
        assert (response.status_code, response["Location"]) == (301, record.get_absolute_url())


@pytest.mark.parametrize("hide", ["draft", "unpublished", "expired"])
def test_an_old_address_of_a_record_readers_may_not_see_is_404(client, record, hide):
    from django.utils import timezone

    rename(record, "new-address")
    type(record).objects.filter(pk=record.pk).update(
        **({"expires_at": timezone.now()} if hide == "expired" else {"status": hide})
    )

    assert client.get(record.get_absolute_url().replace("new-address", "old-address")).status_code == 404
    assert client.get(record.get_absolute_url()).status_code == 404


def test_an_old_address_of_a_therapy_in_a_hidden_group_is_404(client, make_therapy, make_category):
    group = make_category(is_published=False)
    therapy = rename(make_therapy(slug="old-address", category=group), "new-address")

    assert client.get("/therapies/old-address/").status_code == 404
    assert SlugRedirect.target_for(type(therapy), "old-address") == therapy


def test_an_address_taken_by_another_live_record_shows_that_record(client, make_therapy):
    rename(make_therapy(slug="shared", generic_name="first"), "first-new")
    make_therapy(slug="shared", generic_name="second")

    response = client.get("/therapies/shared/")

    assert response.status_code == 200 and "second" in response.content.decode()


def test_an_unknown_address_is_still_404(client, db):
    for url in ("/therapies/never-was/", "/categories/never-was/", "/articles/never-was/"):
        assert client.get(url).status_code == 404


def test_a_found_page_pays_nothing_for_redirects(client, make_therapy, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    never_renamed = make_therapy(slug="never-renamed")
    with CaptureQueriesContext(connection) as plain:
        assert client.get(never_renamed.get_absolute_url()).status_code == 200
    rename(make_therapy(slug="old-address", category=never_renamed.category), "therapy-0-0")

    with django_assert_max_num_queries(len(plain.captured_queries)):
        assert client.get("/therapies/therapy-0-0/").status_code == 200
