"""Fill an empty database with the site's starting content.

    python manage.py load_demo_content

Each app loads its own part (`<app>/demo/`: its data files and a small
loader), called here from the bottom layer up, so a part can use what a lower
one created: the demo reviewer first, then the catalogue, its prices, the
launch article, the site's own texts, the search synonyms and the watched
sources.

Safe to run again: every row is looked up by its natural key (slug or name;
for an estimate its subject, currency and as-of date; for a reference the page
citing it and its title or identifier; for a site text its key; for the demo
reviewer the user name; for a search synonym its term) and only created when
it is missing. Rows that already exist are left exactly as they are, so an
editor's later changes are never overwritten. A fact corrected in the seed since an install was loaded
reaches it as a pending revision for a reviewer to approve, never as an
overwrite (editorial/demo/corrections.py); a catalogue page missing from an
install loaded earlier (a medicine added since, or one an editor deleted)
arrives as a page in review (therapies/demo/__init__.py).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from articles import demo as articles_demo
from core.demo import Loader
from editorial import demo as editorial_demo
from pages import demo as pages_demo
from prices import demo as prices_demo
from search import demo as search_demo
from therapies import demo as therapies_demo
from watches import demo as watches_demo


class Command(BaseCommand):
    help = (
        "Load the site's starting content (categories, therapies, prices, launch article, site texts, "
        "search synonyms, and the demo medical reviewer who approved them) where missing."
    )

    def handle(self, *args, **options):
        self.loader = Loader(self.stdout, self.style)
        with transaction.atomic():
            self.reviewer = accounts_demo.load(self.loader)
            editorial_demo.load(self.loader, self.reviewer)
            catalogue = therapies_demo.load(self.loader, self.reviewer)
            prices_demo.load(self.loader, catalogue)
            self.load_article(catalogue.therapies)
            pages_demo.load(self.loader, self.reviewer)
            search_demo.load(self.loader)
            watches_demo.load(self.loader)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {self.loader.created} created, {self.loader.existing} already there (left unchanged)."
            )
        )

    # A step of its own so a test can make the load fail part-way.
    def load_article(self, therapies):
        return articles_demo.load(self.loader, self.reviewer, therapies)
