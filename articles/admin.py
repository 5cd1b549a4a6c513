"""Admin for editorial articles: written by editors, signed off by medical
reviewers (see editorial.admin for the review workflow)."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator

from pages.feedback import site_path
from articles.models import Article, Feedback, SitePage
from editorial.admin import ReferenceInline, ReviewedContentAdmin
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
        ("last_edited_by", admin.RelatedOnlyFieldListFilter),
        ("approved_by", admin.RelatedOnlyFieldListFilter),
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


@admin.register(SitePage)
class SitePageAdmin(ReviewedContentAdmin):
    """The texts of the site's own pages (the home page's "What is MS?", the
    introductions of the emerging therapies and supportive care pages, the
    about, editorial policy, accessibility and contact pages, and the crisis
    lines shown with mental health support)."""

    list_display = ("key", "title", "status_display", "go_live_display", "last_reviewed", "next_review_due_display")
    list_display_links = ("key", "title")
    search_fields = ("title", "body")
    ordering = ("key",)
    fieldsets = ((None, {"fields": ("key", "title", "body")}),)


def _set_status(status):
    def action(modeladmin, request, queryset):
        # A plain update: readers never see these rows, so no page changes.
        changed = queryset.exclude(status=status).update(status=status)
        label = Feedback.Status(status).label.lower()
        modeladmin.message_user(request, f"{changed} report(s) marked “{label}”.", messages.SUCCESS)

    action.__name__ = f"mark_{status}"
    action.short_description = f"Mark as “{Feedback.Status(status).label.lower()}”"
    action.allowed_permissions = ("change",)
    return action


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Readers' problem reports. What the reader sent is kept as sent; editors
    only move a report along: new, in progress, done."""

    list_display = ("created_at", "page_link", "message_excerpt", "email", "status")
    list_display_links = ("created_at",)
    list_filter = ("status",)
    search_fields = ("page", "message", "email")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = ("status", "page_link", "message", "email", "created_at")
    readonly_fields = ("page_link", "message", "email", "created_at")
    actions = [_set_status(status) for status in Feedback.Status.values]

    def has_add_permission(self, request):
        return False  # reports come from readers, through the form

    @admin.display(description="page", ordering="page")
    def page_link(self, obj):
        path = site_path(obj.page)
        if path is None:
            return obj.page
        return format_html('<a href="{}">{}</a>', path, path)

    @admin.display(description="message")
    def message_excerpt(self, obj):
        return Truncator(obj.message).chars(80)
