"""Editors and medical reviewers keep the glossary; medical reviewers check
the meanings readers see."""

from django.db import migrations

from accounts.roles import ensure_roles

GRANTS = [("editorial", "glossaryterm", ["add", "change", "delete", "view"])]
CHECKS = [("editorial", "glossaryterm", ["publish"])]


def grant(apps, schema_editor):
    ensure_roles(apps, {"Editors": GRANTS, "Medical reviewers": GRANTS + CHECKS})


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0009_glossary"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # ensure_roles makes the content types of every model the state holds:
        # run only once the models that moved to prices and pages have left
        # their old apps, or it would make stale ones (therapies.costestimate)
        # beside the moved rows.
        ("therapies", "0015_prices_move_to_their_own_app"),
        ("articles", "0012_site_pages_move_to_their_own_app"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
