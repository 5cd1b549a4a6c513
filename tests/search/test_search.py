"""Site search as readers use it: /search/?q=... finds published pages only,
ranks a name above a mention, forgives typos, shows escaped, highlighted
snippets, pages its results, survives any query, and sends an exact
medicine name straight to its page. The same tests run on SQLite (FTS5) and
PostgreSQL (full-text search and pg_trgm): the results must be the same."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from search import backends, log
from search.models import SearchDocument
from search.queries import PAGE_SIZE
from therapies.models import Category, Therapy
from tests.conftest import clock_at
from tests.page_helpers import assert_site_layout, page

SEARCH = "/search/"


@pytest.fixture(autouse=True)
def old_terms_already_forgotten_today():
    """The search log deletes old days at a process's first search of the day
    (search/log.py): done here, so query counts are the same whichever test runs first."""
    log._forgotten_on = timezone.localdate()


def search(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200, response.status_code
    return response


def result_urls(response):
    return [hit.url for hit in response.context["outcome"].page.object_list]


def result_titles(response):
    return [hit.title for hit in response.context["outcome"].page.object_list]


# --- The page ------------------------------------------------------------------------------


def test_the_results_page_is_a_site_page_that_search_engines_and_the_page_cache_leave_alone(client, make_article):
    article = make_article(title="Fatigue and MS", body="Tiredness is common.")
    response = search(client, "fatigue")

    p = assert_site_layout(response)
    assert p.find_all("meta", name="robots")[0]["content"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert search(client, "fatigue")["X-Page-Cache"] != "hit"  # never stored for the next reader
    assert "1 page found for “fatigue”" in p.text
    assert article.get_absolute_url() in p.links()
    assert "Article" in p.text  # the page type
    # The box in the header shows what was searched for.
    assert p.find_all("input", name="q")[0]["value"] == "fatigue"


def test_an_empty_query_gets_a_short_prompt_and_no_results(client, db):
    for query in ("", "   "):
        p = assert_site_layout(search(client, query))
        assert "Type a word or two in the search box" in p.text
        assert "found" not in p.text
    assert assert_site_layout(client.get(SEARCH))


# --- What is found --------------------------------------------------------------------------


def test_a_name_match_beats_a_body_mention_however_often_it_is_made(client, make_category, make_article):
    make_article(title="Living well", standfirst="Day to day.", body="Wobbliness. " * 20 + "More wobbliness.")
    group = make_category(name="Wobbliness clinics", summary="Where to go.", body="")
    make_article(title="Balance", standfirst="Steadiness.", body="Some wobbliness now and then.")

    titles = result_titles(search(client, "wobbliness"))

    assert titles[0] == group.name
    assert set(titles) == {"Wobbliness clinics", "Living well", "Balance"}


def test_a_title_match_ranks_first_among_articles_too(client, make_article):
    make_article(title="Many words", body="fatigue " * 30)
    make_article(title="Fatigue explained", body="What it is.")
    assert result_titles(search(client, "fatigue"))[0] == "Fatigue explained"


# The same words find the same pages on SQLite and PostgreSQL: both drop the
# same stop words and stem with the same Snowball English stemmer (SQLite's own
# Porter stemmer would differ on "weekly", "used" and "one").
WORDS_AND_PAGES = [
    ("injection", {"Weekly injections"}),
    ("injected", {"Weekly injections"}),
    ("weekly", {"Weekly injections", "Every week"}),
    ("weeks", {"Weekly injections", "Every week"}),
    ("used", {"Used widely"}),
    ("us", {"Made in the US"}),
    ("one", {"One dose"}),
    ("beta", {"Interferon beta-1a notes"}),
    ("1a", {"Interferon beta-1a notes"}),
    ("the weekly", {"Weekly injections", "Every week"}),  # a stop word is no word to look for
    ("WEEKLY Injections", {"Weekly injections"}),
    ("café", {"Café visits"}),
    # Snowball releases differ on these: SQLite's stemmer is pinned to PostgreSQL's.
    ("neurologist", {"Seeing a neurologist"}),
    ("emergency", {"Emergency numbers", "Emerging research"}),
]


@pytest.mark.parametrize("query, expected", WORDS_AND_PAGES)
def test_exact_words_find_the_same_pages_on_both_databases(client, make_article, query, expected):
    make_article(title="Weekly injections", standfirst="How it goes.", body="Injections are given weekly.")
    make_article(title="Every week", standfirst="A routine.", body="Once every two weeks.")
    make_article(title="Used widely", standfirst="Common.", body="It has been used for years.")
    make_article(title="Made in the US", standfirst="Prices.", body="List prices in the US.")
    make_article(title="One dose", standfirst="Once.", body="Only one is needed, on time.")
    make_article(title="Interferon beta-1a notes", standfirst="Notes.", body="About interferon beta-1a.")
    make_article(title="Café visits", standfirst="Meeting up.", body="A café near the clinic.")
    make_article(title="Seeing a neurologist", standfirst="Appointments.", body="What to ask.")
    make_article(title="Neurology wards", standfirst="Hospital stays.", body="What to bring.")
    make_article(title="Emergency numbers", standfirst="Who to call.", body="Keep them near.")
    make_article(title="Emerging research", standfirst="New medicines.", body="Trials under way.")

    assert set(result_titles(search(client, query))) == expected


def test_every_word_must_be_on_the_page_and_if_none_has_all_any_will_do(client, make_article):
    make_article(title="Heat", body="Heat can make symptoms worse for a while.")
    make_article(title="Cold", body="Cold can help some people.")

    assert set(result_titles(search(client, "heat symptoms"))) == {"Heat"}
    response = search(client, "heat cold")
    assert set(result_titles(response)) == {"Heat", "Cold"}
    assert "No page has all your words; showing pages with some of them." in page(response).text


def test_nothing_found_says_so_and_offers_ways_on(client, make_article):
    make_article(title="Heat", body="Warm weather.")
    p = page(search(client, "xylophone"))
    assert "No pages found for “xylophone”" in p.text
    assert reverse("therapies:therapy_list") in p.links()


@pytest.fixture
def demo_names(make_category, make_therapy):
    """Two medicines as the demo content names them (therapies/demo/therapies.json)."""
    oral = make_category(name="Oral DMTs", slug="oral-dmts", summary="Tablets and capsules.")
    infusion = make_category(name="Infusion therapies", slug="infusions", summary="Given into a vein.")
    fumarate = make_therapy(
        generic_name="dimethyl fumarate", slug="dimethyl-fumarate", brand_names="Tecfidera", category=oral,
        summary="A capsule taken by mouth that calms the immune system.", body="Taken twice a day.",
    )
    ocrelizumab = make_therapy(
        generic_name="ocrelizumab", slug="ocrelizumab", brand_names="Ocrevus", category=infusion,
        summary="An infusion that removes one kind of immune cell.", body="Given every six months.",
    )
    return fumarate, ocrelizumab


@pytest.mark.parametrize("typed, meant, name", [("tecfidra", "dimethyl-fumarate", "Tecfidera"), ("ocrelizimab", "ocrelizumab", "ocrelizumab"), ("Ocrelizimab", "ocrelizumab", "ocrelizumab")])
def test_a_misspelt_name_still_finds_its_page_with_did_you_mean(client, demo_names, typed, meant, name):
    response = search(client, typed)

    assert f"/therapies/{meant}/" in result_urls(response)
    p = page(response)
    assert f"Did you mean {name}?" in p.text
    assert f"{SEARCH}?q={name}" in p.links()


def test_a_misspelt_name_among_other_words_is_respelt_too(client, demo_names, make_article):
    make_article(title="Paying for treatment", body="What a year of treatment costs, and who pays.")

    response = search(client, "ocrelizimab infusion")
    assert result_urls(response) == ["/therapies/ocrelizumab/"]
    assert "Did you mean ocrelizumab infusion?" in page(response).text

    # No page has both words once respelt: pages with either, still offering the spelling.
    response = search(client, "ocrelizimab pays")
    assert "/therapies/ocrelizumab/" in result_urls(response)
    assert "Paying for treatment" in result_titles(response)
    p = page(response)
    assert "Did you mean ocrelizumab pays?" in p.text
    assert "no page has all of its words, so these have some of them" in p.text


def test_a_brand_name_and_cost_find_the_medicines_page_with_all_their_words(client, demo_names, make_article):
    make_article(title="Help with costs", body="Programmes that help with the cost of treatment.")
    response = search(client, "ocrevus cost")
    assert result_urls(response)[0] == "/therapies/ocrelizumab/"
    assert "No page has all your words" not in page(response).text


def test_a_word_some_page_holds_is_never_respelt(client, demo_names, make_article):
    make_article(title="Fatigue", body="Tiredness that rest does not fix.")
    response = search(client, "fatigue ocrevus")
    assert "Did you mean" not in page(response).text
    assert set(result_titles(response)) == {"Fatigue", "ocrelizumab"}


def test_typo_tolerance_uses_each_databases_own_path(demo_names):
    """PostgreSQL finds candidates by trigram similarity, SQLite compares the
    few hundred titles and names in Python; both offer the same name."""
    backend = backends.current()
    expected = backends.PostgreSQLBackend if connection.vendor == "postgresql" else backends.SQLiteBackend
    assert isinstance(backend, expected)
    now = timezone.now()
    assert backend.close_names("tecfidra", now) == "Tecfidera"
    assert backend.close_names("ocrelizimab", now) == "ocrelizumab"
    assert backend.close_names("dimethyl fumerate", now) == "dimethyl fumarate"
    assert backend.close_names("zzzzqqq", now) is None


# --- What is never found -------------------------------------------------------------------


def test_drafts_unpublished_and_pending_text_are_never_found(client, make_therapy, make_article, make_category, editor_user):
    make_article(title="Draft notes", body="Quokka draft.", status="draft", published_at=None)
    make_therapy(generic_name="draftamab", slug="draftamab", summary="Quokka therapy.", is_published=False)
    hidden_group = make_category(name="Hidden group", summary="Quokka group.", is_published=False)
    make_therapy(generic_name="orphanamab", slug="orphanamab", summary="Quokka in a hidden group.", category=hidden_group)
    live = make_therapy(generic_name="livamab", slug="livamab", summary="Approved words.")
    live.summary = "Quokka pending words."
    workflow.save_edit(live, editor_user)  # a revision awaiting review

    assert "No pages found for “quokka”" in page(search(client, "quokka")).text
    assert result_urls(search(client, "approved words")) == ["/therapies/livamab/"]
    assert not SearchDocument.objects.filter(title__in=["Draft notes", "draftamab", "Hidden group", "orphanamab"]).exists()


def test_expired_and_future_pages_come_and_go_on_time_without_reindexing(client, make_article, make_category, make_therapy):
    now = timezone.now()
    make_article(title="Expiring", body="Numbat facts.", expires_at=now + datetime.timedelta(hours=1))
    make_article(title="Future", body="Numbat news.", published_at=now + datetime.timedelta(hours=2))
    group = make_category(name="Short-lived group", summary="Numbat group.", expires_at=now + datetime.timedelta(hours=3))
    make_therapy(generic_name="numbatamab", slug="numbatamab", summary="Numbat therapy.", category=group)

    assert set(result_titles(search(client, "numbat"))) == {"Expiring", "Short-lived group", "numbatamab"}
    with clock_at(now + datetime.timedelta(hours=2, minutes=30)):
        assert set(result_titles(search(client, "numbat"))) == {"Future", "Short-lived group", "numbatamab"}
    with clock_at(now + datetime.timedelta(hours=4)):
        # The therapy is hidden with its group.
        assert set(result_titles(search(client, "numbat"))) == {"Future"}


# --- Any query at all ---------------------------------------------------------------------

HOSTILE = [
    "a" * 1000,
    "!!! ??? ***",
    "<script>alert(1)</script>",
    '"',
    '"unbalanced',
    "NEAR(fatigue",
    "fatigue*",
    "*",
    "OR",
    "fatigue OR",
    "AND NOT",
    "{title names}: fatigue",
    "title:fatigue",
    "^fatigue",
    "' OR 1=1 --",
    "'; DROP TABLE search_searchdocument; --",
    "fatigue\x00zero",
    "%_%",
    "\\",
    "\ue000fatigue\ue001",
    "😀 fatigue",
    "ﬁbre",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_any_query_gets_a_clean_escaped_page(client, make_article, query):
    make_article(title="Fatigue", body="Fatigue is common. <b>bold</b> & more.")
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert_site_layout(response)  # includes: no <script> at all
    assert "<script>alert" not in response.content.decode()
    assert "\ue000" not in response.content.decode()


def test_a_very_long_query_is_cut_and_the_reader_told(client, make_article):
    make_article(title="Fatigue", body="Fatigue is common.")
    response = search(client, "fatigue " + "x" * 990)
    p = page(response)
    assert "Your search was long, so we searched for its first 100 characters" in p.text
    assert len(response.context["outcome"].query) == 100


def test_a_query_of_symbols_or_stop_words_only_says_there_is_nothing_to_look_for(client, db):
    for query in ("!!!", "the and of", "<>"):
        assert "We found no words to search for" in page(search(client, query)).text


def test_the_query_is_escaped_wherever_it_is_shown(client, make_article):
    make_article(title="Fatigue", body="Fatigue.")
    html = search(client, '<script>alert("x")</script> fatigue').content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


# --- Snippets -----------------------------------------------------------------------------


def test_snippets_mark_the_words_and_escape_everything_else(client, make_article):
    make_article(
        title="Markup",
        standfirst="Plain.",
        body="Fatigue, when 2 < 3 & 5 > 4, next to `<script>alert(1)</script>` and <mark>tiredness</mark> in code.",
    )
    response = search(client, "fatigue")
    snippet = str(response.context["outcome"].page.object_list[0].snippet)

    assert "<mark>Fatigue</mark>" in snippet
    # Editor's text is escaped: PostgreSQL's headline leaves out what looks
    # like a tag altogether, SQLite's snippet keeps it as text; neither is markup.
    assert "<script" not in snippet and "</script" not in snippet
    assert "2 &lt; 3 &amp; 5 &gt; 4" in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1
    assert "<mark>Fatigue</mark>" in response.content.decode()


def test_stemmed_matches_are_marked_too(client, make_article):
    make_article(title="Doses", standfirst="Schedules.", body="Injections are given weekly by a nurse.")
    snippet = str(search(client, "injection").context["outcome"].page.object_list[0].snippet)
    assert "<mark>Injections</mark>" in snippet


# --- Pages of results ---------------------------------------------------------------------


def test_results_come_ten_a_page_and_any_page_number_gets_a_clean_page(client, make_article):
    for n in range(25):
        make_article(title=f"Walking {n:02d}", body="About walking aids.")

    first = search(client, "walking")
    assert len(result_urls(first)) == PAGE_SIZE
    p = page(first)
    assert "25 pages found for “walking”, showing 1 to 10" in p.text
    assert "?q=walking&page=2" in p.links()

    last = search(client, "walking", page=3)
    assert len(result_urls(last)) == 5
    all_urls = set()
    for number in (1, 2, 3):
        all_urls |= set(result_urls(search(client, "walking", page=number)))
    assert len(all_urls) == 25

    assert search(client, "walking", page=99).context["outcome"].page.number == 3
    for odd in ("abc", "-1", "0", "1e9", ""):
        assert search(client, "walking", page=odd).context["outcome"].page.number in (1, 3)


# --- Names go straight to the page ---------------------------------------------------------


@pytest.mark.parametrize("typed", ["Tecfidera", "tecfidera", "  TECFIDERA ", "dimethyl fumarate", "Dimethyl   Fumarate"])
def test_an_exact_generic_or_brand_name_goes_straight_to_the_therapy(client, demo_names, typed):
    response = client.get(SEARCH, {"q": typed})

    assert response.status_code == 302
    assert response["Location"] == "/therapies/dimethyl-fumarate/"
    assert "no-store" in response["Cache-Control"]


def test_a_name_with_more_words_a_shared_brand_or_an_unpublished_one_is_searched_instead(client, make_therapy, demo_names):
    make_therapy(generic_name="firstamab", slug="firstamab", brand_names="Sharedbrand")
    make_therapy(generic_name="secondamab", slug="secondamab", brand_names="Sharedbrand")
    make_therapy(generic_name="draftamab", slug="draftamab", brand_names="Draftbrand", is_published=False)

    for query in ("tecfidera cost", "sharedbrand", "draftbrand", "Tecfid"):
        assert client.get(SEARCH, {"q": query}).status_code == 200
    assert set(result_urls(search(client, "sharedbrand"))) == {"/therapies/firstamab/", "/therapies/secondamab/"}


# --- The search box ------------------------------------------------------------------------


def test_every_page_has_the_search_box_in_its_header(client, make_therapy, make_article, demo_names):
    therapy, _ = demo_names
    article = make_article(title="An article")
    for url in ["/", "/therapies/", therapy.get_absolute_url(), article.get_absolute_url(), "/emerging/", "/care/",
                "/articles/", "/no-such-page/", SEARCH]:
        response = client.get(url)
        p = page(response)
        forms = p.find_all("form", role="search")
        assert len(forms) == 1, url
        assert forms[0]["action"] == SEARCH and forms[0]["method"] == "get"
        field = p.find_all("input", name="q")[0]
        assert field["type"] == "search"
        assert p.find_all("label", **{"for": field["id"]}), url
        assert p.find_all("button", type="submit"), url
        html = response.content.decode()
        header = html.split("<header", 1)[1].split("</header>", 1)[0]
        assert 'role="search"' in header, url


def test_searching_from_the_box_needs_no_javascript(client, demo_names):
    # The form is a plain GET: submitting it is a request for /search/?q=...
    response = client.get(SEARCH, {"q": "immune"})
    assert {"/therapies/dimethyl-fumarate/", "/therapies/ocrelizumab/"} <= set(result_urls(response))


# --- Cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 30])
def test_the_results_page_costs_the_same_queries_whatever_the_size_of_the_site(
    client, make_article, make_therapy, django_assert_num_queries, size, settings
):
    for n in range(size):
        make_article(title=f"Balance {n}", body="Balance and walking.")
        make_therapy(summary="Helps balance.")
    # Due revisions, the exact-name check, the synonyms of its words, the
    # count, the page of results...
    searching = 5
    # ...and the query log: one statement (inside this test's transaction, in
    # a savepoint of its own: two more).
    logging = 1 + (2 if connection.in_atomic_block else 0)
    with django_assert_num_queries(searching + logging):
        response = client.get(SEARCH, {"q": "balance"})
    assert response.status_code == 200
    # A further page is not logged again, and the due revisions were looked
    # for once since the last change (core.kept.KeptWhileContentUnchanged).
    with django_assert_num_queries(searching - 1):
        client.get(SEARCH, {"q": "balance", "page": "2"})


def test_a_typo_costs_a_fixed_number_of_queries_too(client, demo_names, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get(SEARCH, {"q": "tecfidra"})
    assert "Did you mean" in page(response).text


# --- The index follows the content ---------------------------------------------------------


def test_a_section_without_a_listed_therapy_is_found_at_its_place_on_its_parent_page(client, make_category, make_therapy):
    make_category(kind=Category.Kind.EMERGING, name="Remyelination", slug="remyelination", summary="Repair.")
    listed = make_category(kind=Category.Kind.SUPPORTIVE, name="Physiotherapy", slug="physio", summary="Repair by exercise.")
    make_therapy(generic_name="exercise programme", slug="exercise", category=listed, route=Therapy.Route.NON_DRUG)

    urls = result_urls(search(client, "repair"))
    assert "/emerging/#section-remyelination" in urls
    assert "/categories/physio/" in urls
    assert 'id="section-remyelination"' in client.get("/emerging/").content.decode()
