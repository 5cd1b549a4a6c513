"""The Django side of the load and fault test (tests/loadtest.py): builds the
throwaway site before the run and reads back what was saved after it.

Run only as a child process of the driver, with the server's environment (its
settings module, DATABASE_URL and secret key), so it sees exactly the database
the server used:

    python -m tests.loadtest_site setup WORKDIR     # writes WORKDIR/site.json
    python -m tests.loadtest_site verify WORKDIR    # prints JSON on stdout
"""

import json
import secrets
import sys
import time
from pathlib import Path

EDITOR_COUNT = 2
# The generated price files name their own product ("load test product 3"),
# so their rows never collide with the demo's estimates or with each other,
# and each file's rows can be counted afterwards.
IMPORT_PRODUCT = "load test product"


def setup(workdir):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db.models import Q

    from articles.models import Article
    from therapies.models import Category, Therapy

    commands = [("migrate", {"interactive": False}), ("load_demo_content", {})]
    # Static files the driver copied in (collected once per test run) are not collected again.
    if not Path(workdir, "static", "staticfiles.json").exists():
        commands.append(("collectstatic", {"interactive": False}))
    for command, options in commands:
        started = time.monotonic()
        call_command(command, verbosity=0, **options)
        print(f"{command}: {time.monotonic() - started:.1f} s", flush=True)

    therapies = list(Therapy.objects.live().order_by("slug"))
    categories = list(Category.objects.live().order_by("slug"))
    articles = list(Article.objects.live().order_by("slug"))
    if len(therapies) < EDITOR_COUNT:
        sys.exit("The demo content has fewer live therapies than the load test has editors.")

    editors_group = Group.objects.get(name="Editors")
    users = get_user_model()
    editors = []
    for number in range(1, EDITOR_COUNT + 1):
        username = f"loadtest-editor-{number}"
        password = secrets.token_urlsafe(24)
        user = users.objects.create_user(
            username, password=password, is_staff=True, first_name="Load", last_name=f"Editor {number}"
        )
        user.groups.add(editors_group)
        # Each editor has pages of their own: a draft (saved straight into its
        # row) and a live therapy (saved as a pending revision), so the two
        # never meet in the edit-conflict screen and every save should land.
        draft = Article.objects.create(
            title=f"Load test draft {number}",
            slug=f"load-test-draft-{number}",
            standfirst="A draft the load test edits.",
            body="Draft text the load test adds to.",
            byline=f"Load Editor {number}",
            status=Article.Status.DRAFT,
        )
        live = therapies[number - 1]
        editors.append(
            {
                "username": username,
                "password": password,
                "targets": [
                    target(draft, "body"),
                    target(live, "body"),
                ],
            }
        )

    pages = ["/", "/therapies/", "/articles/", "/emerging/", "/care/"]
    pages += [therapy.get_absolute_url() for therapy in therapies]
    # A section with nothing listed in it has no page of its own (it redirects
    # to its place on /emerging/ or /care/, both read above).
    with_pages = Category.objects.live().filter(
        Q(kind=Category.Kind.DISEASE_MODIFYING) | Q(therapies__in=Therapy.objects.live())
    )
    own_pages = set(with_pages)
    pages += [category.get_absolute_url() for category in categories if category in own_pages]
    pages += [article.get_absolute_url() for article in articles]
    subjects = [["therapy", therapy.slug] for therapy in therapies] + [
        ["category", category.slug] for category in categories
    ]
    site = {"editors": editors, "pages": pages, "price_subjects": subjects}
    Path(workdir, "site.json").write_text(json.dumps(site, indent=1))


def target(obj, field):
    meta = obj._meta
    return {
        "model": meta.label,
        "pk": obj.pk,
        "field": field,
        "change_url": f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/",
        "name": f"{meta.verbose_name} {obj}",
    }


def verify(workdir):
    """The text each edited field holds now (a live page's pending revision,
    or a draft's own row) and how many rows each price import wrote."""
    from django.apps import apps

    from editorial.workflow import open_revision
    from django.db.models import Count

    from prices.models import CostEstimate

    site = json.loads(Path(workdir, "site.json").read_text())
    texts = {}
    for editor in site["editors"]:
        for item in editor["targets"]:
            obj = apps.get_model(item["model"]).objects.get(pk=item["pk"])
            revision = open_revision(obj)
            texts[item["change_url"]] = revision.data[item["field"]] if revision else getattr(obj, item["field"])
    imported = (
        CostEstimate.objects.filter(product__startswith=IMPORT_PRODUCT)
        .values_list("product")
        .annotate(rows=Count("id"))
    )
    print(json.dumps({"texts": texts, "imported": dict(imported)}))


def main(argv):
    import django

    command, workdir = argv
    django.setup()
    {"setup": setup, "verify": verify}[command](workdir)


if __name__ == "__main__":
    main(sys.argv[1:])
