"""Editors and medical reviewers keep the list of search synonyms."""

from django.db import migrations

from accounts.roles import ensure_roles

GRANTS = [("search", "searchsynonym", ["add", "change", "delete", "view"])]


def grant(apps, schema_editor):
    ensure_roles(apps, {"Editors": GRANTS, "Medical reviewers": GRANTS})


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_search_synonyms"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
