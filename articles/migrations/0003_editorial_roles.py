"""The three editorial roles, as groups every install has.

Permissions are normally created after all migrations have run; this
migration creates them first so the groups can be given them here."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = [
    ("articles", "article", ["add", "change", "delete", "view"]),
    ("articles", "reference", ["add", "change", "delete", "view"]),
    ("therapies", "category", ["add", "change", "delete", "view"]),
    ("therapies", "therapy", ["add", "change", "delete", "view"]),
    ("therapies", "costestimate", ["view"]),
    ("therapies", "revision", ["view"]),
]
PUBLISHING = [
    ("articles", "article", ["publish"]),
    ("therapies", "therapy", ["publish"]),
    ("therapies", "category", ["publish"]),
]
PRICES = [
    ("therapies", "costestimate", ["add", "view"]),
    ("therapies", "priceimport", ["add", "view"]),
    ("therapies", "ndcmapping", ["add", "change", "view"]),
    # To pick the category or therapy an estimate belongs to.
    ("therapies", "category", ["view"]),
    ("therapies", "therapy", ["view"]),
]

ROLES = {
    "Editors": CONTENT,
    "Medical reviewers": CONTENT + PUBLISHING,
    "Price editors": PRICES,
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model_name, actions in grants:
            for action in actions:
                permission = Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model_name}"
                )
                group.permissions.add(permission)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_review_workflow"),
        ("therapies", "0003_review_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
