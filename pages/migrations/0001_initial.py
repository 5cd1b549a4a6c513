"""The site's own pages get their own app: site texts (with their history)
and readers' problem reports move here from `articles` with their rows."""

import core.markup
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.moving_models import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
        # The tables as articles left them.
        ('articles', '0011_trust_pages_and_reader_feedback'),
        # The migrations that grant the roles' permissions run first, while the
        # models are still the articles app's, so their grants move here too.
        ('search', '0002_editors_see_search_terms'),
        ('prices', '0001_initial'),
    ]

    operations = [
        # The tables and rows the articles app had (articles/0012 forgets them):
        # adopted as they stand, then renamed to this app's names.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Feedback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('page', models.CharField(help_text='The address on this site the reader reported, e.g. /therapies/fingolimod/.', max_length=500, verbose_name='page address')),
                        ('message', models.TextField(max_length=2000)),
                        ('email', models.EmailField(blank=True, help_text='Only if the reader wants an answer.', max_length=254, verbose_name="reader's email")),
                        ('status', models.CharField(choices=[('new', 'New'), ('in_progress', 'In progress'), ('done', 'Done')], default='new', max_length=20)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='received')),
                    ],
                    options={
                        'db_table': 'articles_feedback',
                        'verbose_name': "reader's problem report",
                        'verbose_name_plural': "readers' problem reports",
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['status', '-created_at'], name='feedback_status_created')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['new', 'in_progress', 'done'])), name='feedback_status_valid')],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalSitePage',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('published', 'Published'), ('unpublished', 'Unpublished')], default='draft', max_length=20)),
                        ('published_at', models.DateTimeField(blank=True, help_text='Readers see the content from this moment. Set by the reviewer who approves it.', null=True, verbose_name='goes live at')),
                        ('expires_at', models.DateTimeField(blank=True, help_text='Optional: readers no longer see the content after this.', null=True, verbose_name='hidden after')),
                        ('approved_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('approval_note', models.TextField(blank=True, editable=False)),
                        ('last_reviewed', models.DateField(blank=True, null=True)),
                        ('review_interval_months', models.PositiveSmallIntegerField(blank=True, help_text='Months until the next review. Leave empty for the site default; set a shorter interval for content that changes fast.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)])),
                        ('edit_version', models.PositiveIntegerField(default=0, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('key', models.CharField(choices=[('home', 'Home page: “What is MS?”'), ('emerging', 'Emerging therapies page: introduction'), ('care', 'Supportive care page: introduction'), ('about', 'About us (its own page)'), ('editorial-policy', 'Editorial policy (its own page)'), ('accessibility', 'Accessibility statement (its own page)'), ('contact', 'Contact us (its own page)'), ('crisis', 'Mental health support: crisis lines and helplines')], db_index=True, error_messages={'unique': 'There is already a text for this place: edit that one instead.'}, max_length=20, verbose_name='where it appears')),
                        ('title', models.CharField(help_text="The heading above the text: on the home page the section's heading, on the emerging therapies and supportive care pages and on the site's own pages (about us, editorial policy, accessibility, contact) the page's own heading, and for the crisis lines the heading of their box.", max_length=200)),
                        ('body', models.TextField(help_text="Markdown: blank line between paragraphs, **bold**, *italic*, [link text](https://example.org), lines starting with '- ' for a list, '## ' for a sub-heading. HTML and scripts are removed before readers see it. Images are not supported yet: link to them instead.", validators=[core.markup.reject_images])),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('approved_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('last_edited_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'articles_historicalsitepage',
                        'verbose_name': 'historical site text',
                        'verbose_name_plural': 'historical site texts',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='SitePage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('published', 'Published'), ('unpublished', 'Unpublished')], default='draft', max_length=20)),
                        ('published_at', models.DateTimeField(blank=True, help_text='Readers see the content from this moment. Set by the reviewer who approves it.', null=True, verbose_name='goes live at')),
                        ('expires_at', models.DateTimeField(blank=True, help_text='Optional: readers no longer see the content after this.', null=True, verbose_name='hidden after')),
                        ('approved_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('approval_note', models.TextField(blank=True, editable=False)),
                        ('last_reviewed', models.DateField(blank=True, null=True)),
                        ('review_interval_months', models.PositiveSmallIntegerField(blank=True, help_text='Months until the next review. Leave empty for the site default; set a shorter interval for content that changes fast.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)])),
                        ('edit_version', models.PositiveIntegerField(default=0, editable=False)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('key', models.CharField(choices=[('home', 'Home page: “What is MS?”'), ('emerging', 'Emerging therapies page: introduction'), ('care', 'Supportive care page: introduction'), ('about', 'About us (its own page)'), ('editorial-policy', 'Editorial policy (its own page)'), ('accessibility', 'Accessibility statement (its own page)'), ('contact', 'Contact us (its own page)'), ('crisis', 'Mental health support: crisis lines and helplines')], error_messages={'unique': 'There is already a text for this place: edit that one instead.'}, max_length=20, unique=True, verbose_name='where it appears')),
                        ('title', models.CharField(help_text="The heading above the text: on the home page the section's heading, on the emerging therapies and supportive care pages and on the site's own pages (about us, editorial policy, accessibility, contact) the page's own heading, and for the crisis lines the heading of their box.", max_length=200)),
                        ('body', models.TextField(help_text="Markdown: blank line between paragraphs, **bold**, *italic*, [link text](https://example.org), lines starting with '- ' for a list, '## ' for a sub-heading. HTML and scripts are removed before readers see it. Images are not supported yet: link to them instead.", validators=[core.markup.reject_images])),
                        ('approved_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('last_edited_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'articles_sitepage',
                        'verbose_name': 'site text',
                        'verbose_name_plural': 'site texts',
                        'ordering': ['key'],
                        'permissions': [('publish_sitepage', 'Can approve, publish and unpublish site texts')],
                        'abstract': False,
                        'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'in_review', 'published', 'unpublished'])), name='pages_sitepage_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='pages_sitepage_published_has_go_live_time'), models.CheckConstraint(condition=models.Q(('expires_at__isnull', True), ('published_at__isnull', True), ('expires_at__gt', models.F('published_at')), _connector='OR'), name='pages_sitepage_expires_after_go_live'), models.CheckConstraint(condition=models.Q(('review_interval_months__isnull', True), models.Q(('review_interval_months__gte', 1), ('review_interval_months__lte', 120)), _connector='OR'), name='pages_sitepage_review_interval_range'), models.CheckConstraint(condition=models.Q(('key__in', ['home', 'emerging', 'care', 'about', 'editorial-policy', 'accessibility', 'contact', 'crisis'])), name='site_page_key_valid')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='feedback', table=None),
        migrations.AlterModelTable(name='historicalsitepage', table=None),
        migrations.AlterModelTable(name='sitepage', table=None),
        move_content_types('articles', 'pages', ['sitepage', 'historicalsitepage', 'feedback']),
    ]
