"""The citations a page makes, edited inline on the page's own change form."""

from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.db import models

from editorial import workflow
from editorial.models import Reference

# --- Citations ------------------------------------------------------------------------------


class ReferenceFormSet(BaseGenericInlineFormSet):
    @classmethod
    def get_default_prefix(cls):
        return "references"  # as a page's own inline would be named, not by content type


class ReferenceInline(GenericTabularInline):
    """Sources the page cites, numbered for readers in `position` order."""

    model = Reference
    formset = ReferenceFormSet
    fields = ("position", "title", "publisher", "url", "accessed_on")
    # A source address typed without a scheme gets https://, not http://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    ordering = ("position", "id")

    # Readers see citations as soon as they are saved, so on live pages only
    # a medical reviewer may change them; editors propose them in the text.
    def _may_edit(self, request, obj):
        return obj is None or not workflow.is_protected(obj) or workflow.can_publish(request.user, type(obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

