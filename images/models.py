"""The media library: images editors upload once and refer to from any text."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

ALT_TEXT_HELP = (
    "What the image shows, for readers who cannot see it, in a sentence: "
    "“Diagram: the injection goes into the fat under the skin of the belly or thigh.” "
    "Do not start with “Image of”. Leave empty only for a decorative image."
)


# What readers get of an image besides its pixels, wherever a page shows it.
READER_FACING_FIELDS = ["alt_text", "decorative", "caption", "credit", "licence"]


def unguessable_name(image, filename):
    """Where an upload is stored. The name is random, never the editor's file
    name: an image's address is known only from a page that shows it, so an
    image waiting for review cannot be found by guessing."""
    return f"images/{secrets.token_urlsafe(18)}.{image.file_extension}"


class Image(models.Model):
    title = models.CharField(max_length=200, help_text="A name to find the image by in the library. Readers do not see it.")
    file = models.FileField(upload_to=unguessable_name, max_length=255)
    alt_text = models.CharField("alt text", max_length=400, blank=True, help_text=ALT_TEXT_HELP)
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only if the image adds no information (a pattern, a mood picture): "
        "screen readers then skip it. An image with alt text is not decorative.",
    )
    caption = models.CharField(max_length=400, blank=True, help_text="Shown under the image, to everyone.")
    credit = models.CharField(max_length=200, blank=True, help_text="Who made the image: “Drawing: A. Smith”.")
    licence = models.CharField(
        max_length=200, blank=True, help_text="Under what terms the site may show it: “CC BY 4.0”, “Our own work”."
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    # The resized copies readers' browsers choose from: [{"width", "height",
    # "webp", "fallback"}, ...] by width, file names in the default storage.
    # Kept on the row so a page with many images reads them in one query.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["renditions"])

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            # Alt text or the decorative mark: never neither, never both.
            models.CheckConstraint(
                condition=(Q(decorative=True) & Q(alt_text="")) | (Q(decorative=False) & ~Q(alt_text="")),
                name="image_alt_text_or_decorative",
            ),
            models.CheckConstraint(condition=Q(width__gt=0) & Q(height__gt=0), name="image_has_a_size"),
        ]

    def __str__(self):
        return self.title

    @property
    def file_extension(self):
        """Set by the upload form from the file's real format (images.uploads)."""
        return getattr(self, "_extension", "") or (self.file.name.rsplit(".", 1)[-1] if self.file else "bin")

    def clean(self):
        self.alt_text = (self.alt_text or "").strip()
        if self.decorative and self.alt_text:
            raise ValidationError(
                {"decorative": "An image with alt text is not decorative: untick “decorative”, or empty the alt text."}
            )
        if not self.decorative and not self.alt_text:
            raise ValidationError(
                {"alt_text": "Write what the image shows for readers who cannot see it, or tick “decorative” "
                 "if it adds no information."}
            )

    def delete(self, *args, **kwargs):
        from functools import partial

        from sorl.thumbnail import delete as delete_with_renditions

        from core.transactions import once_on_commit

        result = super().delete(*args, **kwargs)
        # Once the row is surely gone: the file and its renditions, so a
        # deleted image cannot be fetched by an address someone kept.
        once_on_commit(partial(delete_with_renditions, self.file))
        return result

    def may_change_what_readers_get(self, user):
        """A change to the alt text, caption, credit or licence reaches readers
        at once on every live page that shows the image, with no revision to
        review. So once approved text shows it (live, or going live at a set
        time), only someone who may approve each of those pages may change
        them; an editor uploads a new image instead, which reaches readers with
        the text that uses it, through review."""
        from editorial.workflow.rules import can_publish
        from images.usage import approved_pages_showing

        return all(can_publish(user, type(page)) for page in approved_pages_showing(self))

    def reference(self, alt=""):
        """What an editor writes to show this image: ![alt](image:42)."""
        return f"![{alt}](image:{self.pk})"


def store_upload(image, checked, uploaded_by=None):
    """Save `image` (its texts set and cleaned) with `checked`, an upload that
    passed images.uploads.check_upload, and make its renditions."""
    from django.core.files.base import ContentFile

    from images.renditions import make_renditions

    image._extension = checked.extension
    image.width, image.height = checked.width, checked.height
    image.uploaded_by = uploaded_by
    image.file.save("upload", ContentFile(checked.content), save=False)
    image.save()
    # A plain update: the renditions are not an edit, and need no history row.
    image.renditions = make_renditions(image)
    Image.objects.filter(pk=image.pk).update(renditions=image.renditions)
    return image
