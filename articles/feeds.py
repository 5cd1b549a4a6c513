"""The articles feed (/articles/feed/, Atom): the 20 most recently changed
articles readers can see, newest change first, each with its standfirst as
the summary, its byline as the author, when it was first published and when
it last changed. An article's entry keeps one id (a tag URI with the
article's number, see prices/feeds.py) however often it is updated or
renamed, so feed readers show an update, not a new article."""

from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_safe

from articles.queries import published_articles
from editorial.public import public_page
from core.site_url import absolute_url
from prices.feeds import SITE_NAME, SiteFeed, feed_authority, tag_uri

ARTICLE_FEED_ENTRIES = 20


class ArticlesFeed(SiteFeed):
    title = f"{SITE_NAME}: new and updated articles"
    subtitle = "Articles about multiple sclerosis (MS) treatment, checked by our medical reviewers."
    feed_path = "articles:feed"

    def link(self, request):
        return absolute_url(reverse("articles:article_list"), request)

    def items(self, request):
        # A scheduled article changes when it goes live, after its last save.
        changed = published_articles().annotate(changed_at=Greatest("updated_at", "published_at"))
        articles = list(changed.order_by("-changed_at", "-id")[:ARTICLE_FEED_ENTRIES])
        authority = feed_authority(request)
        for article in articles:
            article.feed_id = tag_uri(authority, f"article:{article.pk}")
        return articles

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return escape(article.standfirst)  # plain text, in Atom's summary type="html"

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_guid(self, article):
        return article.feed_id

    def item_author_name(self, article):
        return article.byline

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.changed_at


articles_feed = public_page(require_safe(ArticlesFeed()))
