"""Existing installs get the roles as accounts/roles.py now has them: site texts
and each kind of category (editors edit, medical reviewers also publish),
and, for editors and reviewers, reading review decisions and staff profiles."""

from django.db import migrations

from accounts.roles import ensure_roles


def grant_roles(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_site_texts_slug_help_no_images"),
        ("therapies", "0007_category_kinds_slug_help_no_images"),
        ("editorial", "0003_decisions_profiles_contributions"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
