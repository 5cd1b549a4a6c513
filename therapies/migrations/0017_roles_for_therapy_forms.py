"""Editors and medical reviewers edit a medicine's forms and versions on its
page (accounts/roles.py); the inline rule keeps them to reviewers once the
page is live."""

from django.db import migrations

from accounts.roles import ensure_roles

FORMS = [("therapies", "therapyform", ["add", "change", "delete", "view"])]


def grant_roles(apps, schema_editor):
    ensure_roles(apps, {"Editors": FORMS, "Medical reviewers": FORMS})


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0016_therapy_maker_approval_generics_breastfeeding_and_forms"),
        ("pages", "0002_roles_follow_the_moved_models"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
