"""The editors' glossary in the admin. Editors add and change terms; a
meaning reaches readers once a medical reviewer has saved it (checked), and
an editor's change to a checked meaning takes it off public pages until a
reviewer checks it again. Its history shows who wrote what. A term kept twice
in other capitals is refused by the model's constraint, with its own message."""

from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from editorial.models import GlossaryTerm, person_name

CHECKS = "editorial.publish_glossaryterm"


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(SimpleHistoryAdmin):
    list_display = ("term", "plain_meaning", "readers_see")
    list_filter = (("checked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("checked_by__staff_profile",)
    search_fields = ("term", "plain_meaning")
    search_help_text = "Search the terms and their plain meanings."
    fields = ("term", "plain_meaning", "readers_see")
    readonly_fields = ("readers_see",)
    ordering = ("term",)

    @admin.display(description="readers see it")
    def readers_see(self, obj):
        if obj is None or obj.checked_at is None:
            return "Not yet: a medical reviewer checks it by saving it."
        return f"Yes: checked by {person_name(obj.checked_by) or 'a reviewer'} on {timezone.localtime(obj.checked_at):%d %b %Y}"

    def save_model(self, request, obj, form, change):
        if request.user.has_perm(CHECKS):
            obj.checked_by, obj.checked_at = request.user, timezone.now()
        elif not change or form.has_changed():
            obj.checked_by, obj.checked_at = None, None  # waits for a reviewer's check
        super().save_model(request, obj, form, change)
