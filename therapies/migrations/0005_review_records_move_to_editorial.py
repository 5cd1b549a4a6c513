"""Revisions and slug redirects now belong to the editorial app
(editorial/0001 adopts their tables and rows): this app forgets them without
touching the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('therapies', '0004_cost_estimate_history'),
        ('editorial', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='slugredirect', name='content_type'),
                migrations.DeleteModel(name='Revision'),
                migrations.DeleteModel(name='SlugRedirect'),
            ],
        ),
    ]
