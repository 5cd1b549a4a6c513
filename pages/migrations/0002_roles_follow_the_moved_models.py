"""The roles as accounts/roles.py now has them, naming prices and site texts
under their new apps. An existing install already has these grants (the
content types were relabelled in place); a new install gets them here,
because the earlier roles migrations ran before these apps had the models."""

from django.db import migrations

from accounts.roles import ensure_roles


def grant_roles(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ('pages', '0001_initial'),
        ('prices', '0001_initial'),
        ('articles', '0012_site_pages_move_to_their_own_app'),
        ('therapies', '0015_prices_move_to_their_own_app'),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
