"""The free-text medical reviewer is gone (its values are in the approval notes:
see 0007). "Reviewed by" names the approving reviewer's account."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_medical_reviewer_names_into_approval_note"),
    ]

    operations = [
        migrations.RemoveField(model_name="article", name="medical_reviewer"),
        migrations.RemoveField(model_name="historicalarticle", name="medical_reviewer"),
    ]
