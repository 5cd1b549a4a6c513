"""The Atom feeds: /articles/feed/ (new and updated articles) and
/prices/feed/ (every new, corrected or withdrawn price), valid Atom with the
right entries and nothing readers cannot see, linked from every page and
from the footer's "Stay up to date" block."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.page_helpers import page
from prices import feeds
from prices.pricing import corrections

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = timezone.localdate()


def shown_date(day):
    """A date as the site writes it: 1 January 2020."""
    return f"{day.day} {day:%B %Y}"


def atom(response):
    """The feed parsed, after checking what Atom (RFC 4287) requires: the
    namespace; the feed's id, title, updated and author (or one on every
    entry); each entry's id, title, updated and an alternate link; ids
    unique; dates in RFC 3339."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), f"feed has no {name}"
    datetime.datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}link[@rel='self']").get("href").startswith("http://testserver/")
    entries = root.findall(f"{ATOM}entry")
    feed_author = root.find(f"{ATOM}author/{ATOM}name")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), f"entry has no {name}"
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://testserver/")
        assert feed_author is not None or entry.find(f"{ATOM}author/{ATOM}name") is not None
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(ids) == len(set(ids)), "entry ids repeat"
    return root


def entries(root):
    return [
        {
            "id": entry.findtext(f"{ATOM}id"),
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")),
            "published": entry.findtext(f"{ATOM}published"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


# --- Price changes ------------------------------------------------------------------------------


@pytest.fixture
def price_changes(make_category, make_therapy, make_estimate, price_editor):
    """A new price, a corrected one and a withdrawn one, each later than the
    last, and prices of subjects readers cannot see."""
    start = timezone.now() - datetime.timedelta(hours=1)
    group = make_category(name="Oral DMTs", slug="oral-dmts")
    medicine = make_therapy(generic_name="fingolimod", slug="fingolimod", category=group)
    new = make_estimate(group, low=Decimal("80000"), high=Decimal("100000"), recorded_at=start,
                        source_name="Group survey", source_url="")
    wrong = make_estimate(medicine, product="Gilenya (brand)", low=Decimal("1053900"), high=Decimal("1053900"),
                          recorded_at=start + datetime.timedelta(minutes=1), source_name="Annual prices 2020",
                          source_url="https://example.org/2020", as_of=datetime.date(2020, 1, 1))
    mistaken = make_estimate(medicine, product="generic fingolimod", low=Decimal("5"), high=Decimal("6"),
                             recorded_at=start + datetime.timedelta(minutes=2))
    correction = corrections.correct(wrong, price_editor, "An extra zero was typed.", low=Decimal("105390"),
                                     high=Decimal("105390"), source_name="Annual prices 2020",
                                     source_url="https://example.org/2020")
    corrections.withdraw(mistaken, price_editor, "Not a yearly price.")
    mistaken.refresh_from_db()
    draft = make_therapy(generic_name="draftumab", slug="draftumab", category=group, is_published=False)
    make_estimate(draft, source_name="Secret draft source")
    hidden_group = make_category(name="Hidden group", slug="hidden-group", is_published=False)
    make_estimate(hidden_group, source_name="Hidden group source")
    make_estimate(make_therapy(generic_name="orphanib", category=hidden_group), source_name="Orphan source")
    return {"new": new, "wrong": wrong, "correction": correction, "mistaken": mistaken}


def test_the_price_feed_is_valid_atom_with_new_corrected_and_withdrawn_prices_newest_first(client, price_changes):
    root = atom(client.get("/prices/feed/"))
    found = entries(root)
    titles = [entry["title"] for entry in found]
    recent = shown_date(price_changes["new"].as_of)
    assert titles == [
        f"Price withdrawn: fingolimod, generic fingolimod: US list price US$5 to US$6 a year, as of {recent}",
        "Price corrected: fingolimod, Gilenya (brand): US list price US$105,390 a year, as of 1 January 2020",
        f"New price: fingolimod, generic fingolimod: US list price US$5 to US$6 a year, as of {recent}",
        "New price: fingolimod, Gilenya (brand): US list price US$1,053,900 a year, as of 1 January 2020",
        f"New price: Oral DMTs: US list price US$80,000 to US$100,000 a year, as of {recent}",
    ]
    withdrawn, corrected, _, wrong, new = found
    assert "Reason: Not a yearly price." in withdrawn["summary"]
    assert "This corrects the earlier figures, US$1,053,900 a year. Reason: An extra zero was typed." in corrected["summary"]
    assert 'Figures as of 1 January 2020. Source: <a href="https://example.org/2020">Annual prices 2020</a>.' in corrected["summary"]
    # The corrected estimate's own entry is as it was: the correction is news in its own entry.
    assert "later" not in wrong["summary"] and "withdrawn" not in found[2]["summary"]
    assert "Source: Group survey." in new["summary"]
    assert corrected["link"] == "http://testserver/therapies/fingolimod/"
    assert new["link"] == "http://testserver/categories/oral-dmts/"
    assert withdrawn["updated"] == price_changes["mistaken"].withdrawn_at
    assert [entry["updated"] for entry in found] == sorted((entry["updated"] for entry in found), reverse=True)
    text = client.get("/prices/feed/").content.decode()
    for hidden in ("Secret draft source", "Hidden group", "Orphan source", "draftumab"):
        assert hidden not in text


def test_each_price_event_has_its_own_id_that_never_changes(client, price_changes, make_estimate):
    before = {entry["title"]: entry["id"] for entry in entries(atom(client.get("/prices/feed/")))}
    mistaken = price_changes["mistaken"].pk
    recent = shown_date(price_changes["mistaken"].as_of)
    withdrawn_title = (
        f"Price withdrawn: fingolimod, generic fingolimod: US list price US$5 to US$6 a year, as of {recent}"
    )
    assert before[withdrawn_title] == (
        f"tag:testserver,2026:price-estimate:{mistaken}:withdrawn"
    )
    assert before[f"New price: fingolimod, generic fingolimod: US list price US$5 to US$6 a year, as of {recent}"] == (
        f"tag:testserver,2026:price-estimate:{mistaken}:recorded"
    )
    make_estimate(price_changes["new"].category, low=Decimal("1"), high=Decimal("2"), as_of=TODAY)
    after = entries(atom(client.get("/prices/feed/")))
    assert after[0]["title"] == (
        f"New price: Oral DMTs: US list price US$1 to US$2 a year, as of {shown_date(TODAY)}"
    )
    assert {entry["title"]: entry["id"] for entry in after[1:]} == before


@pytest.mark.parametrize("change", ["correct", "withdraw"])
def test_a_recorded_entry_never_changes_when_its_estimate_is_later_corrected_or_withdrawn(
    client, settings, make_category, make_estimate, price_editor, change
):
    """Its `updated` stays the recording time, so feed readers would never
    see an edit: the later event is a new entry instead."""
    settings.PAGE_CACHE_SECONDS = 0
    group = make_category(name="Oral DMTs", slug="oral-dmts")
    estimate = make_estimate(group, low=Decimal("80000"), high=Decimal("100000"),
                             recorded_at=timezone.now() - datetime.timedelta(hours=1))
    recorded_id = f"tag:testserver,2026:price-estimate:{estimate.pk}:recorded"
    [before] = entries(atom(client.get("/prices/feed/")))
    assert before["id"] == recorded_id
    if change == "correct":
        corrections.correct(estimate, price_editor, "An extra zero was typed.", low=Decimal("8000"),
                            high=Decimal("10000"), source_name="Test price survey")
    else:
        corrections.withdraw(estimate, price_editor, "Not a yearly price.")
    after = entries(atom(client.get("/prices/feed/")))
    assert len(after) == 2
    assert after[0]["title"].startswith("Price corrected: " if change == "correct" else "Price withdrawn: ")
    [recorded] = [entry for entry in after if entry["id"] == recorded_id]
    assert recorded == before


def test_the_price_feed_is_bounded_and_costs_a_fixed_number_of_queries(
    client, settings, make_category, make_estimate, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    group = make_category()
    for n in range(feeds.PRICE_FEED_ENTRIES + 5):
        make_estimate(group, as_of=TODAY - datetime.timedelta(days=n))
    with django_assert_num_queries(3):  # due revisions, newest recorded, newest withdrawn
        response = client.get("/prices/feed/")
    assert len(entries(atom(response))) == feeds.PRICE_FEED_ENTRIES


def test_feed_ids_and_links_use_the_site_url_when_set(client, settings, price_changes):
    settings.SITE_URL = "https://msinfo.example.org"
    root = ET.fromstring(client.get("/prices/feed/").content)
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://msinfo.example.org/prices/feed/"
    for entry in entries(root):
        assert entry["link"].startswith("https://msinfo.example.org/")
        assert entry["id"].startswith("tag:msinfo.example.org,2026:price-estimate:")


def test_a_price_entry_names_its_kind_the_unit_price_behind_it_and_its_date_as_precisely_as_known(
    client, make_therapy, make_estimate
):
    from prices.models import PriceKind

    medicine = make_therapy(generic_name="ocrelizumab", slug="ocrelizumab")
    make_estimate(
        medicine, product="Ocrevus (brand)", kind=PriceKind.objects.get(slug="us-medicare-b"),
        unit_price=Decimal("60.97"), unit="mg", units_per_year=Decimal("1200"), low=Decimal("73164"),
        high=Decimal("73164"), as_of=datetime.date(2026, 7, 1), source_name="CMS ASP pricing file",
    )
    make_estimate(
        medicine, product="Ocrevus (brand)", kind=PriceKind.objects.get(slug="uk-nhs-list"), currency="GBP",
        low=Decimal("19160"), high=Decimal("19160"), as_of=datetime.date(2026, 7, 1), as_of_precision="month",
        recorded_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    medicare, nhs = entries(atom(client.get("/prices/feed/")))
    assert medicare["title"] == (
        "New price: ocrelizumab, Ocrevus (brand): US Medicare Part B payment limit US$73,164 a year, as of 1 July 2026"
    )
    assert "Worked out from the unit price: US$60.97 per mg, 1,200 a year." in medicare["summary"]
    assert "US Medicare Part B payment limit: What Medicare pays" in medicare["summary"]
    assert nhs["title"] == "New price: ocrelizumab, Ocrevus (brand): UK NHS list price £19,160 a year, as of July 2026"


# --- Articles -----------------------------------------------------------------------------------


def test_the_articles_feed_lists_published_articles_newest_change_first(client, make_article):
    older = make_article(title="Older news", standfirst="Costs <b>fell</b> & rose.", byline="Dr A. Writer",
                         published_at=timezone.now() - datetime.timedelta(days=10))
    newer = make_article(title="Newer news", published_at=timezone.now() - datetime.timedelta(days=2))
    make_article(title="Draft article", status="draft", published_at=None)
    make_article(title="Scheduled article", published_at=timezone.now() + datetime.timedelta(days=2))
    found = entries(atom(client.get("/articles/feed/")))
    assert [entry["title"] for entry in found] == ["Newer news", "Older news"]
    # An update moves an article to the top, under the same id.
    ids = {entry["title"]: entry["id"] for entry in found}
    older.body = "Updated body."
    older.save()
    found = entries(atom(client.get("/articles/feed/")))
    assert [entry["title"] for entry in found] == ["Older news", "Newer news"]
    assert {entry["title"]: entry["id"] for entry in found} == ids == {
        "Older news": f"tag:testserver,2026:article:{older.pk}",
        "Newer news": f"tag:testserver,2026:article:{newer.pk}",
    }
    first = found[0]
    assert first["author"] == "Dr A. Writer"
    assert first["link"] == f"http://testserver/articles/{older.slug}/"
    assert datetime.datetime.fromisoformat(first["published"]) == older.published_at
    assert first["updated"] == saved_updated_at(older)
    # The standfirst is plain text: a feed reader shows it as typed, not as markup.
    assert first["summary"] == "Costs &lt;b&gt;fell&lt;/b&gt; &amp; rose."


def saved_updated_at(article):
    article.refresh_from_db()
    return article.updated_at


def test_the_articles_feed_keeps_to_20_entries_in_a_fixed_number_of_queries(
    client, settings, make_article, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(25):
        make_article()
    with django_assert_num_queries(2):  # due revisions, the articles
        response = client.get("/articles/feed/")
    assert len(entries(atom(response))) == 20


# --- Both feeds -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/articles/feed/", "/prices/feed/"])
def test_feeds_answer_conditional_requests_with_304_also_from_the_page_cache(
    client, price_changes, make_article, url, django_assert_num_queries
):
    make_article()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_assert_num_queries(0):
        assert client.get(url)["X-Page-Cache"] == "hit"
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


@pytest.mark.parametrize("url", ["/articles/feed/", "/prices/feed/"])
def test_feeds_refuse_other_methods_and_ignore_odd_query_strings(client, url):
    for method in ("post", "put", "delete"):
        assert getattr(client, method)(url).status_code == 405
    for query in ("?page=x", "?%ff=%00", "?q=<script>"):
        atom(client.get(url + query))


def test_an_empty_feed_is_still_valid_atom(client, db):
    assert entries(atom(client.get("/prices/feed/"))) == []
    assert entries(atom(client.get("/articles/feed/"))) == []


@pytest.mark.parametrize("url", ["/", "/therapies/", "/articles/", "/data/", "/about/", "/no-such-page/"])
def test_every_page_links_both_feeds_and_the_footer_says_how_to_stay_up_to_date(client, price_changes, url):
    response = client.get(url)
    shown = page(response)
    alternates = {link["href"]: link["title"] for link in shown.find_all("link", rel="alternate", type="application/atom+xml")}
    assert set(alternates) == {"/articles/feed/", "/prices/feed/"}
    assert all(title.strip() for title in alternates.values())
    assert "Stay up to date" in shown.text
    footer = shown.html.split("<footer", 1)[1]
    for href in ("/articles/feed/", "/prices/feed/", "/prices.csv", "/prices.json", "/prices/history.csv", "/data/"):
        assert f'href="{href}"' in footer, href
    for href in alternates:
        atom(client.get(href))
