"""Prices moved from `therapies` to their own app, and site texts and
readers' problem reports from `articles` to `pages`. A database from before
those moves upgrades with every row intact: estimates (one corrected, one
withdrawn), the price import that wrote one, an NDC mapping, a site text
with its history and a pending revision, a problem report; and the staff
groups keep what they may do, now under the new apps' names."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from editorial.models import ReviewDecision, Revision
from pages.models import Feedback, SitePage
from prices.models import CostEstimate, NdcMapping, PriceImport
from therapies.models import Therapy
from tests.old_databases import database_at, migrate_to_the_newest

BEFORE_THE_MOVES = [
    ("therapies", "0014_estimate_feed_indexes"),
    ("articles", "0011_trust_pages_and_reader_feedback"),
    ("search", "0002_editors_see_search_terms"),
    ("editorial", "0005_reference_supports"),
    ("prices", None),
    ("pages", None),
]
WHEN = datetime.datetime(2026, 1, 15, 9, tzinfo=datetime.UTC)


def _rows_as_they_were(old):
    """Today's schema's rows, written through the models as they were."""
    ContentTypeThen = old.get_model("contenttypes", "ContentType")
    User = old.get_model("auth", "User")
    editor = User.objects.create(username="pat", is_staff=True)
    live = {"status": "published", "published_at": WHEN}
    group = old.get_model("therapies", "Category").objects.create(
        kind="dmt", name="Oral DMTs", slug="oral-dmts", summary="Tablets.", **live
    )
    therapy = old.get_model("therapies", "Therapy").objects.create(
        generic_name="fingolimod", slug="fingolimod", category=group, route="oral", summary="A daily capsule.", **live
    )
    price_import = old.get_model("therapies", "PriceImport").objects.create(
        file_name="nadac-2026-11.csv", sha256="a" * 64, format="nadac", source_kind="command",
        rows_total=1, rows_new=1, rows_unchanged=0, created_by_label="by the command",
    )
    Estimate = old.get_model("therapies", "CostEstimate")
    imported = Estimate.objects.create(
        therapy=therapy, low=Decimal("7000"), high=Decimal("7000"), currency="USD", as_of=datetime.date(2026, 11, 1),
        product="generic fingolimod", source_name="NADAC", price_import=price_import,
    )
    wrong = Estimate.objects.create(
        therapy=therapy, low=Decimal("1050"), high=Decimal("1050"), currency="USD", as_of=datetime.date(2026, 6, 1),
        product="brand (Gilenya)", source_name="A typo", state="superseded", recorded_by=editor,
    )
    corrected = Estimate.objects.create(
        therapy=therapy, low=Decimal("105390"), high=Decimal("105390"), currency="USD", as_of=datetime.date(2026, 6, 1),
        product="brand (Gilenya)", source_name="A study", replaces=wrong, correction_reason="A digit was missing.",
        recorded_by=editor,
    )
    withdrawn = Estimate.objects.create(
        category=group, low=Decimal("1"), high=Decimal("2"), currency="USD", as_of=datetime.date(2026, 5, 1),
        source_name="Nonsense", state="withdrawn", withdrawn_at=WHEN, withdrawal_reason="Not a real price.",
    )
    estimate_type = ContentTypeThen.objects.get_or_create(app_label="therapies", model="costestimate")[0]
    old.get_model("editorial", "ReviewDecision").objects.create(
        content_type=estimate_type, object_id=withdrawn.pk, object_repr=str(withdrawn.pk), action="withdrew",
        actor_name="Pat", note="Not a real price.",
    )
    old.get_model("therapies", "NdcMapping").objects.create(
        therapy=therapy, ndc="00078060715", units_per_year=Decimal("365"), note="28 capsules a pack."
    )
    text = old.get_model("articles", "SitePage").objects.create(
        key="home", title="What is MS?", body="MS is an autoimmune disease.", **live
    )
    old.get_model("articles", "HistoricalSitePage").objects.create(
        id=text.pk, key="home", title="What is MS? (first wording)", body="MS.", status="published", updated_at=WHEN,
        history_date=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC), history_type="+",
    )
    text_type = ContentTypeThen.objects.get_or_create(app_label="articles", model="sitepage")[0]
    old.get_model("editorial", "Revision").objects.create(
        content_type=text_type, object_id=text.pk, data={"title": "What is MS, in short?"}, status="pending"
    )
    old.get_model("articles", "Feedback").objects.create(page="/therapies/fingolimod/", message="A typo in the dose.")
    return {"imported": imported.pk, "wrong": wrong.pk, "corrected": corrected.pk, "withdrawn": withdrawn.pk}


@pytest.mark.migration
@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_moves_upgrades_with_nothing_lost():
    ids = _rows_as_they_were(database_at(BEFORE_THE_MOVES))

    migrate_to_the_newest()

    therapy = Therapy.objects.get(slug="fingolimod")
    imported = CostEstimate.objects.get(pk=ids["imported"])
    assert (imported.therapy, imported.low, imported.product) == (therapy, Decimal("7000.00"), "generic fingolimod")
    assert imported.price_import == PriceImport.objects.get(file_name="nadac-2026-11.csv")
    corrected = CostEstimate.objects.get(pk=ids["corrected"])
    assert (corrected.replaces_id, corrected.correction_reason, corrected.state) == (
        ids["wrong"], "A digit was missing.", "active"
    )
    assert CostEstimate.objects.get(pk=ids["wrong"]).state == "superseded"
    withdrawn = CostEstimate.objects.get(pk=ids["withdrawn"])
    assert (withdrawn.state, withdrawn.withdrawal_reason) == ("withdrawn", "Not a real price.")
    assert ReviewDecision.objects.get(action="withdrew").content_object == withdrawn
    mapping = NdcMapping.objects.get()
    assert (mapping.therapy, mapping.ndc, mapping.units_per_year) == (therapy, "00078060715", Decimal("365.0000"))
    # A new estimate gets a new id: the id sequence came along with the table.
    new = CostEstimate.objects.create(
        therapy=therapy, low=1, high=1, currency="USD", as_of=datetime.date(2026, 12, 1), source_name="New"
    )
    assert new.pk > max(ids.values())

    text = SitePage.objects.get(key="home")
    assert [h.title for h in text.history.order_by("history_date")] == ["What is MS? (first wording)"]
    revision = Revision.objects.get()
    assert (revision.content_object, revision.status) == (text, "pending")
    assert Feedback.objects.get().message == "A typo in the dose."

    # One content type per moved model, under its new app; none left behind.
    for model in (CostEstimate, PriceImport, NdcMapping, SitePage, Feedback):
        assert ContentType.objects.get_for_model(model).app_label == model._meta.app_label
    assert not ContentType.objects.filter(app_label="therapies", model__in=["costestimate", "priceimport", "ndcmapping"])
    assert not ContentType.objects.filter(app_label="articles", model__in=["sitepage", "feedback"])
    # The groups may do what they could, under the new names.
    granted = {
        name: set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))
        for name in ("Editors", "Medical reviewers", "Price editors")
    }
    assert {("prices", "add_costestimate"), ("prices", "add_priceimport"), ("prices", "change_ndcmapping")} <= granted[
        "Price editors"
    ]
    assert {("prices", "correct_costestimate"), ("pages", "publish_sitepage")} <= granted["Medical reviewers"]
    assert {("pages", "change_sitepage"), ("pages", "view_feedback")} <= granted["Editors"]
