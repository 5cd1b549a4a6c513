from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Site search"

    def ready(self):
        from search import index

        # Every change to a therapy, category, article or site text reaches
        # the index once its transaction commits (search/index.py).
        index.connect_signals()
        post_migrate.connect(build_index_if_missing, sender=self, dispatch_uid="search_build_index_if_missing")


def build_index_if_missing(using="default", verbosity=1, **kwargs):
    """After `migrate`: an install that had content before search existed
    (or whose index was lost) gets its index, so `make run` and an upgraded
    server find their pages without a separate step."""
    import logging

    from django.db import DatabaseError, connections

    from search import index
    from search.models import SearchDocument

    try:
        if SearchDocument._meta.db_table not in connections[using].introspection.table_names():
            return  # migrated backwards past search's tables
        if index.needs_building():
            count = index.rebuild()
            if verbosity:
                print(f"Search index built: {count} pages.")
    except DatabaseError:
        logging.getLogger(__name__).exception("The search index could not be built after migrate")
