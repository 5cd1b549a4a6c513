"""Editors and medical reviewers keep the glossary."""

from django.db import migrations

from accounts.roles import ensure_roles

GRANTS = [("editorial", "glossaryterm", ["add", "change", "delete", "view"])]


def grant(apps, schema_editor):
    ensure_roles(apps, {"Editors": GRANTS, "Medical reviewers": GRANTS})


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0009_glossary"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
