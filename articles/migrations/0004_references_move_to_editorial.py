"""References now live in the editorial app, which copied every row
(editorial/0002); the old tables go."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0003_editorial_roles'),
        ('editorial', '0002_references_from_articles'),
    ]

    operations = [
        migrations.DeleteModel(name='HistoricalReference'),
        migrations.DeleteModel(name='Reference'),
    ]
