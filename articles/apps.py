from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import views
        from articles.models import Article
        from articles.queries import prepare_article
        from editorial import preview

        def build(article, m2m):
            related = m2m.get("related_therapies") if m2m is not None else None
            return views.article_context(prepare_article(article, related))

        preview.register(Article, views.ARTICLE_TEMPLATE, build)

        from articles.models import SitePage
        from therapies.views import INTRODUCED_PAGES

        def build_introduced_page(page, m2m):
            # A site text is previewed on the page it introduces.
            template, context = INTRODUCED_PAGES[page.key]
            return {**context(page), "page_template": template}

        preview.register(SitePage, "articles/site_page_preview.html", build_introduced_page)
