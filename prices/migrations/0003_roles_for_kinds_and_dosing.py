"""Price editors record products' dosing and choose among the countries and
kinds of figure (accounts/roles.py)."""

from django.db import migrations

from accounts.roles import ensure_roles

GRANTS = [
    ("prices", "productdosing", ["add", "change", "view"]),
    ("prices", "country", ["view"]),
    ("prices", "pricekind", ["view"]),
]


def grant_roles(apps, schema_editor):
    ensure_roles(apps, {"Price editors": GRANTS})


class Migration(migrations.Migration):
    dependencies = [("prices", "0002_kinds_and_countries")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
