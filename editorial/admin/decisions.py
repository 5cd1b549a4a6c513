"""Every review decision across the site, newest first: who submitted,
approved, scheduled, sent back, unpublished or restored which page, when and
why. The record is only ever added to by the workflow, so the page is
read-only for everyone, superusers included."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from editorial.admin.records import KeptRecordAdminMixin
from editorial.models import ReviewDecision, reviewed_models


class PersonFilter(admin.SimpleListFilter):
    """By the person who decided. The name is kept on each row, so people
    whose account has since been deleted can be found too."""

    title = "person"
    parameter_name = "person"
    DELETED = "deleted:"

    def lookups(self, request, model_admin):
        people = {}
        # Newest first, so a person who changed their display name is listed by the current one.
        for actor_id, name in ReviewDecision.objects.values_list("actor", "actor_name").order_by("-created_at", "-id"):
            if actor_id is not None:
                people.setdefault(str(actor_id), name)
            else:
                people.setdefault(self.DELETED + name, f"{name} (no account)")
        return sorted(people.items(), key=lambda item: item[1].casefold())

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value.startswith(self.DELETED):
            return queryset.filter(actor__isnull=True, actor_name=value.removeprefix(self.DELETED))
        if value.isdigit():
            return queryset.filter(actor_id=int(value))
        return queryset.none()


class ContentKindFilter(admin.SimpleListFilter):
    """By kind of content, named as the admin names it (articles, therapies…)."""

    title = "kind of page"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        types = ContentType.objects.get_for_models(*reviewed_models())
        # Decisions about things other than reviewed content (a record another
        # app withdrew or corrected) are listed by their kind too.
        recorded = ReviewDecision.objects.exclude(content_type__in=types.values()).values("content_type").distinct()
        for ct in ContentType.objects.filter(pk__in=recorded):
            model = ct.model_class()
            if model is not None:
                types[model] = ct
        return sorted(
            ((str(ct.pk), model._meta.verbose_name_plural.capitalize()) for model, ct in types.items()),
            key=lambda item: item[1],
        )

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(content_type_id=int(value)) if value.isdigit() else queryset.none()


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(KeptRecordAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "action_display", "page", "kind", "actor_name", "note")
    list_display_links = ("created_at",)
    list_filter = (PersonFilter, "action", ContentKindFilter)
    search_fields = ("object_repr", "note")
    search_help_text = "Search by page name or note."
    list_select_related = ("content_type",)
    fields = ("created_at", "action_display", "page", "kind", "actor_name", "note", "go_live_at")
    readonly_fields = fields
    list_per_page = 50

    @admin.display(description="action", ordering="action")
    def action_display(self, obj):
        return obj.action_label

    @admin.display(description="page", ordering="object_repr")
    def page(self, obj):
        content_type = obj.content_type
        try:
            url = reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)

    def get_changelist_instance(self, request):
        """The page's decisions with the kind of page each is about, named in
        one query per kind of content (a section is not a "category")."""
        changelist = super().get_changelist_instance(request)
        decisions = list(changelist.result_list)
        by_type = {}
        for decision in decisions:
            by_type.setdefault(decision.content_type, []).append(decision)
        for content_type, of_type in by_type.items():
            model = content_type.model_class()
            if model is not None and hasattr(model, "kind_names"):
                names = model.kind_names({decision.object_id for decision in of_type})
                for decision in of_type:
                    decision.kind_name = names.get(decision.object_id)
        changelist.result_list = decisions
        return changelist

    @admin.display(description="kind", ordering="content_type")
    def kind(self, obj):
        if getattr(obj, "kind_name", None):
            return obj.kind_name
        model = obj.content_type.model_class()
        if model is not None and hasattr(model, "kind_names"):
            return model.kind_names([obj.object_id]).get(obj.object_id, model._meta.verbose_name)
        return model._meta.verbose_name if model is not None else obj.content_type.model
