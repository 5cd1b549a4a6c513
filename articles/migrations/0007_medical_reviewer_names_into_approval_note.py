"""The article's free-text "medical reviewer" goes: "Reviewed by" now names the
reviewer account that approved the page. The typed names are not lost: each is
added to the article's approval note (and to the same note in every history
row that had one). The next migration drops the column: on PostgreSQL the data
change and the table change then run in separate transactions."""

from django.db import migrations

PREFIX = "Medical reviewer named before reviewer accounts: "


def with_reviewer(note, reviewer):
    line = PREFIX + reviewer.strip()
    if line in note:
        return note
    return f"{note.rstrip()}\n\n{line}" if note.strip() else line


def keep_reviewer_names(apps, schema_editor):
    for model_name in ("Article", "HistoricalArticle"):
        model = apps.get_model("articles", model_name)
        rows = model.objects.exclude(medical_reviewer="").only("pk", "approval_note", "medical_reviewer")
        for row in rows.iterator():
            if not row.medical_reviewer.strip():
                continue
            model.objects.filter(pk=row.pk).update(approval_note=with_reviewer(row.approval_note, row.medical_reviewer))


def restore_reviewer_names(apps, schema_editor):
    for model_name in ("Article", "HistoricalArticle"):
        model = apps.get_model("articles", model_name)
        for row in model.objects.filter(approval_note__contains=PREFIX).only("pk", "approval_note").iterator():
            kept, _, rest = row.approval_note.partition(PREFIX)
            name, _, after = rest.partition("\n")
            model.objects.filter(pk=row.pk).update(
                medical_reviewer=name.strip()[:200], approval_note=(kept.rstrip() + after).strip()
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_full_change_reasons"),
    ]

    operations = [
        migrations.RunPython(keep_reviewer_names, restore_reviewer_names),
    ]
