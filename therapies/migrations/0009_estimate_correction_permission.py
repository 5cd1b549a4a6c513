"""Withdrawing or correcting a cost estimate needs its own permission (a
recorded estimate is never changed): price editors and medical reviewers get
it, and medical reviewers may open price imports to withdraw a whole one."""

from django.db import migrations

from accounts.roles import ensure_roles


def grant_roles(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0008_estimate_withdrawal_correction_product"),
        ("articles", "0010_roles_for_site_texts_category_kinds_and_decisions"),
        ("editorial", "0004_price_decisions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="costestimate",
            options={
                "get_latest_by": ["as_of", "recorded_at", "id"],
                "ordering": ["-as_of", "-recorded_at", "-id"],
                "permissions": [("correct_costestimate", "Can withdraw or correct cost estimates")],
            },
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
