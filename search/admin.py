"""Search in the admin: what readers searched for, a read-only list, and the
synonyms editors keep so readers' own words find the pages that answer them.
The index itself (SearchDocument) is derived from the content and has no
admin page: `rebuild_search_index` writes it again."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from search.models import SearchSynonym, SearchTerm


@admin.register(SearchTerm)
class SearchTermAdmin(admin.ModelAdmin):
    list_display = ("term", "day", "searches", "results")
    list_filter = ("day",)
    search_fields = ("term",)
    date_hierarchy = "day"
    ordering = ("-day", "-searches", "term")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Superusers may clear the log (e.g. a term that should not have been kept).
        return request.user.is_superuser


@admin.register(SearchSynonym)
class SearchSynonymAdmin(SimpleHistoryAdmin):
    """A plain list: a change applies from the next search, with no review,
    because a synonym only widens what search finds among published pages;
    its history shows who changed what."""

    list_display = ("term", "means")
    search_fields = ("term", "means")
    search_help_text = "Search the words readers type and what they also mean."
    fields = ("term", "means")
    ordering = ("term",)
