from django.apps import AppConfig


class TherapiesConfig(AppConfig):
    name = "therapies"
    verbose_name = "Therapies and prices"

    def ready(self):
        from editorial import preview
        from therapies import page_cache, queries, views
        from therapies.models import CATEGORY_PROXIES, Category, Therapy

        preview.register(
            Therapy, views.THERAPY_TEMPLATE, lambda therapy, m2m: views.therapy_context(queries.prepare_therapy(therapy))
        )
        # Each kind of category is edited under its own name (a proxy), and
        # its change page links to the preview under that name.
        for model in (Category, *CATEGORY_PROXIES.values()):
            preview.register(
                model,
                views.CATEGORY_TEMPLATE,
                lambda category, m2m: views.category_context(queries.prepare_category(category)),
            )
        page_cache.connect()
