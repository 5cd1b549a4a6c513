"""Site texts and readers' problem reports now belong to the pages app
(pages/0001 adopts their tables and rows): this app forgets them without
touching the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('pages', '0001_initial'),
        ('articles', '0011_trust_pages_and_reader_feedback'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Feedback',
                ),
                migrations.RemoveField(
                    model_name='sitepage',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='sitepage',
                    name='last_edited_by',
                ),
                migrations.DeleteModel(
                    name='HistoricalSitePage',
                ),
                migrations.DeleteModel(
                    name='SitePage',
                ),
            ],
        ),
    ]
