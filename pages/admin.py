"""Admin for the site texts (reviewed like every page) and for readers'
problem reports."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator

from editorial.admin import ReviewedContentAdmin
from pages.feedback import site_path
from pages.models import Feedback, SitePage


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
