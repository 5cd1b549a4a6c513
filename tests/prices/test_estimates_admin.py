"""The editors' admin: every page loads, prices are recorded as new estimates
(never edited or deleted), bad prices come back as form errors, and the
changelists run a fixed number of queries."""

import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import COST_TABLE_MARKER, Article
from editorial import workflow
from editorial.models import Revision
from therapies.models import Category, Therapy
from prices.models import CostEstimate

pytestmark = pytest.mark.django_db

MODELS = ["therapies_category", "therapies_therapy", "prices_costestimate", "articles_article"]


# --- helpers ------------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """What a browser would submit from the page's main form: inputs, checked
    boxes, selected options, textareas. Skips the inline's empty template form."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
                return
            self.data[name] = [attrs.get("value", "")]
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None


def form_data(response):
    parser = _FormFields()
    parser.feed(response.content.decode())
    return {name: values if len(values) != 1 else values[0] for name, values in parser.data.items() if values}


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def blank_prefix(data, prefix="cost_estimates"):
    """The name prefix of the inline's blank row: the one form past the saved ones."""
    return f"{prefix}-{int(data[f'{prefix}-INITIAL_FORMS'])}-"


def estimate_values(prefix, **overrides):
    values = {
        "low": "81500",
        "high": "97250",
        "currency": "USD",
        "as_of": (timezone.localdate() - datetime.timedelta(days=14)).isoformat(),
        "source_name": "Admin test price survey",
        "source_url": "https://example.org/survey",
        "note": "List prices.",
    }
    values.update(overrides)
    return {f"{prefix}{name}": value for name, value in values.items()}


def snapshot():
    return list(CostEstimate.objects.order_by("id").values())


@pytest.fixture
def oral(make_category, make_estimate):
    category = make_category(name="Oral DMTs", slug="oral-dmts")
    make_estimate(category, low=Decimal("80000"), high=Decimal("100000"), as_of=timezone.localdate() - datetime.timedelta(days=400))
    return category


def post_new_category_estimate(editor_client, category, **overrides):
    url = change_url(category)
    data = form_data(editor_client.get(url))
    data.update(estimate_values(blank_prefix(data), **overrides))
    return editor_client.post(url, data)


# --- every page loads ---------------------------------------------------------------------


def test_anonymous_admin_redirects_to_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_index_lists_every_model(editor_client):
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    for name in (
        "Disease-modifying therapy groups", "Emerging therapy sections", "Supportive care sections",
        "Therapies", "Cost estimates", "Articles", "Site texts",
    ):
        assert name in response.content.decode()


@pytest.fixture
def one_of_each(make_category, make_therapy, make_estimate, make_article, editor):
    category = make_category()
    therapy = make_therapy(category=category)
    article = make_article()
    article.related_therapies.add(therapy)
    return {
        "therapies_category": category,
        "therapies_therapy": therapy,
        "prices_costestimate": make_estimate(therapy, recorded_by=editor),
        "articles_article": article,
    }


@pytest.mark.parametrize("model", MODELS)
def test_changelist_add_and_change_pages_load(editor_client, one_of_each, model):
    obj = one_of_each[model]
    assert editor_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert editor_client.get(reverse(f"admin:{model}_add")).status_code == 200
    assert editor_client.get(change_url(obj)).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_changelist_search_and_filters_load(editor_client, one_of_each, model):
    url = reverse(f"admin:{model}_changelist")
    assert editor_client.get(url, {"q": "a"}).status_code == 200
    response = editor_client.get(url)
    # Every filter link in the sidebar leads to a working page.
    for link in response.context["cl"].filter_specs:
        for choice in link.choices(response.context["cl"]):
            assert editor_client.get(url + choice["query_string"]).status_code == 200


def test_changelists_show_the_current_price_and_its_date(editor_client, oral, make_therapy, make_estimate):
    newest_as_of = timezone.localdate() - datetime.timedelta(days=10)
    make_estimate(oral, low=Decimal("81000"), high=Decimal("99000"), as_of=newest_as_of)
    therapy = make_therapy(generic_name="fingolimod", slug="fingolimod", category=oral)
    make_estimate(therapy, low=Decimal("70000"), high=Decimal("75000"), currency="GBP", as_of=newest_as_of)

    categories = editor_client.get(reverse("admin:therapies_category_changelist")).content.decode()
    assert "USD 81,000–99,000" in categories
    assert "80,000–100,000" not in categories  # the older estimate is history
    assert f"{newest_as_of:%d %b %Y}" in categories

    therapies = editor_client.get(reverse("admin:therapies_therapy_changelist")).content.decode()
    assert "GBP 70,000–75,000" in therapies


def test_an_old_price_is_flagged_in_the_changelist(editor_client, oral):
    page = editor_client.get(reverse("admin:therapies_category_changelist")).content.decode()
    assert "out of date?" in page


def test_article_form_documents_the_cost_table_marker(editor_client):
    page = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert COST_TABLE_MARKER in page
    for legend in ("Content", "People", "Publishing", "Relations"):
        assert legend in page


def test_article_changelist_columns(editor_client, make_article):
    make_article(title="Live article")
    make_article(title="Draft article", status=Article.Status.DRAFT, published_at=None)
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    page = response.content.decode()
    assert "Live article" in page and "Draft article" in page
    assert "live?" in page.lower()
    drafts = editor_client.get(reverse("admin:articles_article_changelist"), {"status__exact": "draft"})
    assert list(drafts.context["cl"].result_list.values_list("title", flat=True)) == ["Draft article"]


def _post_display_order(editor_client, category, value):
    url = reverse("admin:therapies_category_changelist")
    data = form_data(editor_client.get(url))
    key = next(name for name, v in data.items() if name.endswith("-id") and v == str(category.pk))
    data[key.replace("-id", "-display_order")] = value
    data["_save"] = "Save"
    return editor_client.post(url, data)


def test_category_display_order_is_editable_in_the_list(editor_client, make_category):
    first = make_category(display_order=1, is_published=False)
    assert _post_display_order(editor_client, first, "7").status_code == 302
    first.refresh_from_db()
    assert first.display_order == 7


def test_display_order_of_a_published_category_waits_for_review(editor_client, make_category):
    # The order changes the live page, so it is a pending revision like any edit,
    # merged with the changes already waiting.
    live = make_category(display_order=1, summary="Live summary.")
    live.summary = "Pending summary."
    workflow.save_edit(live, None)
    assert _post_display_order(editor_client, live, "7").status_code == 302
    live.refresh_from_db()
    assert (live.display_order, live.summary) == (1, "Live summary.")
    revision = Revision.objects.open().for_object(live).get()
    assert (revision.data["display_order"], revision.data["summary"]) == (7, "Pending summary.")


def test_editors_add_a_therapy_with_a_generated_slug_field(editor_client, make_category):
    category = make_category()
    url = reverse("admin:therapies_therapy_add")
    data = form_data(editor_client.get(url))  # includes the reference inline's management form
    response = editor_client.post(
        url,
        data
        | {
            "generic_name": "cladribine",
            "brand_names": "Mavenclad",
            "slug": "cladribine",
            "category": category.pk,
            "route": Therapy.Route.ORAL,
            "frequency": "Two short courses a year apart",
            "summary": "A tablet.",
            "development_stage": Therapy.Stage.APPROVED,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Therapy.objects.filter(slug="cladribine", category=category).exists()


def test_emerging_agent_without_stage_is_a_form_error(editor_client, make_category):
    emerging = make_category(kind=Category.Kind.EMERGING)
    response = editor_client.post(
        reverse("admin:therapies_therapy_add"),
        {"generic_name": "newbrutinib", "slug": "newbrutinib", "category": emerging.pk, "route": "oral", "summary": "x"},
    )
    assert response.status_code == 200
    assert "need a development stage" in response.content.decode()
    assert not Therapy.objects.filter(slug="newbrutinib").exists()


# --- recording a new price through the inline ---------------------------------------------


def test_recording_a_new_estimate_through_the_category_inline(editor_client, editor, oral):
    old = oral.cost_estimates.get()
    before = snapshot()

    response = post_new_category_estimate(editor_client, oral, currency="usd")

    assert response.status_code == 302
    new = oral.cost_estimates.exclude(pk=old.pk).get()
    assert (new.low, new.high, new.currency, new.therapy) == (Decimal("81500"), Decimal("97250"), "USD", None)
    assert new.recorded_by == editor
    assert new.recorded_at is not None
    assert [row for row in snapshot() if row["id"] == old.pk] == [before[0]]  # the old one is untouched


def test_recording_a_new_estimate_through_the_therapy_inline(editor_client, editor, make_therapy):
    therapy = make_therapy()
    url = change_url(therapy)
    data = form_data(editor_client.get(url))
    data.update(estimate_values(blank_prefix(data)))
    response = editor_client.post(url, data)
    assert response.status_code == 302
    estimate = therapy.cost_estimates.get()
    assert (estimate.category, estimate.recorded_by) == (None, editor)


def test_saved_estimates_are_read_only_in_the_inline(editor_client, oral):
    old = oral.cost_estimates.get()
    url = change_url(oral)
    response = editor_client.get(url)
    data = form_data(response)
    # The saved row has no inputs and no delete box; only the blank row has inputs.
    assert "cost_estimates-0-low" not in data
    assert "cost_estimates-0-DELETE" not in response.content.decode()
    assert "cost_estimates-1-low" in data

    # Whatever is posted for the saved row is ignored.
    before = snapshot()
    data.update(estimate_values("cost_estimates-0-", low="1", high="2", currency="GBP"))
    data["cost_estimates-0-DELETE"] = "on"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert snapshot() == before
    assert CostEstimate.objects.filter(pk=old.pk).exists()


def test_no_estimate_inline_on_the_add_page(editor_client):
    # An estimate needs a saved subject: categories and therapies get their
    # first price on the change page, after the first save.
    page = editor_client.get(reverse("admin:therapies_category_add")).content.decode()
    assert "cost_estimates-TOTAL_FORMS" not in page


def test_posting_a_therapy_in_the_category_inline_is_ignored(editor_client, oral, make_therapy):
    therapy = make_therapy()
    url = change_url(oral)
    data = form_data(editor_client.get(url))
    prefix = blank_prefix(data)
    data.update(estimate_values(prefix))
    data[f"{prefix}therapy"] = str(therapy.pk)
    assert editor_client.post(url, data).status_code == 302
    assert not therapy.cost_estimates.exists()
    assert oral.cost_estimates.count() == 2


BAD_ESTIMATES = [
    pytest.param({"low": "90000", "high": "80000"}, "cannot be below the lowest cost", id="low-above-high"),
    pytest.param({"low": "-5"}, "greater than or equal to 0", id="negative-low"),
    pytest.param({"currency": "usd1"}, "at most 3 characters", id="currency-too-long"),
    pytest.param({"currency": "XYZ"}, "is not an ISO 4217 currency code", id="unknown-currency"),
    pytest.param({"currency": "U5D"}, "is not an ISO 4217 currency code", id="digit-currency"),
    pytest.param(
        {"as_of": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
        "cannot be in the future",
        id="future-date",
    ),
    pytest.param({"source_name": ""}, "This field is required", id="no-source"),
]


@pytest.mark.parametrize("overrides, message", BAD_ESTIMATES)
def test_a_bad_estimate_in_the_inline_is_a_form_error(editor_client, oral, overrides, message):
    before = snapshot()
    response = post_new_category_estimate(editor_client, oral, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_duplicate_estimate_in_the_inline_is_a_form_error(editor_client, oral):
    old = oral.cost_estimates.get()
    before = snapshot()
    response = post_new_category_estimate(
        editor_client, oral, currency="usd", as_of=old.as_of.isoformat(), low="1", high="2"
    )
    assert response.status_code == 200
    assert "This group already has an estimate of this kind for this product and date." in response.content.decode()
    assert snapshot() == before


def test_the_same_date_in_another_currency_is_fine(editor_client, oral):
    old = oral.cost_estimates.get()
    response = post_new_category_estimate(editor_client, oral, currency="GBP", as_of=old.as_of.isoformat())
    assert response.status_code == 302
    assert oral.cost_estimates.filter(currency="GBP", as_of=old.as_of).exists()


def test_a_duplicate_estimate_in_the_therapy_inline_is_a_form_error(editor_client, make_therapy, make_estimate):
    therapy = make_therapy()
    old = make_estimate(therapy)
    url = change_url(therapy)
    data = form_data(editor_client.get(url))
    data.update(estimate_values(blank_prefix(data), as_of=old.as_of.isoformat()))
    before = snapshot()
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "This medicine already has an estimate of this kind for this product and date." in response.content.decode()
    assert snapshot() == before


def test_two_identical_new_rows_in_one_post_are_a_form_error(editor_client, oral):
    url = change_url(oral)
    data = form_data(editor_client.get(url))
    first = int(data["cost_estimates-INITIAL_FORMS"])
    data.update(estimate_values(f"cost_estimates-{first}-"))
    data.update(estimate_values(f"cost_estimates-{first + 1}-"))
    data["cost_estimates-TOTAL_FORMS"] = str(first + 2)
    before = snapshot()
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Two new estimates have the same currency and as-of date" in response.content.decode()
    assert snapshot() == before


# --- the cost estimates page --------------------------------------------------------------


def add_estimate_data(**fields):
    data = {"category": "", "therapy": "", **estimate_values("")}
    data.update(fields)
    return data


def test_adding_an_estimate_on_its_own_page_records_the_editor(editor_client, editor, oral):
    response = editor_client.post(
        reverse("admin:prices_costestimate_add"), add_estimate_data(category=oral.pk, currency=" gbp ")
    )
    assert response.status_code == 302
    estimate = oral.cost_estimates.get(currency="GBP")
    assert estimate.recorded_by == editor


@pytest.mark.parametrize(
    "subject, message",
    [
        pytest.param("none", "An estimate belongs to exactly one category or one therapy.", id="no-subject"),
        pytest.param("both", "An estimate belongs to exactly one category or one therapy.", id="both-subjects"),
        pytest.param("duplicate-category", "This group already has an estimate of this kind", id="duplicate-category"),
        pytest.param("duplicate-therapy", "This medicine already has an estimate of this kind", id="duplicate-therapy"),
    ],
)
def test_a_bad_estimate_on_its_own_page_is_a_form_error(editor_client, make_therapy, make_estimate, oral, subject, message):
    therapy = make_therapy(category=oral)
    old = make_estimate(therapy)
    fields = {
        "none": {},
        "both": {"category": oral.pk, "therapy": therapy.pk},
        "duplicate-category": {"category": oral.pk, "as_of": oral.cost_estimates.get().as_of.isoformat()},
        "duplicate-therapy": {"therapy": therapy.pk, "as_of": old.as_of.isoformat(), "currency": "usd"},
    }[subject]
    before = snapshot()
    response = editor_client.post(reverse("admin:prices_costestimate_add"), add_estimate_data(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("overrides, message", BAD_ESTIMATES)
def test_bad_figures_on_the_estimate_page_are_form_errors(editor_client, oral, overrides, message):
    before = snapshot()
    response = editor_client.post(
        reverse("admin:prices_costestimate_add"), add_estimate_data(category=oral.pk, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_an_existing_estimate_cannot_be_changed(editor_client, oral):
    estimate = oral.cost_estimates.get()
    url = change_url(estimate)
    page = editor_client.get(url)
    assert page.status_code == 200
    assert 'name="low"' not in page.content.decode()  # shown, not editable
    assert 'name="_save"' not in page.content.decode()
    before = snapshot()
    response = editor_client.post(url, add_estimate_data(category=oral.pk, low="1", high="2"))
    assert response.status_code == 403
    assert snapshot() == before


def test_estimates_cannot_be_deleted(editor_client, oral):
    estimate = oral.cost_estimates.get()
    delete_url = reverse("admin:prices_costestimate_delete", args=[estimate.pk])
    assert editor_client.get(delete_url).status_code == 403
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:prices_costestimate_changelist")
    response = editor_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [estimate.pk], "post": "yes"}
    )
    assert response.status_code in {200, 302}
    assert CostEstimate.objects.filter(pk=estimate.pk).exists()
    assert "delete_selected" not in editor_client.get(changelist).content.decode()


def test_a_category_with_prices_cannot_be_deleted(editor_client, make_category, make_estimate):
    # The estimates protect their subject: the admin explains instead of failing.
    draft = make_category(is_published=False)
    make_estimate(draft)
    response = editor_client.post(reverse("admin:therapies_category_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert Category.objects.filter(pk=draft.pk).exists()


def test_a_published_category_cannot_be_deleted_at_all(editor_client, oral):
    # Published content is unpublished, never deleted (even by a superuser).
    response = editor_client.post(reverse("admin:therapies_category_delete", args=[oral.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Category.objects.filter(pk=oral.pk).exists()


# --- a fixed number of queries, however many rows -----------------------------------------


def _populate(make_category, make_therapy, make_estimate, make_article, count):
    for _ in range(count):
        category = make_category()
        therapy = make_therapy(category=category)
        make_estimate(category)
        make_estimate(category, as_of=timezone.localdate() - datetime.timedelta(days=3))
        make_estimate(therapy)
        article = make_article()
        article.related_therapies.add(therapy)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_query_count_does_not_grow_with_rows(
    editor_client, django_assert_num_queries, make_category, make_therapy, make_estimate, make_article, model
):
    url = reverse(f"admin:{model}_changelist")
    _populate(make_category, make_therapy, make_estimate, make_article, 2)
    editor_client.get(url)  # warm up per-process caches
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(url).status_code == 200

    _populate(make_category, make_therapy, make_estimate, make_article, 15)
    with django_assert_num_queries(len(few)):
        response = editor_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 17


def test_publish_and_review_actions(editor_client, make_category, make_therapy):
    # The bulk actions go through the review workflow: approving records who signed off.
    category = make_category(is_published=False, last_reviewed=None)
    therapy = make_therapy(category=category, is_published=False, last_reviewed=None)
    editor_client.post(
        reverse("admin:therapies_category_changelist"),
        {"action": "approve_selected", "_selected_action": [category.pk]},
    )
    editor_client.post(
        reverse("admin:therapies_therapy_changelist"),
        {"action": "mark_reviewed_today", "_selected_action": [therapy.pk]},
    )
    category.refresh_from_db()
    therapy.refresh_from_db()
    assert category.is_live
    assert category.approved_by.username == "editor"
    assert category.last_reviewed == timezone.localdate()
    assert therapy.last_reviewed == timezone.localdate()
    assert therapy.status == "draft" and not therapy.is_live
