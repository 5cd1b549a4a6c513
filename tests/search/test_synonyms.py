"""Found by the words readers use (issue 18, point 4): every name of a
medicine leads to it, a fact-sheet block is found by its subject, and the
editors' synonyms let everyday words ("pregnant", "cheapest", "tired") find
the pages that answer them. Run on SQLite and on PostgreSQL alike."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from core.demo import Loader
from search import demo as search_demo
from search import index
from search.models import SearchSynonym
from tests.admin_roles import admin_url
from tests.page_helpers import page
from tests.search.test_search import old_terms_already_forgotten_today  # noqa: F401 (an autouse fixture)
from tests.search.test_search import result_titles, result_urls, search

SEARCH = "/search/"


def synonym(term, means):
    value = SearchSynonym(term=term, means=means)
    value.full_clean()
    value.save()
    return value


@pytest.fixture
def pages(make_category, make_therapy, make_article):
    """A medicine with a full fact sheet, an article about costs, one about
    symptoms, and one about neither, in the words such pages use."""
    group = make_category(name="Oral DMTs", slug="oral-dmts", summary="Tablets and capsules.")
    fingolimod = make_therapy(
        generic_name="fingolimod", slug="fingolimod", brand_names="Gilenya", category=group,
        summary="A daily capsule.", body="Taken once a day.",
        # Says "trying for a baby", never "pregnancy": the block's heading does.
        pregnancy="Stop it two months before trying for a baby.", pregnancy_washout="2 months",
        common_side_effects="Headache\nTiredness",
    )
    costs = make_article(title="What treatment costs", standfirst="List prices and help with paying.",
                         body="The cost of a year of treatment, and who pays it.")
    symptoms = make_article(title="Treating symptoms", standfirst="Beyond DMTs.",
                            body="Fatigue is common: exercise and pacing help.")
    make_article(title="Travel", standfirst="Going abroad.", body="Take a letter from your doctor.")
    return SimpleNamespace(fingolimod=fingolimod, costs=costs, symptoms=symptoms)


# --- Every name leads to the medicine -------------------------------------------------------


@pytest.mark.parametrize(
    "generic, brands, typed",
    [
        ("ofatumumab", "Kesimpta", "Kesimpta"),
        ("ublituximab", "Briumvi", "briumvi"),
        ("cladribine", "Mavenclad", "MAVENCLAD"),
        ("teriflunomide", "Aubagio", "Aubagio"),
        ("mitoxantrone", "Novantrone", "Novantrone"),
        ("glatiramer acetate", "Copaxone, Glatopa", "Glatopa"),
    ],
)
def test_a_brand_name_goes_to_its_medicine_and_finds_it_among_other_words(client, make_therapy, generic, brands, typed):
    therapy = make_therapy(generic_name=generic, slug=generic.replace(" ", "-"), brand_names=brands)

    response = client.get(SEARCH, {"q": typed})
    assert response.status_code == 302 and response["Location"] == therapy.get_absolute_url()
    assert result_urls(search(client, f"{typed} cost")) == [therapy.get_absolute_url()]


def test_the_brand_names_of_a_medicines_forms_are_its_names(make_therapy):
    """A form or version of a medicine (its injection, its biosimilar) has
    brand names of its own: they are the medicine's names too, each once; a
    form's own name is text on its page, not a name."""
    therapy = make_therapy(generic_name="natalizumab", brand_names="Tysabri")
    forms = [
        SimpleNamespace(name="Infusion into a vein", brand_names="Tysabri"),
        SimpleNamespace(name="Biosimilar", brand_names="Tyruko, "),
    ]

    assert index.therapy_names(therapy, forms) == ["natalizumab", "Tysabri", "Tyruko"]


@pytest.mark.skipif(index.forms_relation() is None, reason="the catalogue has no forms of a medicine yet")
def test_a_forms_brand_name_leads_to_its_medicine_and_a_change_to_the_form_reaches_the_index(client, make_therapy):
    ocrelizumab = make_therapy(generic_name="ocrelizumab", slug="ocrelizumab", brand_names="Ocrevus")
    form = ocrelizumab.forms.create(
        name="Injection under the skin",
        brand_names="Ocrevus Zunovo",
        kind="new_form",
        route="injection",
        schedule="Every 6 months",
        taken_where="clinic",
        how_given="Injected under the skin of the belly by a health professional.",
    )

    assert result_urls(search(client, "zunovo")) == ["/therapies/ocrelizumab/"]
    assert client.get(SEARCH, {"q": "Ocrevus Zunovo"})["Location"] == "/therapies/ocrelizumab/"
    assert "/therapies/ocrelizumab/" in result_urls(search(client, "injection under the skin"))

    form.delete()
    assert "No pages found for “zunovo”" in page(search(client, "zunovo")).text


# --- A fact-sheet block is found by its subject ----------------------------------------------


def test_pregnancy_finds_every_pregnancy_section_whatever_words_it_is_written_in(client, pages):
    response = search(client, "pregnancy")

    assert result_urls(response) == ["/therapies/fingolimod/"]
    snippet = str(response.context["outcome"].page.object_list[0].snippet)
    assert "<mark>Pregnancy</mark> and breastfeeding" in snippet
    assert "trying for a baby" in snippet
    assert result_urls(search(client, "breastfeeding")) == ["/therapies/fingolimod/"]
    assert result_urls(search(client, "side effects")) == ["/therapies/fingolimod/"]


# --- Everyday words, through the editors' synonyms ------------------------------------------


def test_without_a_synonym_pregnant_and_tired_find_nothing(client, pages):
    """Why the list exists: the stemmer reads "pregnant" and "pregnancy",
    "tired" and "tiredness" as different words."""
    assert "No pages found for “pregnant”" in page(search(client, "pregnant")).text
    assert "No pages found for “tired”" in page(search(client, "tired")).text


@pytest.mark.parametrize(
    "typed, found",
    [
        ("pregnant", {"fingolimod"}),
        ("Pregnant", {"fingolimod"}),
        ("pregnancy", {"fingolimod"}),
        ("cheapest", {"What treatment costs", "fingolimod"}),
        ("cost", {"What treatment costs", "fingolimod"}),
        ("tired", {"Treating symptoms", "fingolimod"}),
        ("tiring", {"Treating symptoms", "fingolimod"}),  # the same stem as the term
        ("breast feeding", {"fingolimod"}),
    ],
)
def test_the_demo_synonyms_let_everyday_words_find_the_pages_that_answer_them(client, pages, typed, found):
    search_demo.load(Loader(StringIO(), SimpleNamespace(SUCCESS=str)))

    response = search(client, typed)

    assert set(result_titles(response)) == found
    assert "Did you mean" not in page(response).text
    if "What treatment costs" in found:
        assert result_titles(response)[0] == "What treatment costs"


def test_the_page_says_what_else_it_searched_for_and_marks_it(client, pages):
    synonym("tired", "fatigue, tiredness")

    response = search(client, "tired")

    assert "Also searched for: fatigue, tiredness." in page(response).text
    snippets = " ".join(str(hit.snippet) for hit in response.context["outcome"].page.object_list)
    assert "<mark>Fatigue</mark>" in snippets and "<mark>Tiredness</mark>" in snippets


def test_a_synonym_widens_one_word_and_the_others_still_count(client, pages, make_article):
    synonym("tired", "fatigue")
    make_article(title="Heat", standfirst="Summer.", body="Fatigue gets worse in the heat.")

    assert result_titles(search(client, "tired heat")) == ["Heat"]
    # One way only: a page that says "tired" is not found by "fatigue" unless a second synonym says so.
    make_article(title="Tired legs", standfirst="Walking.", body="Legs feel tired.")
    assert "Tired legs" not in result_titles(search(client, "fatigue"))


def test_a_phrase_as_term_and_as_meaning(client, pages, make_article):
    make_article(title="Nursing a baby", standfirst="Feeding.", body="Breast milk and medicines.")
    synonym("breast feeding", "breastfeeding, breast milk")

    assert set(result_titles(search(client, "breast feeding"))) == {"fingolimod", "Nursing a baby"}
    # A meaning of several words needs them all: "milk" alone is not "breast milk".
    make_article(title="Diet", standfirst="Food.", body="Milk and cheese.")
    assert "Diet" not in result_titles(search(client, "breast feeding"))


# --- The list in the admin ------------------------------------------------------------------


def test_an_editor_adds_a_synonym_in_the_admin_and_the_next_search_finds_more(client, pages, editor_web):
    assert "No pages found for “exhausted”" in page(search(client, "exhausted")).text

    response = editor_web.post(admin_url(SearchSynonym, "add"), {"term": " Exhausted ", "means": "Fatigue, tiredness"})

    assert response.status_code == 302
    added = SearchSynonym.objects.get()
    assert (added.term, added.means) == ("exhausted", "fatigue, tiredness")
    assert set(result_titles(search(client, "exhausted"))) == {"Treating symptoms", "fingolimod"}

    listing = page(editor_web.get(admin_url(SearchSynonym, "changelist"), {"q": "fatigue"}))
    assert "exhausted" in listing.text
    history = editor_web.get(admin_url(added, "history"))
    assert history.status_code == 200 and "edna" in page(history).text.lower()

    editor_web.post(admin_url(added, "delete"), {"post": "yes"})
    assert "No pages found for “exhausted”" in page(search(client, "exhausted")).text


@pytest.mark.parametrize(
    "term, means, field, message",
    [
        ("", "fatigue", "term", "This field is required."),
        ("tired", "", "means", "This field is required."),
        ("the", "fatigue", "term", "no word to search for"),
        ("tired", "fatigue, the", "means", "“the” has no word to search for"),
        ("tired legs heavy arms morning", "fatigue", "term", "at most 4 words"),
        ("tired", "fatigue, tired", "means", "is the word itself"),
        ("tired", ", ".join(f"word{n}" for n in range(11)), "means", "At most 10 meanings"),
        ("x" * 61, "fatigue", "term", "at most 60 characters"),
        ("TIRED", "exhaustion", "term", "already in the list"),
        ("tiring", "exhaustion", "term", "already in the list"),  # the same stem
    ],
)
def test_the_admin_explains_what_it_refuses(editor_web, term, means, field, message):
    synonym("tired", "fatigue")

    response = editor_web.post(admin_url(SearchSynonym, "add"), {"term": term, "means": means})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    assert SearchSynonym.objects.count() == 1


def test_editors_keep_the_list_and_meanings_are_tidied(editor_user):
    assert all(editor_user.has_perm(f"search.{action}_searchsynonym") for action in ("add", "change", "delete", "view"))
    value = synonym("Cheapest", " cost,, Price , cost ")
    assert (value.term, value.means, value.stems) == ("cheapest", "cost, price", "cheapest")


def test_the_database_refuses_a_duplicate_or_empty_synonym_whatever_code_writes_it(db):
    SearchSynonym.objects.create(term="tired", means="fatigue")
    for fields in ({"term": "Tired", "means": "exhaustion"}, {"term": "the", "means": "fatigue"},
                   {"term": "weary", "means": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            SearchSynonym.objects.create(**fields)
    with pytest.raises(ValidationError):
        SearchSynonym(term="Tired", means="exhaustion").full_clean()


# --- On the demo content, from a fresh install -----------------------------------------------


def test_on_the_demo_content_everyday_words_find_their_pages(client, db):
    call_command("load_demo_content", stdout=StringIO())

    for typed in ("pregnant", "pregnancy"):
        hits = search(client, typed).context["outcome"].page.object_list
        assert hits and all("<mark>Pregnancy</mark>" in str(hit.snippet) for hit in hits), typed
    for typed in ("cheapest", "cost"):
        assert result_titles(search(client, typed))[0] == "MS treatment explained: the options and what they cost"
    assert "Treating symptoms" in result_titles(search(client, "tired"))
    # Every demo synonym leads somewhere: each of its meanings is on some page.
    for value in SearchSynonym.objects.all():
        for meaning in value.meanings:
            assert result_urls(search(client, meaning)), f"{value.term} → {meaning}"
