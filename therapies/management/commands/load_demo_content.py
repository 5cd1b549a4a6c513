"""Fill an empty database with the site's starting content.

    python manage.py load_demo_content

Safe to run again: every row is looked up by its natural key (slug or name;
for an estimate its subject, currency and as-of date; for a reference the page
citing it and its title; for a site text its key; for the demo reviewer the
user name) and only created when it is missing. Rows that already exist are left exactly as they are, so an
editor's later changes are never overwritten. (A row an editor deleted is
created again, as on an empty database.) A fact corrected in the seed since an
install was loaded reaches it as a pending revision for a reviewer to approve,
never as an overwrite (therapies/demo/corrections.py).
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.demo_content import load_trust_pages
from articles.models import Article, SitePage
from editorial.models import Reference, StaffProfile
from accounts.roles import ensure_roles
from therapies import demo_content as demo
from therapies.demo import corrections, fact_sheets
from therapies.models import Category, Therapy
from prices.models import CostEstimate


class Command(BaseCommand):
    help = (
        "Load the site's starting content (categories, therapies, prices, launch article, site texts, "
        "and the demo medical reviewer who approved them) where missing."
    )

    def handle(self, *args, **options):
        self.created = 0
        self.existing = 0
        with transaction.atomic():
            self.reviewer = self.load_demo_reviewer()
            categories = self.load_categories()
            therapies = self.load_therapies(categories)
            self.load_medicine_prices(therapies)
            article = self.load_article(therapies)
            self.load_references(article, therapies)
            fact_sheets.load(self, therapies)  # after the pages' own references, so they keep numbers 1, 2, 3
            self.load_site_pages()
            load_trust_pages(self)  # about, editorial policy, accessibility, contact, crisis lines
            corrections.propose(self.stdout.write)  # corrected facts on an older install: pending revisions
        self.stdout.write(
            self.style.SUCCESS(f"Done: {self.created} created, {self.existing} already there (left unchanged).")
        )

    # --- helpers ---------------------------------------------------------------------

    def get_or_create(self, model, lookups, values, label):
        """The first row matching one of `lookups`, or a new, validated row from `values`."""
        for lookup in lookups:
            obj = model.objects.filter(**lookup).first()
            if obj is not None:
                self.existing += 1
                self.stdout.write(f"  already there: {label}")
                return obj, False
        obj = model(**values)
        obj.full_clean()
        obj.save()
        self.created += 1
        self.stdout.write(self.style.SUCCESS(f"  created: {label}"))
        return obj, True

    def load_demo_reviewer(self):
        """The account the demo pages are approved by: in the Medical reviewers
        group, with no usable password (it is not a login), and a profile that
        tells readers it is demo data."""
        User = get_user_model()
        values = {**demo.DEMO_REVIEWER, "is_staff": False}
        reviewer = User.objects.filter(username=values["username"]).first()
        if reviewer is not None:
            self.existing += 1
            self.stdout.write(f"  already there: demo medical reviewer {reviewer.get_username()!r}")
        else:
            reviewer = User(**values)
            reviewer.set_unusable_password()
            reviewer.full_clean()
            reviewer.save()
            group = Group.objects.filter(name=demo.DEMO_REVIEWER_GROUP).first()
            if group is None:
                ensure_roles(apps)  # the roles' data migration has been undone, or a test flushed it
                group = Group.objects.get(name=demo.DEMO_REVIEWER_GROUP)
            reviewer.groups.add(group)
            self.created += 1
            self.stdout.write(self.style.SUCCESS(f"  created: demo medical reviewer {reviewer.get_username()!r}"))
        self.get_or_create(
            StaffProfile,
            lookups=[{"user": reviewer}],
            values={"user": reviewer, **demo.DEMO_REVIEWER_PROFILE},
            label=f"staff profile {demo.DEMO_REVIEWER_PROFILE['display_name']!r}",
        )
        return reviewer

    def load_categories(self):
        categories = {}
        sections = [
            (Category.Kind.DISEASE_MODIFYING, demo.DMT_CATEGORIES),
            (Category.Kind.EMERGING, demo.EMERGING_SECTIONS),
            (Category.Kind.SUPPORTIVE, demo.SUPPORTIVE_SECTIONS),
        ]
        for kind, rows in sections:
            for row in rows:
                fields = {key: value for key, value in row.items() if key != "estimate"}
                category, _ = self.get_or_create(
                    Category,
                    lookups=[{"slug": row["slug"]}, {"name": row["name"]}],
                    values={**fields, "kind": kind, **demo.PUBLISHED, "approved_by": self.reviewer},
                    label=f"category {row['name']!r}",
                )
                categories[row["slug"]] = category
                if "estimate" in row:
                    self.load_estimate(category, *row["estimate"])
        return categories

    def load_estimate(self, category, low, high):
        key = {"category": category, "currency": "USD", "as_of": demo.PRICES_AS_OF}
        self.get_or_create(
            CostEstimate,
            lookups=[key],
            values={
                **key,
                "low": low,
                "high": high,
                "source_name": demo.PRICE_SOURCE,
                "note": demo.PRICE_NOTE,
            },
            label=f"estimate for {category.name!r}: USD {low:,.0f}–{high:,.0f} as of {demo.PRICES_AS_OF}",
        )

    def load_medicine_prices(self, therapies):
        for slug, product, price_2017, price_2020 in demo.MEDICINE_PRICES:
            for study, amount in ((demo.HARTUNG_2017, price_2017), (demo.TAND_2020, price_2020)):
                if amount is None:
                    continue
                key = {"therapy": therapies[slug], "product": product, "currency": "USD", "as_of": study["as_of"]}
                self.get_or_create(
                    CostEstimate,
                    lookups=[key],
                    values={**key, **study, "low": amount, "high": amount, "note": demo.STUDY_PRICE_NOTE},
                    label=f"estimate for {product}: USD {amount:,} as of {study['as_of']}",
                )

    def load_therapies(self, categories):
        therapies = {}
        for row in [*demo.APPROVED_THERAPIES, *demo.EMERGING_AGENTS]:
            values = {
                "development_stage": Therapy.Stage.APPROVED,
                **row,
                "category": categories[row["category"]],
                **demo.PUBLISHED,
                "approved_by": self.reviewer,
            }
            therapy, _ = self.get_or_create(
                Therapy,
                lookups=[{"slug": row["slug"]}, {"generic_name": row["generic_name"]}],
                values=values,
                label=f"therapy {row['generic_name']!r}",
            )
            therapies[row["slug"]] = therapy
        return therapies

    def load_article(self, therapies):
        row = demo.LAUNCH_ARTICLE
        fields = {key: value for key, value in row.items() if key != "related_therapies"}
        article, created = self.get_or_create(
            Article,
            lookups=[{"slug": row["slug"]}],
            values={**fields, "approved_by": self.reviewer},
            label=f"article {row['title']!r}",
        )
        if created:
            article.related_therapies.set([therapies[slug] for slug in row["related_therapies"]])
        return article

    def load_references(self, article, therapies):
        pages = [(article, demo.ARTICLE_REFERENCES)] + [
            (therapies[slug], rows) for slug, rows in demo.THERAPY_REFERENCES.items()
        ]
        for cited_by, rows in pages:
            page = {"content_type": ContentType.objects.get_for_model(cited_by), "object_id": cited_by.pk}
            for position, row in enumerate(rows, start=1):
                key = {**page, "title": row["title"]}
                self.get_or_create(
                    Reference,
                    lookups=[key],
                    values={**key, "position": position, **row},
                    label=f"reference {row['title']!r} on {cited_by}",
                )

    def load_site_pages(self):
        for row in demo.SITE_PAGES:
            self.get_or_create(
                SitePage,
                lookups=[{"key": row["key"]}],
                values={**row, **demo.PUBLISHED, "approved_by": self.reviewer},
                label=f"site text {row['title']!r}",
            )
