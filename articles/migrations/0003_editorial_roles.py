"""The three editorial roles, as groups every install has (see accounts/roles.py).

Permissions are normally created after all migrations have run; ensure_roles
creates them first so the groups can be given them here. The grants are the
ones of this migration's time (references in articles, revisions in
therapies); editorial/0003 and articles/0004 move them with the models."""

from django.db import migrations

from accounts.roles import ensure_roles

_CONTENT = [
    ("articles", "article", ["add", "change", "delete", "view"]),
    ("articles", "reference", ["add", "change", "delete", "view"]),
    ("therapies", "category", ["add", "change", "delete", "view"]),
    ("therapies", "therapy", ["add", "change", "delete", "view"]),
    ("therapies", "costestimate", ["view"]),
    ("therapies", "revision", ["view"]),
]
ROLES_THEN = {
    "Editors": _CONTENT,
    "Medical reviewers": _CONTENT
    + [("articles", "article", ["publish"]), ("therapies", "therapy", ["publish"]), ("therapies", "category", ["publish"])],
    "Price editors": [
        ("therapies", "costestimate", ["add", "view"]),
        ("therapies", "priceimport", ["add", "view"]),
        ("therapies", "ndcmapping", ["add", "change", "view"]),
        ("therapies", "category", ["view"]),
        ("therapies", "therapy", ["view"]),
    ],
}


def create_roles(apps, schema_editor):
    ensure_roles(apps, ROLES_THEN)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES_THEN).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_review_workflow"),
        ("therapies", "0003_review_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
