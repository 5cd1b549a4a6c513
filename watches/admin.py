"""Watched sources in the admin: administrators set them up; everyone who
may see them reads what each check found. The outcome fields are written
only by run_watches."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from watches.models import CHECK_STATE_FIELDS, WatchedSource, WatchRun

RUNS_SHOWN = 20

# Shown read-only: the run's state (the task's address and the claim's expiry are internal), then the runs.
STATE_FIELDS = (*(name for name in CHECK_STATE_FIELDS if name not in ("attention_url", "claimed_until")), "recent_runs")


@admin.register(WatchedSource)
class WatchedSourceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "every", "enabled", "last_checked_at", "outcome_shown", "next_due_at")
    list_filter = ("kind", "enabled", "last_outcome")
    search_fields = ("name", "url", "note")
    actions = ["check_at_next_run"]
    fieldsets = (
        (None, {"fields": ("name", "kind", "url", "every", "enabled", "apply_automatically", "note")}),
        ("Last checks (written by run_watches)", {"fields": STATE_FIELDS}),
    )
    readonly_fields = STATE_FIELDS

    def has_delete_permission(self, request, obj=None):
        # Its runs are its history: a source no longer wanted is disabled.
        return False

    @admin.display(description="outcome", ordering="last_outcome")
    def outcome_shown(self, obj):
        if not obj.last_outcome:
            return "not checked yet"
        text = obj.get_last_outcome_display()
        if obj.failures_in_a_row > 1:
            text += f" ({obj.failures_in_a_row} in a row)"
        return text

    @admin.display(description="recent checks")
    def recent_runs(self, obj):
        if obj.pk is None:
            return "-"
        runs = list(obj.runs.all()[:RUNS_SHOWN])
        if not runs:
            return "None yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M}", run.get_outcome_display(), run.message) for run in runs),
        )
        return format_html("<table><thead><tr><th>When</th><th>Outcome</th><th>Message</th></tr></thead><tbody>{}</tbody></table>", rows)

    @admin.action(description="Check the selected sources at the next run")
    def check_at_next_run(self, request, queryset):
        count = queryset.filter(enabled=True).update(next_due_at=timezone.now())
        messages.success(request, f"{count} source(s) will be checked when run_watches next runs (disabled ones are left).")


@admin.register(WatchRun)
class WatchRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "source", "outcome", "message", "run_by")
    list_filter = ("outcome", "source")
    list_select_related = ("source",)
    date_hierarchy = "started_at"
    readonly_fields = ("source", "started_at", "finished_at", "outcome", "message", "run_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
