"""Prices get their own app: cost estimates (with their history), price
imports and NDC mappings move here from `therapies` with their rows."""

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.moving_models import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        # The tables as therapies left them.
        ('therapies', '0014_estimate_feed_indexes'),
        # The migrations that grant the roles' permissions (accounts.roles.ensure_roles)
        # run first, while the models are still the therapies app's, so their
        # grants move here with the content types.
        ('articles', '0011_trust_pages_and_reader_feedback'),
        ('search', '0002_editors_see_search_terms'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables and rows the therapies app had (therapies/0015 forgets them):
        # adopted as they stand, then renamed to this app's names.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CostEstimate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('low', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0)], verbose_name='lowest annual cost')),
                        ('high', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0)], verbose_name='highest annual cost')),
                        ('currency', models.CharField(default='USD', help_text='ISO 4217 code, e.g. USD, EUR, GBP.', max_length=3)),
                        ('as_of', models.DateField(help_text='The date the figures were true.', verbose_name='as of')),
                        ('product', models.CharField(blank=True, help_text="Which product the figures are for, e.g. 'brand (Gilenya)' or 'generic fingolimod'. Leave empty when they are for the medicine or group as a whole.", max_length=120, verbose_name='product priced')),
                        ('source_name', models.CharField(max_length=200, verbose_name='source')),
                        ('source_url', models.URLField(blank=True, max_length=500, verbose_name='source address')),
                        ('note', models.TextField(blank=True)),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('state', models.CharField(choices=[('active', 'In use'), ('withdrawn', 'Withdrawn'), ('superseded', 'Replaced by a correction')], default='active', editable=False, max_length=12)),
                        ('withdrawn_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('withdrawal_reason', models.TextField(blank=True, editable=False)),
                        ('correction_reason', models.TextField(blank=True, editable=False)),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cost_estimates', to='therapies.category')),
                        ('recorded_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recorded_cost_estimates', to=settings.AUTH_USER_MODEL)),
                        ('replaces', models.OneToOneField(blank=True, editable=False, help_text='The estimate this one corrects.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaced_by', to='prices.costestimate')),
                        ('therapy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cost_estimates', to='therapies.therapy')),
                        ('withdrawn_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'therapies_costestimate',
                        'ordering': ['-as_of', '-recorded_at', '-id'],
                        'permissions': [('correct_costestimate', 'Can withdraw or correct cost estimates')],
                        'get_latest_by': ['as_of', 'recorded_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='PriceImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file_name', models.CharField(help_text='File name, path or address as given.', max_length=500)),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('format', models.CharField(choices=[('csv', 'CSV'), ('json', 'JSON'), ('nadac', 'NADAC (CMS) weekly file')], max_length=10)),
                        ('source_kind', models.CharField(choices=[('upload', 'Uploaded in the admin'), ('command', 'File given to the import_prices command'), ('url', 'Fetched from an address by the import_prices command')], max_length=10)),
                        ('rows_total', models.PositiveIntegerField(verbose_name='rows')),
                        ('rows_new', models.PositiveIntegerField(verbose_name='new estimates')),
                        ('rows_unchanged', models.PositiveIntegerField(verbose_name='already recorded')),
                        ('summary', models.TextField(blank=True, help_text='What the importer noted, e.g. rows skipped in a NADAC file.')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('created_by_label', models.CharField(help_text="The editor's user name, or 'by the command' for the import_prices command.", max_length=150, verbose_name='imported by')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='price_imports', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'therapies_priceimport',
                        'ordering': ['-created_at', '-id'],
                        'get_latest_by': 'created_at',
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCostEstimate',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('low', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0)], verbose_name='lowest annual cost')),
                        ('high', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0)], verbose_name='highest annual cost')),
                        ('currency', models.CharField(default='USD', help_text='ISO 4217 code, e.g. USD, EUR, GBP.', max_length=3)),
                        ('as_of', models.DateField(help_text='The date the figures were true.', verbose_name='as of')),
                        ('product', models.CharField(blank=True, help_text="Which product the figures are for, e.g. 'brand (Gilenya)' or 'generic fingolimod'. Leave empty when they are for the medicine or group as a whole.", max_length=120, verbose_name='product priced')),
                        ('source_name', models.CharField(max_length=200, verbose_name='source')),
                        ('source_url', models.URLField(blank=True, max_length=500, verbose_name='source address')),
                        ('note', models.TextField(blank=True)),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('state', models.CharField(choices=[('active', 'In use'), ('withdrawn', 'Withdrawn'), ('superseded', 'Replaced by a correction')], default='active', editable=False, max_length=12)),
                        ('withdrawn_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('withdrawal_reason', models.TextField(blank=True, editable=False)),
                        ('correction_reason', models.TextField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('category', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='therapies.category')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('replaces', models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text='The estimate this one corrects.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='prices.costestimate')),
                        ('therapy', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='therapies.therapy')),
                        ('withdrawn_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('price_import', models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text='The price file this estimate came from; empty when it was typed in.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='prices.priceimport')),
                    ],
                    options={
                        'db_table': 'therapies_historicalcostestimate',
                        'verbose_name': 'historical cost estimate',
                        'verbose_name_plural': 'historical cost estimates',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddField(
                    model_name='costestimate',
                    name='price_import',
                    field=models.ForeignKey(blank=True, editable=False, help_text='The price file this estimate came from; empty when it was typed in.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='estimates', to='prices.priceimport'),
                ),
                migrations.CreateModel(
                    name='NdcMapping',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ndc', models.CharField(help_text='11 digits as in the NADAC file, e.g. 00002143380 (0002-1433-80 is accepted and converted).', max_length=11, unique=True, verbose_name='NDC')),
                        ('units_per_year', models.DecimalField(decimal_places=4, help_text="Pricing units (as in NADAC's 'Pricing Unit' column) for one year of treatment, e.g. 365 tablets.", max_digits=12, verbose_name='units a year')),
                        ('note', models.TextField(blank=True, help_text='e.g. the pack, strength and dosing the units are based on.')),
                        ('therapy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ndc_mappings', to='therapies.therapy')),
                    ],
                    options={
                        'db_table': 'therapies_ndcmapping',
                        'verbose_name': 'NDC mapping',
                        'ordering': ['therapy__generic_name', 'ndc'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ndc__regex', '^[0-9]{11}$')), name='ndc_mapping_ndc_11_digits'), models.CheckConstraint(condition=models.Q(('units_per_year__gt', 0)), name='ndc_mapping_units_positive')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='priceimport',
                    constraint=models.CheckConstraint(condition=models.Q(('sha256__regex', '^[0-9a-f]{64}$')), name='price_import_sha256_hex'),
                ),
                migrations.AddConstraint(
                    model_name='priceimport',
                    constraint=models.CheckConstraint(condition=models.Q(('format__in', ['csv', 'json', 'nadac'])), name='price_import_format_valid'),
                ),
                migrations.AddConstraint(
                    model_name='priceimport',
                    constraint=models.CheckConstraint(condition=models.Q(('source_kind__in', ['upload', 'command', 'url'])), name='price_import_source_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='priceimport',
                    constraint=models.CheckConstraint(condition=models.Q(('rows_total', django.db.models.expressions.CombinedExpression(models.F('rows_new'), '+', models.F('rows_unchanged')))), name='price_import_rows_add_up'),
                ),
                migrations.AddConstraint(
                    model_name='priceimport',
                    constraint=models.CheckConstraint(condition=models.Q(('rows_new__gt', 0)), name='price_import_wrote_something'),
                ),
                migrations.AddIndex(
                    model_name='costestimate',
                    index=models.Index(fields=['category', '-as_of', '-recorded_at', '-id'], name='cost_estimate_category_newest'),
                ),
                migrations.AddIndex(
                    model_name='costestimate',
                    index=models.Index(fields=['therapy', '-as_of', '-recorded_at', '-id'], name='cost_estimate_therapy_newest'),
                ),
                migrations.AddIndex(
                    model_name='costestimate',
                    index=models.Index(fields=['therapy', 'product', '-as_of', '-recorded_at', '-id'], name='cost_estimate_therapy_product'),
                ),
                migrations.AddIndex(
                    model_name='costestimate',
                    index=models.Index(fields=['-recorded_at', '-id'], name='estimate_recorded_newest'),
                ),
                migrations.AddIndex(
                    model_name='costestimate',
                    index=models.Index(fields=['-withdrawn_at', '-id'], name='estimate_withdrawn_newest'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.CheckConstraint(condition=models.Q(('low__gte', 0)), name='cost_estimate_low_non_negative'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.CheckConstraint(condition=models.Q(('high__gte', 0)), name='cost_estimate_high_non_negative'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.CheckConstraint(condition=models.Q(('low__lte', models.F('high'))), name='cost_estimate_low_not_above_high'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.CheckConstraint(condition=models.Q(('currency__regex', '^[A-Z]{3}$')), name='cost_estimate_currency_iso_code'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('category__isnull', False), ('therapy__isnull', True)), models.Q(('category__isnull', True), ('therapy__isnull', False)), _connector='OR'), name='cost_estimate_exactly_one_subject'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.UniqueConstraint(condition=models.Q(('category__isnull', False), ('state', 'active')), fields=('category', 'product', 'currency', 'as_of'), name='cost_estimate_unique_category_currency_date', violation_error_message='This category already has an estimate in this currency for this date.'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'active'), ('therapy__isnull', False)), fields=('therapy', 'product', 'currency', 'as_of'), name='cost_estimate_unique_therapy_currency_date', violation_error_message='This therapy already has an estimate in this currency for this date.'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.CheckConstraint(condition=models.Q(('state__in', ['active', 'withdrawn', 'superseded'])), name='cost_estimate_state_valid'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'withdrawn'), _negated=True), models.Q(('withdrawn_at__isnull', False), models.Q(('withdrawal_reason', ''), _negated=True)), _connector='OR'), name='cost_estimate_withdrawal_has_time_and_reason'),
                ),
                migrations.AddConstraint(
                    model_name='costestimate',
                    constraint=models.CheckConstraint(condition=models.Q(('replaces__isnull', True), models.Q(('correction_reason', ''), _negated=True), _connector='OR'), name='cost_estimate_correction_has_reason'),
                ),
            ],
        ),
        migrations.AlterModelTable(name='costestimate', table=None),
        migrations.AlterModelTable(name='historicalcostestimate', table=None),
        migrations.AlterModelTable(name='priceimport', table=None),
        migrations.AlterModelTable(name='ndcmapping', table=None),
        move_content_types('therapies', 'prices', ['costestimate', 'historicalcostestimate', 'priceimport', 'ndcmapping']),
    ]
