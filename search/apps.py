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
        post_migrate.connect(rebuild_index_after_migrate, sender=self, dispatch_uid="search_rebuild_index")


def rebuild_index_after_migrate(using="default", verbosity=1, **kwargs):
    """After `migrate`, the index is written again from the content: an
    install that had content before search existed, or whose index was
    lost, gets one, and a release that changes what is indexed reaches
    every page of an upgraded server, with no separate step. A few seconds
    for thousands of pages; nothing on an empty site."""
    import logging

    from django.db import DatabaseError, connections

    from search import index
    from search.models import SearchDocument

    try:
        if SearchDocument._meta.db_table not in connections[using].introspection.table_names():
            return  # migrated backwards past search's tables
        if index.readers_see_content():
            count = index.rebuild()
            if verbosity:
                print(f"Search index written: {count} pages.")
    except DatabaseError:
        logging.getLogger(__name__).exception("The search index could not be built after migrate")
