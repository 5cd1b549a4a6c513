"""The queries behind the public article pages. Every one starts from
Article.objects.published(), so drafts and future articles never show."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from articles.models import Article
from therapies.queries import published_therapies


def published_articles():
    return Article.objects.published().order_by("-published_at", "-id")


def latest_articles(count):
    return list(published_articles()[:count])


def published_article(slug):
    """One article readers may see, with the related therapies readers may see; or 404."""
    therapies = published_therapies()
    queryset = published_articles().prefetch_related(
        Prefetch("related_therapies", queryset=therapies, to_attr="published_related_therapies")
    )
    return get_object_or_404(queryset, slug=slug)
