"""Price editors map HCPCS codes for the ASP pricing file, as they map NDCs
for NADAC (accounts/roles.py)."""

from django.db import migrations

from accounts.roles import ensure_roles

GRANTS = [
    ("prices", "hcpcsmapping", ["add", "change", "view"]),
]


def grant_roles(apps, schema_editor):
    ensure_roles(apps, {"Price editors": GRANTS})


class Migration(migrations.Migration):
    dependencies = [("prices", "0005_hcpcs_mappings_and_asp_format")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
