"""The price upload page's size limit, enforced while the request streams in
(core.uploads says how)."""

from django.conf import settings

from core import uploads
from core.uploads import FORM_OVERHEAD, megabytes


def price_upload_limit():
    """The largest body the price upload page accepts: its file limit, the form
    around the file, and a margin so that a file a little over the limit still
    reaches the page and gets its explanation rather than a bare refusal
    (core.middleware.RequestBodyLimitMiddleware asks for it on every request,
    so a test that lowers the limit lowers this too)."""
    from prices.admin import imports

    return imports.MAX_UPLOAD_BYTES + FORM_OVERHEAD + settings.MSINFO_MAX_REQUEST_BODY_BYTES


def too_large_message(limit):
    return (
        f"The file is larger than the {megabytes(limit)} limit, so it was not read. Split it into smaller files, "
        "or ask a developer to run the import_prices command with it."
    )


def limit_upload_size(view, *, limit, refused_url, allowed):
    """core.uploads.limit_upload_size, with the price upload page's messages."""
    return uploads.limit_upload_size(
        view,
        limit=limit,
        refused_url=refused_url,
        allowed=allowed,
        too_large_message=too_large_message,
        not_allowed_message="You may not upload price files.",
    )
