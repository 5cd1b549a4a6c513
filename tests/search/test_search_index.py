"""The search index follows the content: every step of the review workflow
that changes what readers see (approval, an approved revision, a scheduled
revision going live, unpublishing), a group's change reaching its therapies,
deletion; and it can be rebuilt (the command, and after migrate)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from editorial import workflow
from search import index
from search.apps import rebuild_index_after_migrate
from search.models import SearchDocument
from search.queries import search
from therapies.models import Category, EmergingSection, Therapy
from tests.conftest import clock_at


def found(query):
    outcome = search(query)
    return {hit.url for hit in outcome.page.object_list} if outcome.page else set()


def test_approving_a_draft_adds_it_and_unpublishing_removes_it(make_article, reviewer):
    article = make_article(title="Pelican notes", body="Pelican.", status="draft", published_at=None)
    assert found("pelican") == set()

    article = workflow.approve(article, reviewer)
    assert found("pelican") == {article.get_absolute_url()}

    workflow.unpublish(article, reviewer, "Out of date.")
    assert found("pelican") == set()
    assert not SearchDocument.objects.filter(object_id=article.pk).exists()


def test_an_approved_revision_replaces_the_old_text_and_a_pending_one_does_not(make_therapy, editor_user, reviewer):
    therapy = make_therapy(generic_name="revisamab", slug="revisamab", summary="Heron words.")
    therapy.summary = "Egret words."
    workflow.save_edit(therapy, editor_user)
    assert found("egret") == set()
    assert found("heron") == {"/therapies/revisamab/"}

    workflow.approve(Therapy.objects.get(pk=therapy.pk), reviewer)
    assert found("egret") == {"/therapies/revisamab/"}
    assert found("heron") == set()


def test_a_scheduled_revision_reaches_the_index_when_it_goes_live(make_article, editor_user, reviewer):
    article = make_article(title="Scheduled", body="Old ibis text.")
    article.body = "New stork text."
    workflow.save_edit(article, editor_user)
    go_live = timezone.now() + datetime.timedelta(hours=1)
    workflow.approve(article, reviewer, go_live_at=go_live)
    assert found("stork") == set() and found("ibis") == {article.get_absolute_url()}

    with clock_at(go_live + datetime.timedelta(seconds=1)):
        workflow.publish_due_revisions()
        assert found("stork") == {article.get_absolute_url()}
        assert found("ibis") == set()


def test_a_groups_change_reaches_its_therapies_whichever_name_it_is_saved_under(make_category, make_therapy, reviewer):
    group = make_category(kind=Category.Kind.EMERGING, name="Repair research", slug="repair", summary="Repair.")
    make_therapy(generic_name="mendamab", slug="mendamab", summary="Osprey.", category=group,
                 development_stage=Therapy.Stage.PHASE_2)
    assert found("osprey") == {"/therapies/mendamab/"}
    assert SearchDocument.objects.get(title="mendamab").type_label == "Emerging therapy"

    # Saved as the proxy the admin edits it under (signals name the proxy).
    section = EmergingSection.objects.get(pk=group.pk)
    workflow.unpublish(section, reviewer, "Under review.")
    assert found("osprey") == set()

    section = EmergingSection.objects.get(pk=group.pk)  # a kind change, saved through the proxy
    section.kind = Category.Kind.SUPPORTIVE
    section.status, section.published_at = "published", timezone.now() - datetime.timedelta(minutes=1)
    section.save()
    assert found("osprey") == {"/therapies/mendamab/"}
    assert SearchDocument.objects.get(title="mendamab").type_label == "Supportive care"


def test_a_therapy_is_found_only_while_both_it_and_its_group_are_live(make_category, make_therapy):
    now = timezone.now()
    group = make_category(name="Window group", expires_at=now + datetime.timedelta(days=1))
    therapy = make_therapy(generic_name="windowamab", slug="windowamab", category=group,
                           published_at=now - datetime.timedelta(days=2), expires_at=now + datetime.timedelta(days=5))
    document = SearchDocument.objects.get(title="windowamab")
    assert (document.published_at, document.expires_at) == (max(group.published_at, therapy.published_at), group.expires_at)


def test_a_section_moves_between_its_own_page_and_its_parent_page_with_its_therapies(make_category, make_therapy):
    section = make_category(kind=Category.Kind.SUPPORTIVE, name="Diet", slug="diet", summary="Eating well.")
    assert SearchDocument.objects.get(title="Diet").url == "/care/#section-diet"

    therapy = make_therapy(generic_name="diet programme", slug="diet-programme", category=section,
                           route=Therapy.Route.NON_DRUG)
    assert SearchDocument.objects.get(title="Diet").url == "/categories/diet/"

    therapy.delete()
    assert SearchDocument.objects.get(title="Diet").url == "/care/#section-diet"
    assert not SearchDocument.objects.filter(title="diet programme").exists()


def test_a_deleted_page_leaves_the_index(make_article):
    article = make_article(title="Gone soon", body="Curlew.")
    assert found("curlew")
    article.delete()
    assert found("curlew") == set()


def test_the_rebuild_command_writes_the_index_again(make_article, make_therapy, capsys):
    make_article(title="Plover", body="Plover facts.")
    make_therapy(generic_name="ploveramab", slug="ploveramab")
    expected = set(SearchDocument.objects.values_list("url", "title"))
    SearchDocument.objects.all().delete()  # the FTS5 rows stay behind: the rebuild clears them
    assert found("plover") == set()

    call_command("rebuild_search_index")

    assert "Search index rebuilt: 3 pages." in capsys.readouterr().out  # the article, the therapy, its group
    assert set(SearchDocument.objects.values_list("url", "title")) == expected
    assert found("plover") == {SearchDocument.objects.get(title="Plover").url}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_fts")
            assert cursor.fetchone()[0] == 3


def test_migrate_builds_a_missing_index_when_there_is_live_content(make_article):
    make_article(title="Avocet", body="Avocet.")
    SearchDocument.objects.all().delete()

    rebuild_index_after_migrate(verbosity=0)
    assert found("avocet")


def test_migrate_rewrites_an_index_made_by_an_earlier_release(make_article):
    """A release may change what a page's document holds: after its
    migrate, every page is indexed the new way."""
    make_article(title="Avocet", body="Avocet.")
    SearchDocument.objects.update(title="Written by an earlier release")

    rebuild_index_after_migrate(verbosity=0)

    assert list(SearchDocument.objects.values_list("title", flat=True)) == ["Avocet"]
    assert found("avocet")


def test_migrate_leaves_an_empty_site_alone(db):
    rebuild_index_after_migrate(verbosity=0)
    assert not SearchDocument.objects.exists()


def test_the_demo_content_is_indexed_in_full(db):
    call_command("load_demo_content", verbosity=0)
    from articles.models import Article
    from pages.models import SitePage
    from therapies.queries import published_therapies

    kinds = dict.fromkeys(SearchDocument.Kind.values, 0)
    for kind in SearchDocument.objects.values_list("kind", flat=True):
        kinds[kind] += 1
    assert kinds == {
        "therapy": published_therapies().count(),
        "category": Category.objects.live().count(),
        "article": Article.objects.live().count(),
        # The decision aid's questions are parts of its page, found by its introduction.
        "page": SitePage.objects.live().exclude(key__in=SitePage.DECISION_AID_QUESTIONS).count(),
    }
    # Rebuilding from scratch gives the same index.
    before = set(SearchDocument.objects.values_list("url", "title", "body"))
    index.rebuild()
    assert set(SearchDocument.objects.values_list("url", "title", "body")) == before
    assert found("ocrelizimab") and search("ocrelizimab").suggestion == "ocrelizumab"
    assert search("tecfidra").suggestion == "Tecfidera"
    assert search("Gilenya").redirect_to == "/therapies/fingolimod/"


@pytest.mark.django_db(transaction=True)
def test_the_index_is_written_when_the_transaction_commits_and_not_before(make_article):
    # The real timing: this test's transactions commit.
    from django.db import transaction

    with transaction.atomic():
        make_article(title="Committed", body="Godwit.")
        assert not SearchDocument.objects.filter(title="Committed").exists()
    assert found("godwit")

    with pytest.raises(RuntimeError), transaction.atomic():
        make_article(title="Rolled back", body="Dunlin.")
        raise RuntimeError
    assert found("dunlin") == set()



def test_a_failing_index_write_is_logged_and_never_undoes_or_breaks_the_save(make_article, monkeypatch, caplog):
    from django.db import DatabaseError

    def broken(model, pks):
        raise DatabaseError("disk full")

    monkeypatch.setattr(index, "reindex", broken)
    article = make_article(title="Saved anyway", body="Bittern.")

    assert type(article).objects.filter(pk=article.pk).exists()
    assert "The search index could not be updated for articles.Article" in caplog.text
    monkeypatch.undo()
    call_command("rebuild_search_index", verbosity=0)
    assert found("bittern") == {article.get_absolute_url()}
