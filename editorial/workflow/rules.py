"""Who may approve, and what an edit or a deletion may do to a record."""

from django.core.exceptions import PermissionDenied

from editorial.models import EditorialStatus


def publish_permission(model):
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model):
    return user.has_perm(publish_permission(model))


def require_publisher(user, model):
    if not can_publish(user, model):
        raise PermissionDenied("Only a medical reviewer can approve, publish or unpublish this.")


def is_protected(obj):
    """Content a reader can see, or that a reviewer has approved to go live:
    editing it must go through review."""
    return obj.status == EditorialStatus.PUBLISHED


def is_deletable(obj):
    """Published content is unpublished, never deleted, so its history and
    the reviewer's sign-off stay on record."""
    return not obj.has_been_published
