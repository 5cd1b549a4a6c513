"""The sources a page cites, numbered for readers."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class Reference(models.Model):
    """A source that a page (an article, a therapy, any reviewed content) cites,
    shown to readers as a numbered reference list. The page is found through
    its content type, so the editorial engine needs to know no content app."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    cited_by = GenericForeignKey("content_type", "object_id")
    position = models.PositiveSmallIntegerField(default=0, help_text="References are numbered in this order.")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField("address", max_length=500, blank=True)
    accessed_on = models.DateField("date accessed", null=True, blank=True)
    # Which parts of the page the source backs, as the codes of the citing
    # model's CITATION_BLOCKS ((code, heading) pairs), comma-separated. The
    # content model names its parts, so the engine needs to know none of them.
    supports = models.CharField(
        max_length=200,
        blank=True,
        help_text="The parts of the page this source backs: each shows it as a numbered citation.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "position"], name="reference_cited_by_position")]

    def __str__(self):
        return self.title

    @staticmethod
    def blocks_of(model):
        """The (code, heading) pairs a page of `model` can cite a source for."""
        return list(getattr(model, "CITATION_BLOCKS", ()) or ())

    @property
    def supported_blocks(self):
        return [code.strip() for code in self.supports.split(",") if code.strip()]

    def clean(self):
        super().clean()
        if not self.supports or self.content_type_id is None:
            return
        model = self.content_type.model_class()
        known = dict(self.blocks_of(model))
        unknown = [code for code in self.supported_blocks if code not in known]
        if unknown:
            raise ValidationError(
                {
                    "supports": f"Not a part of this page: {', '.join(unknown)}. "
                    + (f"Choose from: {', '.join(known)}." if known else "This page has no parts to cite for.")
                }
            )
