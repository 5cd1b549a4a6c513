from django.apps import AppConfig


class PricesConfig(AppConfig):
    name = "prices"
    verbose_name = "Prices"

    def ready(self):
        # The catalogue's pages show prices through therapies.extensions.
        from prices import catalogue_pages  # noqa: F401

        # Price files fetched on schedule are checked here (watches.kinds).
        from prices import scheduled  # noqa: F401

        from core import middleware, watching
        from prices import page_cache
        from prices.admin.uploads import price_upload_limit

        # Price files are uploaded whole: the upload page may receive more than any other.
        middleware.allow_larger_body("admin:prices_priceimport_upload", price_upload_limit)

        # Readers see prices: a new, withdrawn or corrected estimate empties the page cache.
        watching.watch(*self.get_models(include_auto_created=True))
        page_cache.connect()
