"""Withdrawing and correcting are the engine's generic verbs; the app whose
record it is names them in its own words (a model's decision_labels)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('editorial', '0005_reference_supports'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reviewdecision',
            name='action',
            field=models.CharField(choices=[('submitted', 'Submitted for review'), ('approved', 'Approved and published'), ('scheduled', 'Approved to go live later'), ('went_live', 'Went live as scheduled'), ('sent_back', 'Sent back'), ('unpublished', 'Unpublished'), ('restored', 'Restored an earlier version'), ('overwrote', "Saved over someone else's changes"), ('withdrew', 'Withdrew'), ('corrected', 'Corrected')], max_length=20),
        ),
    ]
