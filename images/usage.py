"""Where an image is used: every page whose text refers to it, live or in a
revision waiting for review. Found by reading the texts themselves, so
nothing has to be kept in step with them."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from core.markup import image_references, reject_images
from editorial.models import EditorialStatus, Revision


@dataclass(frozen=True)
class Use:
    page: str
    kind: str  # "Therapy", "Article", ...
    where: str  # "live text", "text readers do not see yet" or "revision waiting for review"
    admin_url: str


def markdown_text_fields():
    """{model: [field names]} for every model with Markdown text readers read
    (the fields that check their images with core.markup.reject_images);
    history tables and proxies left out."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or hasattr(model, "history_object"):
            continue
        names = [f.name for f in model._meta.fields if reject_images in getattr(f, "validators", ())]
        if names:
            found[model] = names
    return found


def _refers_to(text, image_id):
    return any(reference.image_id == image_id for reference in image_references(text or ""))


def _admin_url(obj):
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _pages_whose_text_refers_to(image, fields_by_model):
    marker = f"image:{image.pk}"
    for model, names in fields_by_model.items():
        # The database narrows by the marker; the text's own references decide
        # ("image:4" is inside "image:42", and a reference shown as code is no use).
        condition = Q()
        for name in names:
            condition |= Q(**{f"{name}__contains": marker})
        for obj in model._default_manager.filter(condition):
            if any(_refers_to(getattr(obj, name), image.pk) for name in names):
                yield obj


def _is_live(page):
    return getattr(page, "is_live", True)


def _is_approved(page):
    """Live, or approved by a reviewer to go live at a set time."""
    return _is_live(page) or getattr(page, "status", None) == EditorialStatus.PUBLISHED


def _revisions_whose_text_refers_to(image, fields_by_model, revisions):
    """(revision, page) for each of `revisions` whose text refers to `image`."""
    models_by_type = {ContentType.objects.get_for_model(model).pk: model for model in fields_by_model}
    for revision in revisions.filter(content_type__in=models_by_type):
        model = models_by_type[revision.content_type_id]
        data = revision.data if isinstance(revision.data, dict) else {}
        texts = [data.get(name) for name in fields_by_model[model]]
        if not any(isinstance(text, str) and _refers_to(text, image.pk) for text in texts):
            continue
        obj = model._default_manager.filter(pk=revision.object_id).first()
        if obj is not None:
            yield revision, obj


def approved_pages_showing(image):
    """The pages whose approved text shows `image`: live now, or approved by a
    reviewer to go live at a set time (the page, or a scheduled revision of it)."""
    fields_by_model = markdown_text_fields()
    pages = [page for page in _pages_whose_text_refers_to(image, fields_by_model) if _is_approved(page)]
    scheduled = Revision.objects.filter(status=Revision.Status.SCHEDULED)
    return pages + [page for _, page in _revisions_whose_text_refers_to(image, fields_by_model, scheduled)]


def uses_of(image):
    """Every Use of `image`, pages first, then revisions waiting for review."""
    uses = []
    fields_by_model = markdown_text_fields()
    for obj in _pages_whose_text_refers_to(image, fields_by_model):
        where = "live text" if _is_live(obj) else "text readers do not see yet"
        uses.append(Use(str(obj), obj._meta.verbose_name.capitalize(), where, _admin_url(obj)))
    for _, obj in _revisions_whose_text_refers_to(image, fields_by_model, Revision.objects.open()):
        uses.append(Use(str(obj), obj._meta.verbose_name.capitalize(), "revision waiting for review", _admin_url(obj)))
    return uses
