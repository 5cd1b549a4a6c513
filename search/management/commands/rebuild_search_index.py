"""Write the whole search index again from the published content.

    python manage.py rebuild_search_index

Never needed in normal running (every change reaches the index when it is
saved), but safe at any time: after restoring a backup, loading data with
loaddata or raw SQL, or if a change could not be indexed (logged as
"The search index could not be updated")."""

from django.core.management.base import BaseCommand

from search import index


class Command(BaseCommand):
    help = "Rebuild the site search index from the published therapies, categories, articles and site texts."

    def handle(self, *args, **options):
        count = index.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} pages."))
