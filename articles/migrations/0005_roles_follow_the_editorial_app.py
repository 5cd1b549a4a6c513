"""The roles' grants on references and revisions follow those models into the
editorial app (accounts/roles.py as it is now)."""

from django.db import migrations

from accounts.roles import ensure_roles


def grant_roles(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_references_move_to_editorial"),
        ("therapies", "0005_review_records_move_to_editorial"),
        ("editorial", "0002_references_from_articles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
