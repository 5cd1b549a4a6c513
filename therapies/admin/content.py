"""Admin for the catalogue: DMT groups, emerging and supportive-care
sections (each kind under its own name) and therapies. Prices add their
columns and rows to these pages from prices/admin/catalogue.py."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError

from editorial.admin import ReferenceInline, ReviewedContentAdmin, ReviewerEditsLiveRows
from therapies.models import (
    CATEGORY_PROXIES,
    DECISION_AID_ADMIN_ROWS,
    FACT_SHEET_ADMIN_ROWS,
    Category,
    DmtGroup,
    EmergingSection,
    SupportiveSection,
    Therapy,
    TherapyForm,
)


@admin.register(Category)
class CategoryAdmin(ReviewedContentAdmin):
    list_display = (
        "name",
        "kind",
        "display_order",
        "status_display",
        "go_live_display",
        "last_reviewed",
        "next_review_due_display",
    )
    list_display_links = ("name",)
    list_editable = ("display_order",)
    list_filter = ("kind", "status")
    search_fields = ("name", "slug", "summary", "administration")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("kind", "display_order", "name")
    unpublish_notes = ("The therapies in it are hidden from readers too, for as long as it is unpublished.",)
    fieldsets = (
        (None, {"fields": ("kind", "name", "slug", "display_order")}),
        ("Content", {"fields": ("summary", "administration", "body")}),
    )

    # Editors find categories under the names the site's menu uses (the admins
    # of each kind, below). This admin of every category stays, out of the
    # menu, for the links that name a category without its kind (recent
    # actions, the editors' panel, review decisions, the therapy form's category
    # search): a category's own pages there are served by the admin of its
    # kind, so they carry its name and its form, at the address the link had.

    def has_module_permission(self, request):
        return self.model is not Category and super().has_module_permission(request)

    def _kind_admin(self, request, object_id):
        """The admin of the category's kind, if this is the admin of every
        category and the person may use that one; else None."""
        if self.model is not Category:
            return None
        try:
            category = Category.objects.filter(pk=unquote(object_id)).only("kind").first()
        except (ValueError, ValidationError):
            return None
        proxy = CATEGORY_PROXIES.get(category.kind) if category else None
        if proxy is None or not self.admin_site.is_registered(proxy):
            return None
        kind_admin = self.admin_site.get_model_admin(proxy)
        return kind_admin if kind_admin.has_view_or_change_permission(request, category) else None

    def _serve(self, view, request, object_id, *args, **kwargs):
        kind_admin = self._kind_admin(request, object_id)
        if kind_admin is not None:
            return getattr(kind_admin, view)(request, object_id, *args, **kwargs)
        return getattr(super(), view)(request, object_id, *args, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._serve("change_view", request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._serve("delete_view", request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._serve("history_view", request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._serve("history_form_view", request, object_id, version_id, extra_context)

    def review_view(self, request, object_id):
        return self._serve("review_view", request, object_id)

    def compare_view(self, request, object_id):
        return self._serve("compare_view", request, object_id)

    def send_back_view(self, request, object_id):
        return self._serve("send_back_view", request, object_id)

    def unpublish_view(self, request, object_id):
        return self._serve("unpublish_view", request, object_id)


class CategoryKindAdmin(CategoryAdmin):
    """One kind of category, under its name in the site's menu: lists only
    that kind, and makes new ones of that kind (the kind is not on the form)."""

    list_display = tuple(name for name in CategoryAdmin.list_display if name != "kind")
    list_filter = ("status",)
    ordering = ("display_order", "name")
    fieldsets = (
        (None, {"fields": ("name", "slug", "display_order")}),
        ("Content", {"fields": ("summary", "administration", "body")}),
    )


@admin.register(DmtGroup)
class DmtGroupAdmin(CategoryKindAdmin):
    pass


class SectionAdmin(CategoryKindAdmin):
    search_fields = ("name", "slug", "summary", "body")
    fieldsets = (
        (None, {"fields": ("name", "slug", "display_order")}),
        ("Content", {"fields": ("summary", "body")}),
    )


@admin.register(EmergingSection)
class EmergingSectionAdmin(SectionAdmin):
    pass


@admin.register(SupportiveSection)
class SupportiveSectionAdmin(SectionAdmin):
    pass


class TherapyFormInline(ReviewerEditsLiveRows, admin.StackedInline):
    """A medicine's forms and versions (an infusion and an injection, the
    original and a biosimilar), listed on its page in `position` order."""

    model = TherapyForm
    extra = 0
    ordering = ("position", "id")
    fields = (
        ("position", "name", "kind"),
        ("brand_names", "maker"),
        ("route", "schedule", "taken_where"),
        "how_given",
        "approved",
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name == "how_given":
            field.widget.attrs["rows"] = 3
        return field


@admin.register(Therapy)
class TherapyAdmin(ReviewedContentAdmin):
    list_display = (
        "generic_name",
        "brand_names",
        "category",
        "stage_display",
        "status_display",
        "go_live_display",
        "next_review_due_display",
    )
    # How it is given and when it was last reviewed are filters (and on the
    # change page), not columns, so the list fits a laptop screen.
    list_filter = (
        ("category__kind", admin.ChoicesFieldListFilter),
        "status",
        "category",
        "route",
        "development_stage",
        "last_reviewed",
    )
    list_select_related = ("category",)
    search_fields = ("generic_name", "brand_names", "slug", "summary", "mechanism", "maker", "forms__brand_names")
    prepopulated_fields = {"slug": ("generic_name",)}
    autocomplete_fields = ("category",)
    ordering = ("generic_name",)
    inlines = [TherapyFormInline, ReferenceInline]
    fieldsets = (
        (None, {"fields": ("generic_name", "brand_names", "slug", "category")}),
        ("Maker, approval and generics", {"fields": (("maker", "first_approved"), "generics")}),
        ("How it is given and how it works", {"fields": ("route", "frequency", "mechanism", "development_stage")}),
        ("Content", {"fields": ("summary", "body")}),
        (
            "Fact sheet",
            {
                "description": "What readers see in the fact sheet on the therapy's page. Leave a part empty "
                "and the page leaves that block out. Say which reference backs each block in the "
                "references below ('Supports').",
                "fields": FACT_SHEET_ADMIN_ROWS,
            },
        ),
        (
            "Decision aid",
            {
                "description": "The values the decision aid (/decide/) matches readers' answers against, filled "
                "from the fact sheet's sources. Leave a value empty where the sources give none: the aid says "
                "'not recorded, ask your neurologist' and never guesses.",
                "fields": DECISION_AID_ADMIN_ROWS,
            },
        ),
    )
    # Fact-sheet texts are a few short lines, not an article.
    SHORT_TEXTS = (
        "efficacy_result",
        "common_side_effects",
        "serious_risks",
        "monitoring",
        "before_starting",
        "pregnancy",
        "breastfeeding",
        "stopping",
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.SHORT_TEXTS:
            field.widget.attrs["rows"] = 4
        return field

    @admin.display(description="stage", ordering="development_stage")
    def stage_display(self, obj):
        return obj.get_development_stage_display() or "—"
