"""The catalogue's groups: the DMT groups, the emerging-therapy sections and
the supportive-care sections, one Category table with a proxy per kind so
editors find each under the name the site's menu gives it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from simple_history.models import HistoricalRecords

from core.markup import MARKDOWN_HELP, reject_images
from editorial.models import ReviewedContent, ReviewedContentQuerySet


class CategoryKind(models.TextChoices):
    DISEASE_MODIFYING = "dmt", "Disease-modifying therapy"
    EMERGING = "emerging", "Emerging therapy"
    SUPPORTIVE = "supportive", "Supportive care"


# Named so the kind-specific proxies below can share it (see _record_history_of).
_CATEGORY_HISTORY = HistoricalRecords()


class Category(ReviewedContent):
    """A group of therapies: a DMT category, an emerging-therapy section or a
    supportive-care section. The kind decides which public page shows it.
    Editors find each kind under its own name (the proxies below)."""

    Kind = CategoryKind

    kind = models.CharField(max_length=20, choices=CategoryKind.choices)
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the page's address, e.g. 'oral-dmts' for /categories/oral-dmts/.",
    )
    display_order = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed from the lowest number up."
    )
    summary = models.TextField(help_text="One or two plain sentences shown in lists and tables.")
    body = models.TextField(blank=True, help_text=MARKDOWN_HELP, validators=[reject_images])
    administration = models.CharField(
        "how it is given",
        max_length=200,
        blank=True,
        help_text="For DMT categories, e.g. 'Self-injection, 1 to 7 times a week'.",
    )
    history = _CATEGORY_HISTORY

    class Meta(ReviewedContent.Meta):
        verbose_name_plural = "categories"
        ordering = ["kind", "display_order", "name"]
        permissions = [("publish_category", "Can approve, publish and unpublish categories and sections")]
        constraints = [
            *ReviewedContent.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=CategoryKind.values), name="category_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("therapies:category_detail", args=[self.slug])

    # Emerging sections are due for review sooner (settings.EMERGING_REVIEW_INTERVAL_MONTHS).
    @property
    def default_review_interval(self):
        return review_interval_for_kind(self.kind)

    @classmethod
    def default_review_intervals(cls):
        return review_intervals_by_kind("kind")

    # Each kind by the name its proxy (below) gives it: on the dashboard and
    # in the review log, a section is not a "category".
    @property
    def kind_name(self):
        return _kind_name(self.kind)

    @classmethod
    def kind_names(cls, pks):
        return {pk: _kind_name(kind) for pk, kind in Category.objects.filter(pk__in=pks).values_list("pk", "kind")}


def _kind_name(kind):
    proxy = CATEGORY_PROXIES.get(kind)
    return proxy._meta.verbose_name if proxy is not None else Category._meta.verbose_name


def review_interval_for_kind(kind):
    if kind == CategoryKind.EMERGING:
        return min(settings.EMERGING_REVIEW_INTERVAL_MONTHS, settings.REVIEW_INTERVAL_MONTHS)
    return settings.REVIEW_INTERVAL_MONTHS


def review_intervals_by_kind(kind_field):
    emerging = Q(**{kind_field: CategoryKind.EMERGING})
    return [(review_interval_for_kind(CategoryKind.EMERGING), emerging), (settings.REVIEW_INTERVAL_MONTHS, ~emerging)]


# --- Each kind of category under the name the site's menu gives it -----------------------


class CategoryKindManager(models.Manager.from_queryset(ReviewedContentQuerySet)):
    """Only the categories of one kind."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class OneKindOfCategory:
    """A proxy of Category that holds one kind only: its rows are that kind,
    and a new one is made of that kind. Revisions, redirects, references and
    review decisions stay on Category's content type (Django's default for
    proxies), so a section has one history however it is reached."""

    KIND = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.kind:
            self.kind = self.KIND


class DmtGroup(OneKindOfCategory, Category):
    KIND = CategoryKind.DISEASE_MODIFYING
    objects = CategoryKindManager(KIND)

    class Meta:
        proxy = True
        verbose_name = "disease-modifying therapy group"
        verbose_name_plural = "disease-modifying therapy groups"
        ordering = ["display_order", "name"]
        permissions = [("publish_dmtgroup", "Can approve, publish and unpublish disease-modifying therapy groups")]


class EmergingSection(OneKindOfCategory, Category):
    KIND = CategoryKind.EMERGING
    objects = CategoryKindManager(KIND)

    class Meta:
        proxy = True
        verbose_name = "emerging therapy section"
        verbose_name_plural = "emerging therapy sections"
        ordering = ["display_order", "name"]
        permissions = [("publish_emergingsection", "Can approve, publish and unpublish emerging therapy sections")]


class SupportiveSection(OneKindOfCategory, Category):
    KIND = CategoryKind.SUPPORTIVE
    objects = CategoryKindManager(KIND)

    class Meta:
        proxy = True
        verbose_name = "supportive care section"
        verbose_name_plural = "supportive care sections"
        ordering = ["display_order", "name"]
        permissions = [("publish_supportivesection", "Can approve, publish and unpublish supportive care sections")]


CATEGORY_PROXIES = {proxy.KIND: proxy for proxy in (DmtGroup, EmergingSection, SupportiveSection)}


def _record_history_of(history, proxies):
    """simple-history listens only for saves of the model it is declared on,
    and Django names the proxy as the sender of a proxy's save
    (django-simple-history #544): without this, an edit made in a section's
    admin would leave no history. The proxies share Category's history table."""
    for proxy in proxies:
        proxy._meta.simple_history_manager_attribute = history.manager_name
        models.signals.post_save.connect(history.post_save, sender=proxy, weak=False)
        models.signals.pre_delete.connect(history.pre_delete, sender=proxy, weak=False)
        models.signals.post_delete.connect(history.post_delete, sender=proxy, weak=False)


_record_history_of(_CATEGORY_HISTORY, CATEGORY_PROXIES.values())
