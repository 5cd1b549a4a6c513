"""Admin for editorial articles."""

from django.contrib import admin

from articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "published_at", "is_live_display", "last_reviewed", "updated_at")
    list_filter = ("status", "last_reviewed")
    search_fields = ("title", "standfirst", "body")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    ordering = ("-published_at", "-id")
    autocomplete_fields = ("related_therapies",)
    readonly_fields = ("updated_at",)
    fieldsets = (
        ("Content", {"fields": ("title", "slug", "standfirst", "body")}),
        ("People", {"fields": ("byline", "medical_reviewer")}),
        (
            "Publishing",
            {
                "fields": ("status", "published_at", "last_reviewed", "updated_at"),
                "description": (
                    "Readers see an article once it is Published and its publish time has come. "
                    "A published article without a publish time is published now."
                ),
            },
        ),
        ("Relations", {"fields": ("related_therapies",)}),
    )

    @admin.display(description="live?", boolean=True)
    def is_live_display(self, obj):
        return obj.is_live
