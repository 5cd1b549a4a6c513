"""The roles' grants on references and revisions follow those models into the
editorial app (msinfo/roles.py as it is now)."""

from django.db import migrations

from msinfo.roles import ROLES, ensure_roles


def grant_roles(apps, schema_editor):
    # ROLES may since grant on models that do not exist yet at this point;
    # the migration that adds them (or a later one) grants those.
    present = {(model._meta.app_label, model._meta.model_name) for model in apps.get_models()}
    roles = {group: [grant for grant in grants if grant[:2] in present] for group, grants in ROLES.items()}
    ensure_roles(apps, roles)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_references_move_to_editorial"),
        ("therapies", "0005_review_records_move_to_editorial"),
        ("editorial", "0002_references_from_articles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
