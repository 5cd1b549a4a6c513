from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site pages"

    def ready(self):
        from pages.models import SitePage
        from editorial import preview
        from pages import decide_views, views
        from django.http import QueryDict

        from pages.queries import live_site_page, live_site_pages

        def build_introduced_page(page, m2m):
            # A site text is previewed on the page it introduces, or is.
            if page.key in SitePage.OWN_PAGES:
                return {**views.site_page_context(page, page.key), "page_template": views.SITE_PAGE_TEMPLATE}
            if page.key == SitePage.Key.CRISIS_SUPPORT:
                # The crisis lines are previewed with the mental health section of the supportive care page.
                introduction = live_site_page(SitePage.Key.CARE_INTRODUCTION)
                return {**views.care_context(introduction, crisis=page), "page_template": views.CARE_TEMPLATE}
            if page.key in decide_views.DECIDE_KEYS:
                # A question or the introduction, on the question page with the other live texts.
                texts = {**live_site_pages(*decide_views.DECIDE_KEYS), page.key: page}
                return {
                    **decide_views.decision_aid_context(texts, QueryDict(), with_medicines=False),
                    "page_template": decide_views.QUESTIONS_TEMPLATE,
                }
            template, context = views.INTRODUCED_PAGES[page.key]
            return {**context(page), "page_template": template}

        preview.register(SitePage, "pages/site_page_preview.html", build_introduced_page)
