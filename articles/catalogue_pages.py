"""What the catalogue's pages show of articles (registered with
therapies.extensions by articles.apps): a therapy's page lists the published
articles that mention it, newest first. One query."""

from django.db.models import Prefetch, prefetch_related_objects

from articles.models import Article
from therapies.extensions import adds_to


@adds_to("therapy")
def articles_mentioning(context, query):
    therapy = context["therapy"]
    # A link by title is all the page shows: not the articles' whole bodies.
    articles = Article.objects.published().order_by("-published_at", "-id").only("id", "slug", "title", "published_at")
    prefetch_related_objects([therapy], Prefetch("articles", queryset=articles, to_attr="published_articles"))
