"""The queries behind the public article pages. Every one starts from
Article.objects.published(), so drafts and future articles never show."""

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404

from articles.models import Article
from editorial.models import Reference
from therapies.queries import published_therapies


def published_articles():
    return Article.objects.published().order_by("-published_at", "-id")


def latest_articles(count):
    return list(published_articles()[:count])


def _references():
    return Prefetch("references", queryset=Reference.objects.order_by("position", "id"), to_attr="reference_list")


# What the article page shows of each medicine it mentions: a link by name.
# An overview article mentions every medicine, and their forty-odd
# fact-sheet columns were a third of the page's time.
RELATED_THERAPY_FIELDS = ("id", "slug", "generic_name", "brand_names")


def _related_therapies():
    queryset = published_therapies().only(*RELATED_THERAPY_FIELDS)
    return Prefetch("related_therapies", queryset=queryset, to_attr="published_related_therapies")


def published_article(slug):
    """One article readers may see (with its approver), with the related
    therapies readers may see and the sources it cites; or 404. Three queries."""
    queryset = (
        published_articles().select_related("approved_by__staff_profile").prefetch_related(_related_therapies(), _references())
    )
    return get_object_or_404(queryset, slug=slug)


def prepare_article(article, related_therapy_pks=None):
    """What published_article() attaches, for an article already in memory (an
    editor's working copy). `related_therapy_pks` are the related therapies of
    a pending revision; without them the saved ones are used."""
    if related_therapy_pks is None:
        prefetch_related_objects([article], _related_therapies(), _references())
    else:
        prefetch_related_objects([article], _references())
        article.published_related_therapies = list(
            published_therapies().only(*RELATED_THERAPY_FIELDS).filter(pk__in=related_therapy_pks)
        )
    return article
