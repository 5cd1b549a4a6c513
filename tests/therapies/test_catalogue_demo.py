"""Issue 18, point 1, in the demo content: every approved DMT in the content
brief has its page, in the group that describes how it is given, with its
maker and first approval; ocrelizumab shows both its forms, natalizumab its
biosimilar, and the medicines with generics say so. The groups' descriptions
name every member and stay true of all of them.

The medicines added in December 2026 come from therapies/demo/*_2026_12.json
and forms.json (the data engineer's files)."""

import pytest

from tests.page_helpers import Page
from therapies.models import Category, Therapy
from therapies.queries import published_therapies

pytestmark = pytest.mark.django_db

ADDED = {
    "ofatumumab": "injectable-dmts",
    "ublituximab": "infusion-therapies",
    "cladribine": "oral-dmts",
    "siponimod": "oral-dmts",
    "ponesimod": "oral-dmts",
    "teriflunomide": "oral-dmts",
    "diroximel-fumarate": "oral-dmts",
    "monomethyl-fumarate": "oral-dmts",
    "mitoxantrone": "infusion-therapies",
}
WITH_GENERICS = ["fingolimod", "dimethyl-fumarate", "teriflunomide", "glatiramer-acetate"]
GROUPS = ["injectable-dmts", "oral-dmts", "infusion-therapies"]


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response).text


def test_every_added_medicine_has_its_page_in_its_group(demo_content, client):
    live = {therapy.slug: therapy for therapy in published_therapies().select_related("category")}
    missing = sorted(set(ADDED) - set(live))
    assert missing == []
    for slug, group in ADDED.items():
        therapy = live[slug]
        assert therapy.category.slug == group, slug
        assert therapy.development_stage == Therapy.Stage.APPROVED, slug
        assert therapy.first_approved, slug
        assert "First approved" in text(client, therapy.get_absolute_url()), slug


def test_ocrelizumab_shows_both_forms_with_how_and_where_each_is_given(demo_content, client):
    forms = list(Therapy.objects.get(slug="ocrelizumab").forms.all())
    assert len(forms) >= 2
    assert any("Zunovo" in form.brand_names for form in forms)
    page = text(client, "/therapies/ocrelizumab/").split("Forms and versions", 1)[1]
    for form in forms:
        assert form.name in page and form.how_given.strip()[:40] in page, form.name
        assert form.get_taken_where_display() in page


def test_natalizumab_names_its_biosimilar_and_generics_are_said(demo_content, client):
    assert "Tyruko" in text(client, "/therapies/natalizumab/")
    for slug in WITH_GENERICS:
        therapy = Therapy.objects.get(slug=slug)
        assert therapy.generics, slug
        assert f"Generic versions {therapy.generics}" in text(client, therapy.get_absolute_url()), slug


def test_each_group_names_every_member_and_claims_no_ranking(demo_content, client):
    for slug in GROUPS:
        group = Category.objects.get(slug=slug)
        members = published_therapies().filter(category=group)
        for therapy in members:
            assert therapy.generic_name.split(" (")[0].lower() in group.body.lower(), f"{slug}: {therapy.slug}"
        page = text(client, group.get_absolute_url())
        assert "strongest" not in page.lower() and "most potent" not in page.lower(), slug
    assert "strongest group" not in text(client, "/").lower()
    assert "strongest group" not in text(client, "/therapies/").lower()
