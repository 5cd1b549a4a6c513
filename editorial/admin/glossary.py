"""The editors' glossary in the admin: a plain list, with no review, because
a plain meaning is a short general definition; its history shows who wrote
what. A term kept twice in other capitals is refused by the model's
constraint, with its own message."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from editorial.models import GlossaryTerm


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(SimpleHistoryAdmin):
    list_display = ("term", "plain_meaning")
    search_fields = ("term", "plain_meaning")
    search_help_text = "Search the terms and their plain meanings."
    fields = ("term", "plain_meaning")
    ordering = ("term",)
