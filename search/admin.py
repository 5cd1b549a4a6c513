"""What readers searched for, for editors: a read-only list. The index
itself (SearchDocument) is derived from the content and has no admin page:
`rebuild_search_index` writes it again."""

from django.contrib import admin

from search.models import SearchTerm


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
