"""Old addresses of renamed pages, so links to them keep working."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class SlugRedirect(models.Model):
    """An address a record used to have. Readers following an old link are
    sent (301) to the record's current address."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    old_slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "old_slug"], name="slug_redirect_unique_old_slug"),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.content_type.name} #{self.object_id}"

    @classmethod
    def target_for(cls, model, old_slug):
        """The record (of `model`) that once had `old_slug`, or None."""
        redirect = (
            cls.objects.filter(content_type=ContentType.objects.get_for_model(model), old_slug=old_slug)
            .only("object_id")
            .first()
        )
        return model.objects.filter(pk=redirect.object_id).first() if redirect else None

    @classmethod
    def record_rename(cls, obj, old_slug):
        content_type = ContentType.objects.get_for_model(obj)
        # The record may move back to an old address; that one is live again.
        cls.objects.filter(content_type=content_type, old_slug=obj.slug).delete()
        cls.objects.update_or_create(content_type=content_type, old_slug=old_slug, defaults={"object_id": obj.pk})
