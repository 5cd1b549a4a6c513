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

        from articles import site_pages
        from articles.queries import live_site_page

        def build_introduced_page(page, m2m):
            # A site text is previewed on the page it introduces, or is.
            if page.key in SitePage.OWN_PAGES:
                return {**site_pages.site_page_context(page, page.key), "page_template": site_pages.SITE_PAGE_TEMPLATE}
            if page.key == SitePage.Key.CRISIS_SUPPORT:
                # The crisis lines are previewed with the mental health section of the supportive care page.
                template, context = INTRODUCED_PAGES[SitePage.Key.CARE_INTRODUCTION]
                introduction = live_site_page(SitePage.Key.CARE_INTRODUCTION)
                return {**context(introduction), "crisis_preview": page, "page_template": template}
            template, context = INTRODUCED_PAGES[page.key]
            return {**context(page), "page_template": template}

        preview.register(SitePage, "articles/site_page_preview.html", build_introduced_page)
