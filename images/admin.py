"""The media library in the admin: a searchable list with thumbnails, an
upload form that says plainly what is wrong with a file, where each image is
used, and no deleting an image a page still uses."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core.uploads import FORM_OVERHEAD, limit_upload_size, megabytes
from editorial.models import person_name
from images.models import READER_FACING_FIELDS, Image, store_upload
from images import uploads
from images.uploads import ACCEPTED_NAMES, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, check_upload
from images.usage import uses_of


def image_upload_limit():
    """The largest body the upload page accepts: the file limit, the form
    around it, and a margin so a file a little over the limit still gets its
    explanation (core.middleware.RequestBodyLimitMiddleware asks for it)."""
    return uploads.MAX_IMAGE_BYTES + FORM_OVERHEAD + settings.MSINFO_MAX_REQUEST_BODY_BYTES


def too_large_message(limit):
    return (
        f"The file is larger than the {megabytes(limit)} limit for images, so it was not read and nothing was kept. "
        "Export a smaller version (1,600 pixels wide is plenty) and upload that."
    )


class ImageUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label="Image file",
        help_text=f"A {ACCEPTED_NAMES} file of at most {MAX_IMAGE_BYTES // (1024 * 1024)} MB and "
        f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels. Location and camera details are removed.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Image
        fields = ["upload", "title", "alt_text", "decorative", "caption", "credit", "licence"]

    def clean_upload(self):
        self.checked = check_upload(self.cleaned_data["upload"])
        return self.cleaned_data["upload"]


class ImageChangeForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["title", "alt_text", "decorative", "caption", "credit", "licence"]


def _thumbnail_url(image):
    if image.renditions:
        return default_storage.url(image.renditions[0]["fallback"])
    return image.file.url if image.file else ""


@admin.register(Image)
class ImageAdmin(SimpleHistoryAdmin):
    list_display = ["thumbnail", "title", "alt_text_or_decorative", "size", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    list_filter = ["decorative"]
    readonly_fields = ["preview", "reference_to_copy", "size", "uploader", "uploaded_at", "used_on"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = ImageChangeForm if obj is not None else ImageUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if obj is not None and not obj.may_change_what_readers_get(request.user):
            readonly += READER_FACING_FIELDS
        return readonly

    def get_fieldsets(self, request, obj=None):
        texts = ["title", *READER_FACING_FIELDS]
        if obj is None:
            return [(None, {"fields": ["upload", *texts]})]
        locked = {}
        if not obj.may_change_what_readers_get(request.user):
            locked["description"] = (
                "A page a medical reviewer has approved shows this image (live, or going live at a set time), so a "
                "change to its alt text, caption, credit or licence would reach readers without review: only a "
                "medical reviewer may make it. To show readers something else, upload a new image and put it in "
                "the text: it goes through review with the text."
            )
        return [
            (None, {"fields": ["preview", "reference_to_copy", *texts], **locked}),
            ("Used on", {"fields": ["used_on"]}),
            ("File", {"fields": ["size", "uploader", "uploaded_at"]}),
        ]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            store_upload(obj, form.checked, uploaded_by=request.user)

    @admin.display(description="Image")
    def thumbnail(self, image):
        url = _thumbnail_url(image)
        if not url:
            return "—"
        return format_html('<img src="{}" alt="" width="80" class="image-thumbnail">', url)

    @admin.display(description="Preview")
    def preview(self, image):
        url = image.renditions[-1]["fallback"] if image.renditions else ""
        return format_html(
            '<img src="{}" alt="{}" width="{}" class="image-preview">',
            default_storage.url(url) if url else image.file.url,
            image.alt_text,
            min(image.width, 400),
        )

    @admin.display(description="To show it in a text, write")
    def reference_to_copy(self, image):
        return format_html("<code>{}</code> (or use “Insert image” under the text)", image.reference())

    @admin.display(description="Alt text")
    def alt_text_or_decorative(self, image):
        return "(decorative)" if image.decorative else image.alt_text

    @admin.display(description="Uploaded by")
    def uploader(self, image):
        # As colleagues know them, as "Last edited by" on a page; the admin's
        # own field would link the user name to an account page editors may not open.
        return person_name(image.uploaded_by) or "—"

    @admin.display(description="Size in pixels")
    def size(self, image):
        return f"{image.width} x {image.height}"

    @admin.display(description="Pages that show it")
    def used_on(self, image):
        uses = uses_of(image)
        if not uses:
            return "Not used on any page yet."
        return format_html(
            "<ul class=\"image-uses\">{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}, {})</li>',
                ((use.admin_url or "#", use.page, use.kind, use.where) for use in uses),
            ),
        )

    def get_actions(self, request):
        # Deleting is one image at a time, where the pages using it are checked.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        image = self.get_object(request, object_id)
        if image is not None:
            uses = uses_of(image)
            if uses:
                pages = ", ".join(f"“{use.page}” ({use.where})" for use in uses)
                self.message_user(
                    request,
                    f"“{image}” was not deleted: it is used on {pages}. Remove it from those texts first.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(reverse("admin:images_image_change", args=[image.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_urls(self):
        chooser = path("chooser.json", self.admin_site.admin_view(self.chooser_view), name="images_image_chooser")
        # Ahead of the admin's own add page, which it replaces: the file
        # streams in under the image limit (core.uploads).
        add = path(
            "add/",
            limit_upload_size(
                self.admin_site.admin_view(self.add_view),
                limit=lambda: uploads.MAX_IMAGE_BYTES,
                refused_url="admin:images_image_add",
                allowed=lambda user: self.has_add_permission(_UserOnly(user)),
                too_large_message=too_large_message,
                not_allowed_message="You may not upload images.",
            ),
            name="images_image_add",
        )
        return [chooser, add, *super().get_urls()]

    def chooser_view(self, request):
        """The library for the "Insert image" control beside Markdown fields."""
        if not self.has_view_permission(request):
            return JsonResponse({"images": []}, status=403)
        images = [
            {
                "id": image.pk,
                "title": image.title,
                "alt": "" if image.decorative else image.alt_text,
                "thumbnail": _thumbnail_url(image),
                "reference": image.reference(),
            }
            for image in Image.objects.all()[:500]
        ]
        return JsonResponse({"images": images})


class _UserOnly:
    """has_add_permission reads only request.user."""

    def __init__(self, user):
        self.user = user
