"""Editors and price editors read what the scheduled checks found (accounts/roles.py)."""

from django.db import migrations

from accounts.roles import ensure_roles

GRANTS = [("watches", "watchedsource", ["view"]), ("watches", "watchrun", ["view"])]


def grant_roles(apps, schema_editor):
    ensure_roles(apps, {"Editors": GRANTS, "Medical reviewers": GRANTS, "Price editors": GRANTS})


class Migration(migrations.Migration):
    dependencies = [("watches", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
