"""Admin for editorial articles: written by editors, signed off by medical
reviewers (see editorial.admin for the review workflow)."""

from django.contrib import admin

from articles.models import Article
from editorial.admin import PersonListFilter, ReferenceInline, ReviewedContentAdmin
from editorial.models import person_name


@admin.register(Article)
class ArticleAdmin(ReviewedContentAdmin):
    list_display = (
        "title",
        "byline",
        "last_edited_by_name",
        "status_display",
        "go_live_display",
        "is_live_display",
        "next_review_due_display",
        "updated_at",
    )
    list_filter = (
        "status",
        "byline",
        ("last_edited_by", PersonListFilter),
        ("approved_by", PersonListFilter),
        "last_reviewed",
    )
    # The editor's name comes with the row: no query per row.
    list_select_related = ("last_edited_by__staff_profile",)
    search_fields = ("title", "standfirst", "body", "byline")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    ordering = ("-published_at", "-id")
    autocomplete_fields = ("related_therapies",)
    inlines = [ReferenceInline]
    fieldsets = (
        ("Content", {"fields": ("title", "slug", "standfirst", "body")}),
        ("People", {"fields": ("byline",)}),
        ("Relations", {"fields": ("related_therapies",)}),
    )
    review_fieldset_title = "Publishing and review"

    @admin.display(description="live?", boolean=True)
    def is_live_display(self, obj):
        return obj.is_live

    @admin.display(description="last edited by", ordering="last_edited_by__first_name")
    def last_edited_by_name(self, obj):
        return person_name(obj.last_edited_by) or "—"
