"""Admin for price updates: the record of price imports (read-only), the upload
page that previews and applies a price file, and the NDC mappings that turn a
NADAC file into annual costs.

The upload page is a thin wrapper: prices.pricing.preview() and apply() do
the work, exactly as for the import_prices command."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from editorial.admin.records import KeptRecordAdminMixin
from prices.admin.corrections import STATE_RELATED, ImportWithdrawalAdminMixin, state_html
from prices.admin.uploads import limit_upload_size
from prices.models import NdcMapping, PriceImport, normalise_ndc
from prices import scheduled
from prices.pricing import Source, apply, infer_format, preview, staging

UPLOAD_PERMISSION = "prices.add_costestimate"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PROBLEMS_SHOWN = 1000
ESTIMATES_SHOWN = 100
# Applying a file with flagged rows (pricing.review) needs this box ticked.
CONFIRM_FIELD = "confirm_flagged"
CONFIRM_LABEL = "I have checked the flagged rows: apply them"


def file_size(size):
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size} bytes"


def can_upload(user):
    return user.is_active and user.is_staff and user.has_perm(UPLOAD_PERMISSION)


# --- The upload form ---------------------------------------------------------------------


class PriceUploadForm(forms.Form):
    file = forms.FileField(
        label="Price file",
        help_text="A CSV or JSON price file in the documented format, CMS's weekly NADAC CSV, "
        "or CMS's quarterly ASP pricing file (its CSV, or the ZIP it comes in).",
    )
    format = forms.ChoiceField(
        required=False,
        choices=[
            ("", "From the file name (.csv or .json)"),
            ("csv", "CSV price file"),
            ("json", "JSON price file"),
            ("nadac", "NADAC weekly file from CMS (CSV)"),
            ("asp", "ASP pricing file from CMS, Medicare Part B (CSV or ZIP)"),
        ],
        help_text="A NADAC or ASP pricing file is a .csv (or .zip) too: choose its format.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("preview", "Check the file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"This file is {file_size(upload.size)}; the limit is {file_size(MAX_UPLOAD_BYTES)}. "
                "Split it into smaller files, or ask a developer to run the import_prices command with it."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and not cleaned.get("format"):
            fmt = infer_format(upload.name)
            if fmt is None:
                self.add_error("format", "The file name does not end in .csv or .json: choose the format.")
            cleaned["format"] = fmt
        return cleaned


# --- Price imports -----------------------------------------------------------------------


@admin.register(PriceImport)
class PriceImportAdmin(ImportWithdrawalAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """The record of imports: read-only. New imports come from the upload page
    or the import_prices command, never from an add form; a wrong one can be
    withdrawn as a whole (see corrections.py)."""

    list_display = (
        "id",
        "created_at",
        "file_name",
        "format",
        "source_kind",
        "rows_total",
        "rows_new",
        "rows_unchanged",
        "created_by_label",
    )
    list_display_links = ("id", "created_at")
    list_filter = ("format", "source_kind", "created_at")
    search_fields = ("file_name", "sha256", "created_by_label")
    date_hierarchy = "created_at"
    fields = (
        "file_name",
        "sha256",
        "format",
        "source_kind",
        "rows_total",
        "rows_new",
        "rows_unchanged",
        "summary",
        "created_at",
        "created_by_label",
        "estimates_list",
    )
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or can_upload(request.user)

    @admin.display(description="estimates it created")
    def estimates_list(self, obj):
        estimates = obj.estimates.select_related("category", "therapy", *STATE_RELATED).order_by(
            "therapy__slug", "category__slug", "as_of", "currency"
        )
        shown = list(estimates[:ESTIMATES_SHOWN])
        total = obj.estimates.count()
        rows = format_html_join(
            "",
            "<tr><td><a href='{}'>{}</a></td><td>{} {}–{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    reverse("admin:prices_costestimate_change", args=[e.pk]),
                    e.subject,
                    e.currency,
                    f"{e.low:,.2f}",
                    f"{e.high:,.2f}",
                    f"{e.as_of:%Y-%m-%d}",
                    e.source_name,
                    state_html(e, link=False),
                )
                for e in shown
            ),
        )
        all_link = reverse("admin:prices_costestimate_changelist") + f"?price_import__id__exact={obj.pk}"
        more = f"Showing {len(shown)} of {total}. " if total > len(shown) else ""
        return format_html(
            "<p>{}<a href='{}'>See all {} in the cost estimates list</a>.</p>"
            "<table><thead><tr><th>Category or therapy</th><th>Annual cost</th><th>As of</th><th>Source</th><th>In use?</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            more,
            all_link,
            total,
            rows,
        )

    def get_urls(self):
        upload_view = limit_upload_size(
            self.admin_site.admin_view(self.upload_view),
            limit=lambda: MAX_UPLOAD_BYTES,
            refused_url="admin:prices_priceimport_upload",
            allowed=can_upload,
        )
        upload = path("upload/", upload_view, name="prices_priceimport_upload")
        fetched = path(
            "fetched/<str:sha256>/", self.admin_site.admin_view(self.fetched_view), name="prices_priceimport_fetched"
        )
        return [upload, fetched, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_upload_prices": can_upload(request.user)}
        return super().changelist_view(request, extra_context)

    # The upload page: GET shows the form; POST "preview" checks a file and
    # shows the report; POST "apply" applies the previewed file by its hash.

    def upload_view(self, request):
        if not can_upload(request.user):
            raise PermissionDenied
        if request.method == "POST" and "apply" in request.POST:
            return self._apply(request)
        form = PriceUploadForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return self._render(request, form=form)
        upload, fmt = form.cleaned_data["file"], form.cleaned_data["format"]
        staged = staging.stage(upload, name=upload.name, fmt=fmt, user=request.user)
        report = preview(Source(staged.path, staged.name, PriceImport.SourceKind.UPLOAD), fmt)
        if not report.can_apply:
            staging.discard(staged.sha256, user=request.user)  # nothing to apply: do not keep it
        return self._render(request, form=PriceUploadForm(), report=report)

    def fetched_view(self, request, sha256):
        """A file fetched on schedule, waiting for a price editor: the upload
        page's own preview, whose apply button applies this file."""
        if not can_upload(request.user):
            raise PermissionDenied
        waiting = staging.load_fetched(sha256)
        if waiting is None:
            messages.error(request, "That fetched file is no longer waiting: it was applied, or a newer file replaced it.")
            return redirect("admin:prices_priceimport_changelist")
        staged, _source_id = waiting
        report = preview(Source(staged.path, staged.name, PriceImport.SourceKind.WATCHED), staged.format)
        return self._render(request, form=PriceUploadForm(), report=report, fetched=True)

    def _staged_for_apply(self, request):
        """(StagedFile, kind, source_id) of the file the apply button names, or None."""
        sha256 = request.POST.get("sha256", "")
        if request.POST.get("fetched") == "1":
            waiting = staging.load_fetched(sha256)
            return None if waiting is None else (waiting[0], PriceImport.SourceKind.WATCHED, waiting[1])
        staged = staging.load(sha256, user=request.user)
        return None if staged is None else (staged, PriceImport.SourceKind.UPLOAD, None)

    def _discard(self, request, staged, kind, source_id):
        if kind == PriceImport.SourceKind.WATCHED:
            staging.discard_fetched(staged.sha256)
            scheduled.price_file_confirmed(source_id, staged.sha256)
        else:
            staging.discard(staged.sha256, user=request.user)

    def _apply(self, request):
        found = self._staged_for_apply(request)
        if found is None:
            messages.error(
                request,
                "That file is no longer waiting to be applied (or was never checked here): upload it again.",
            )
            return redirect("admin:prices_priceimport_upload")
        staged, kind, source_id = found
        source = Source(staged.path, staged.name, kind)
        confirmed = request.POST.get(CONFIRM_FIELD) == "1"
        report = apply(
            source, staged.format, user=request.user, expected_sha256=staged.sha256, accept_flagged=confirmed
        )
        if report.held_for_confirmation:
            # The staged file stays, so ticking the box and applying again works.
            messages.error(
                request,
                f"Nothing was written: {report.review.flag_summary()}. Check them below, then tick "
                f"“{CONFIRM_LABEL}” to apply the file.",
            )
            return self._render(request, form=PriceUploadForm(), report=report, fetched=kind == PriceImport.SourceKind.WATCHED)
        if report.applied:
            self._discard(request, staged, kind, source_id)
            messages.success(
                request,
                ngettext(
                    "Imported %(count)d new estimate from %(name)s (%(unchanged)d already recorded).",
                    "Imported %(count)d new estimates from %(name)s (%(unchanged)d already recorded).",
                    report.rows_new,
                )
                % {"count": report.rows_new, "name": staged.name, "unchanged": report.rows_unchanged},
            )
            return redirect("admin:prices_priceimport_change", report.price_import.pk)
        if report.ok:  # nothing new: the same file was applied meanwhile
            self._discard(request, staged, kind, source_id)
        return self._render(request, form=PriceUploadForm(), report=report, apply_refused=True)

    def _render(self, request, *, form, report=None, apply_refused=False, fetched=False):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Upload prices",
            "form": form,
            "report": report,
            "apply_refused": apply_refused,
            "problems": report.problems[:PROBLEMS_SHOWN] if report else [],
            "problems_hidden": max(0, len(report.problems) - PROBLEMS_SHOWN) if report else 0,
            "conflicts": report.conflicts[:PROBLEMS_SHOWN] if report else [],
            "conflicts_hidden": max(0, len(report.conflicts) - PROBLEMS_SHOWN) if report else 0,
            "max_upload_size": file_size(MAX_UPLOAD_BYTES),
            "review": report.review if report else None,
            "confirm_field": CONFIRM_FIELD,
            "confirm_label": CONFIRM_LABEL,
            "fetched": fetched,
        }
        return TemplateResponse(request, "admin/prices/priceimport/upload.html", context)


# --- NDC mappings ------------------------------------------------------------------------


class NdcMappingForm(forms.ModelForm):
    # Longer than the stored 11 digits, so a hyphenated NDC can be typed in.
    ndc = forms.CharField(
        label="NDC",
        max_length=20,
        help_text=NdcMapping._meta.get_field("ndc").help_text,
    )

    class Meta:
        model = NdcMapping
        fields = ("therapy", "ndc", "units_per_year", "note")

    def clean_ndc(self):
        ndc = normalise_ndc(self.cleaned_data["ndc"])
        if ndc is None:
            raise forms.ValidationError(
                "An NDC is 11 digits (e.g. 00002143380), or hyphenated as 5-4-2, 4-4-2, 5-3-2 or 5-4-1."
            )
        return ndc

    def clean_units_per_year(self):
        units = self.cleaned_data["units_per_year"]
        if units is not None and units <= 0:
            raise forms.ValidationError("Units a year must be more than zero.")
        return units


@admin.register(NdcMapping)
class NdcMappingAdmin(admin.ModelAdmin):
    form = NdcMappingForm
    list_display = ("ndc_display", "therapy", "units_per_year", "note")
    list_select_related = ("therapy",)
    list_filter = ("therapy__category",)
    search_fields = ("ndc", "therapy__generic_name", "therapy__brand_names", "therapy__slug", "note")
    autocomplete_fields = ("therapy",)
    ordering = ("therapy__generic_name", "ndc")

    @admin.display(description="NDC", ordering="ndc")
    def ndc_display(self, obj):
        return obj.ndc_display
