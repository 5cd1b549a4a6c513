"""Admin for editorial articles: written by editors, signed off by medical
reviewers (see editorial.admin for the review workflow)."""

from django.contrib import admin

from articles.models import Article
from editorial.admin import ReferenceInline, ReviewedContentAdmin


@admin.register(Article)
class ArticleAdmin(ReviewedContentAdmin):
    list_display = (
        "title",
        "status_display",
        "go_live_display",
        "is_live_display",
        "last_reviewed",
        "next_review_due_display",
        "updated_at",
    )
    list_filter = ("status", "last_reviewed")
    search_fields = ("title", "standfirst", "body")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    ordering = ("-published_at", "-id")
    autocomplete_fields = ("related_therapies",)
    inlines = [ReferenceInline]
    fieldsets = (
        ("Content", {"fields": ("title", "slug", "standfirst", "body")}),
        ("People", {"fields": ("byline", "medical_reviewer")}),
        ("Relations", {"fields": ("related_therapies",)}),
    )
    review_fieldset_title = "Publishing and review"

    @admin.display(description="live?", boolean=True)
    def is_live_display(self, obj):
        return obj.is_live
