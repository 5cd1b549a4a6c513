"""'Imported by' names the person as colleagues know them: the staff
profile's display name, else the account's full name, else the user name
(editorial.models.person_name), for the imports recorded before too."""

from django.db import migrations, models


def name_the_people(apps, schema_editor):
    alias = schema_editor.connection.alias
    PriceImport = apps.get_model("prices", "PriceImport")
    StaffProfile = apps.get_model("editorial", "StaffProfile")
    imports = PriceImport.objects.using(alias).filter(created_by__isnull=False).select_related("created_by")
    profiles = dict(StaffProfile.objects.using(alias).values_list("user_id", "display_name"))
    for record in imports:
        user = record.created_by
        name = profiles.get(user.pk) or f"{user.first_name} {user.last_name}".strip() or user.username
        if name != record.created_by_label:
            PriceImport.objects.using(alias).filter(pk=record.pk).update(created_by_label=name[:150])


class Migration(migrations.Migration):

    dependencies = [
        ("prices", "0007_priceimport_fetched_on_schedule"),
        ("editorial", "0008_evidence_watch"),
    ]

    operations = [
        migrations.AlterField(
            model_name="priceimport",
            name="created_by_label",
            field=models.CharField(
                help_text="The editor's name as colleagues know it (their profile's display name), 'by the command' for the import_prices command, or 'on schedule (run_watches)'.",
                max_length=150,
                verbose_name="imported by",
            ),
        ),
        migrations.RunPython(name_the_people, migrations.RunPython.noop),
    ]
