"""Editors and medical reviewers keep the media library (accounts/roles.py)."""

from django.db import migrations

from accounts.roles import ensure_roles

GRANTS = [("images", "image", ["add", "change", "delete", "view"])]


def grant_roles(apps, schema_editor):
    ensure_roles(apps, {"Editors": GRANTS, "Medical reviewers": GRANTS})


class Migration(migrations.Migration):
    dependencies = [("images", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
