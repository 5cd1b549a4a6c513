"""References (and their history) move from `articles` to the editorial
engine: each row keeps its id and points at the page citing it through that
page's content type instead of an article or therapy column."""

from django.core.management.color import no_style
from django.db import migrations

CITING = (("article", "articles", "article"), ("therapy", "therapies", "therapy"))


def copy_references(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    OldReference = apps.get_model("articles", "Reference")
    OldHistorical = apps.get_model("articles", "HistoricalReference")
    Reference = apps.get_model("editorial", "Reference")
    Historical = apps.get_model("editorial", "HistoricalReference")
    db = schema_editor.connection.alias
    content_types = {
        column: ContentType.objects.db_manager(db).get_or_create(app_label=app_label, model=model)[0]
        for column, app_label, model in CITING
    }

    def cited_by(row):
        for column, _, _ in CITING:
            object_id = getattr(row, f"{column}_id")
            if object_id is not None:
                return content_types[column], object_id
        return None, None

    references = []
    for old in OldReference.objects.using(db).order_by("pk"):
        content_type, object_id = cited_by(old)
        references.append(
            Reference(
                id=old.pk,
                content_type=content_type,
                object_id=object_id,
                position=old.position,
                title=old.title,
                publisher=old.publisher,
                url=old.url,
                accessed_on=old.accessed_on,
            )
        )
    Reference.objects.using(db).bulk_create(references, batch_size=500)

    history = []
    for old in OldHistorical.objects.using(db).order_by("history_id"):
        content_type, object_id = cited_by(old)
        if content_type is None:
            continue  # a history row whose page was never recorded cannot be placed
        history.append(
            Historical(
                id=old.id,
                content_type_id=content_type.pk,
                object_id=object_id,
                position=old.position,
                title=old.title,
                publisher=old.publisher,
                url=old.url,
                accessed_on=old.accessed_on,
                history_date=old.history_date,
                history_change_reason=old.history_change_reason,
                history_type=old.history_type,
                history_user_id=old.history_user_id,
            )
        )
    Historical.objects.using(db).bulk_create(history, batch_size=500)

    # Rows were written with their old ids: the id sequence must move past them.
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Reference]):
            cursor.execute(sql)


def copy_back(apps, schema_editor):
    OldReference = apps.get_model("articles", "Reference")
    Reference = apps.get_model("editorial", "Reference")
    db = schema_editor.connection.alias
    for reference in Reference.objects.using(db).select_related("content_type"):
        column = {model: column for column, _, model in CITING}.get(reference.content_type.model)
        if column is None:
            continue
        OldReference.objects.using(db).create(
            id=reference.pk,
            position=reference.position,
            title=reference.title,
            publisher=reference.publisher,
            url=reference.url,
            accessed_on=reference.accessed_on,
            **{f"{column}_id": reference.object_id},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("articles", "0003_editorial_roles"),
    ]

    operations = [migrations.RunPython(copy_references, copy_back)]
