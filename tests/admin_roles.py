"""Helpers for the admin tests: admin addresses and draft content."""

from django.urls import reverse


def admin_url(obj_or_model, view, *args):
    opts = obj_or_model._meta
    if view in {"change", "delete", "history", "review", "send_back", "unpublish"} and not args:
        args = (obj_or_model.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def draft(make, **fields):
    return make(status="draft", published_at=None, **fields)


def seen_version(web, obj):
    """The edit version the review page shows its reviewer (the hidden field
    an approval must send back)."""
    return web.get(admin_url(obj, "review")).context["form"]["seen_version"].value()
