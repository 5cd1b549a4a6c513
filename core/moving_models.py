"""Moving a model from one app to another without losing a row.

The table is adopted by the new app (SeparateDatabaseAndState, then
AlterModelTable to rename it). What also names the app is the model's content
type: permissions, admin log entries, review decisions, revisions and
references point to its id. `move_content_types` relabels that row in place,
so every one of them follows the model, and the groups keep their permissions
(under the new app's label)."""

from django.db import migrations


def move_content_types(old_app, new_app, model_names):
    """A RunPython operation for a migration of `new_app`."""

    def forwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        types = ContentType.objects.using(db)
        for model in model_names:
            old = types.filter(app_label=old_app, model=model).first()
            if old is None:
                continue  # a new install: the content type is made for the new app when needed
            stale = types.filter(app_label=new_app, model=model).first()
            if stale is not None:
                _merge_into(apps, db, old, stale)
            old.app_label = new_app
            old.save(update_fields=["app_label"])

    def backwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.using(schema_editor.connection.alias).filter(
            app_label=new_app, model__in=model_names
        ).update(app_label=old_app)

    return migrations.RunPython(forwards, backwards)


def _merge_into(apps, db, kept, stale):
    """A content type made for the new app before the move (by a migration
    that created permissions in between): whatever points to it points to
    the kept one instead, its permissions are merged by codename, and it goes."""
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.using(db).filter(content_type=stale):
        twin = Permission.objects.using(db).filter(content_type=kept, codename=permission.codename).first()
        if twin is None:
            permission.content_type = kept
            permission.save(update_fields=["content_type"])
            continue
        for group in permission.group_set.all():
            group.permissions.add(twin)
        for user in permission.user_set.all():
            user.user_permissions.add(twin)
        permission.delete()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not None and field.related_model._meta.label == "contenttypes.ContentType":
                model._base_manager.using(db).filter(**{field.name: stale}).update(**{field.name: kept})
    stale.delete()
