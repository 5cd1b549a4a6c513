"""The site's own pages (about us, editorial policy, accessibility, contact)
and the crisis lines become site texts; readers' problem reports are stored
(Feedback); editors and medical reviewers may read them and change their
status (accounts/roles.py, granted by the data step at the end)."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from accounts.roles import ensure_roles


def grant_roles(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_roles_for_site_texts_category_kinds_and_decisions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
                'verbose_name': "reader's problem report",
                'verbose_name_plural': "readers' problem reports",
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='sitepage',
            name='site_page_key_valid',
        ),
        migrations.AlterField(
            model_name='historicalsitepage',
            name='key',
            field=models.CharField(choices=[('home', 'Home page: “What is MS?”'), ('emerging', 'Emerging therapies page: introduction'), ('care', 'Supportive care page: introduction'), ('about', 'About us (its own page)'), ('editorial-policy', 'Editorial policy (its own page)'), ('accessibility', 'Accessibility statement (its own page)'), ('contact', 'Contact us (its own page)'), ('crisis', 'Mental health support: crisis lines and helplines')], db_index=True, error_messages={'unique': 'There is already a text for this place: edit that one instead.'}, max_length=20, verbose_name='where it appears'),
        ),
        migrations.AlterField(
            model_name='historicalsitepage',
            name='title',
            field=models.CharField(help_text="The heading above the text: on the home page the section's heading, on the emerging therapies and supportive care pages and on the site's own pages (about us, editorial policy, accessibility, contact) the page's own heading, and for the crisis lines the heading of their box.", max_length=200),
        ),
        migrations.AlterField(
            model_name='sitepage',
            name='key',
            field=models.CharField(choices=[('home', 'Home page: “What is MS?”'), ('emerging', 'Emerging therapies page: introduction'), ('care', 'Supportive care page: introduction'), ('about', 'About us (its own page)'), ('editorial-policy', 'Editorial policy (its own page)'), ('accessibility', 'Accessibility statement (its own page)'), ('contact', 'Contact us (its own page)'), ('crisis', 'Mental health support: crisis lines and helplines')], error_messages={'unique': 'There is already a text for this place: edit that one instead.'}, max_length=20, unique=True, verbose_name='where it appears'),
        ),
        migrations.AlterField(
            model_name='sitepage',
            name='title',
            field=models.CharField(help_text="The heading above the text: on the home page the section's heading, on the emerging therapies and supportive care pages and on the site's own pages (about us, editorial policy, accessibility, contact) the page's own heading, and for the crisis lines the heading of their box.", max_length=200),
        ),
        migrations.AddConstraint(
            model_name='sitepage',
            constraint=models.CheckConstraint(condition=models.Q(('key__in', ['home', 'emerging', 'care', 'about', 'editorial-policy', 'accessibility', 'contact', 'crisis'])), name='site_page_key_valid'),
        ),
        migrations.AddIndex(
            model_name='feedback',
            index=models.Index(fields=['status', '-created_at'], name='feedback_status_created'),
        ),
        migrations.AddConstraint(
            model_name='feedback',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['new', 'in_progress', 'done'])), name='feedback_status_valid'),
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
