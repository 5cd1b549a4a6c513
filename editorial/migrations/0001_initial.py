"""The editorial engine gets its own app.

Revisions and slug redirects move here from `therapies` with their rows: the
models are adopted as they stand (state only, no data is copied) and their
tables renamed to this app's names. References get a new, generic table here;
editorial/0002 copies the rows from `articles`."""

import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The tables of Revision and SlugRedirect as therapies left them.
        ('therapies', '0004_cost_estimate_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalReference',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField()),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='References are numbered in this order.')),
                ('title', models.CharField(max_length=300)),
                ('publisher', models.CharField(blank=True, max_length=200)),
                ('url', models.URLField(blank=True, max_length=500, verbose_name='address')),
                ('accessed_on', models.DateField(blank=True, null=True, verbose_name='date accessed')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('content_type', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contenttypes.contenttype')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical reference',
                'verbose_name_plural': 'historical references',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Reference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField()),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='References are numbered in this order.')),
                ('title', models.CharField(max_length=300)),
                ('publisher', models.CharField(blank=True, max_length=200)),
                ('url', models.URLField(blank=True, max_length=500, verbose_name='address')),
                ('accessed_on', models.DateField(blank=True, null=True, verbose_name='date accessed')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
            ],
            options={
                'ordering': ['position', 'id'],
                'indexes': [models.Index(fields=['content_type', 'object_id', 'position'], name='reference_cited_by_position')],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Revision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('data', models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder)),
                        ('status', models.CharField(choices=[('pending', 'Awaiting review'), ('scheduled', 'Approved, goes live later'), ('applied', 'Live'), ('rejected', 'Sent back')], default='pending', max_length=20)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('review_note', models.TextField(blank=True)),
                        ('go_live_at', models.DateTimeField(blank=True, null=True)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'therapies_revision',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['content_type', 'object_id', 'status'], name='revision_object_status')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'scheduled', 'applied', 'rejected'])), name='revision_status_valid'), models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'scheduled'])), fields=('content_type', 'object_id'), name='revision_one_open_per_object'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'scheduled'), _negated=True), ('go_live_at__isnull', False), _connector='OR'), name='revision_scheduled_has_time')],
                    },
                ),
                migrations.CreateModel(
                    name='SlugRedirect',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('old_slug', models.SlugField(max_length=200)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                    ],
                    options={
                        'db_table': 'therapies_slugredirect',
                        'constraints': [models.UniqueConstraint(fields=('content_type', 'old_slug'), name='slug_redirect_unique_old_slug')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='revision', table=None),
        migrations.AlterModelTable(name='slugredirect', table=None),
    ]
