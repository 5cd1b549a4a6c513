from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import catalogue_pages  # noqa: F401  (a therapy's page lists the articles that mention it)
        from articles import page_cache, views
        from articles.models import Article
        from articles.queries import prepare_article
        from editorial import preview

        def build(article, m2m):
            related = m2m.get("related_therapies") if m2m is not None else None
            return views.article_context(prepare_article(article, related))

        preview.register(Article, views.ARTICLE_TEMPLATE, build)
        page_cache.connect()
