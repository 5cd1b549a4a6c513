"""Editors and medical reviewers see what readers searched for (the search
terms list and the dashboard's "searched for but not found" panel)."""

from django.db import migrations

from accounts.roles import ensure_roles

GRANTS = [("search", "searchterm", ["view"])]


def grant(apps, schema_editor):
    ensure_roles(apps, {"Editors": GRANTS, "Medical reviewers": GRANTS})


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
