"""Upload pages that take a file larger than the site's usual request limit
(the price upload, the media library's image upload), with their size limit
enforced while the request streams in.

Checking `upload.size` in a form would come only after Django had read the
whole body and spooled it to a temporary file. Instead an upload handler goes
first in the chain: it refuses a body whose declared length is over the limit
before reading any of it, and stops a file at the limit as its chunks arrive,
so nothing past the limit is read into memory or written to disk, and nothing
is kept. The proxy in front should refuse such bodies even earlier (README,
"Production")."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload, TemporaryFileUploadHandler
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt

# The form around the file (its fields, the multipart boundaries) adds a few
# hundred bytes; a body longer than the limit plus this cannot be acceptable.
FORM_OVERHEAD = 64 * 1024


def megabytes(size):
    text = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return f"{text} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


class SizeLimitHandler(FileUploadHandler):
    """Passes chunks on to the usual handlers until a file goes over `limit`
    bytes, then stops the upload. `refused` says whether it did."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.refused = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit + FORM_OVERHEAD:
            # Answer with an empty form rather than read a byte of the body.
            self.refused = True
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.refused = True
            # connection_reset: do not read the rest of the body either.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_upload_size(view, *, limit, refused_url, allowed, too_large_message, not_allowed_message):
    """Wrap an admin view (already wrapped by admin_view) so its uploads stop at
    `limit()` bytes, and only people `allowed(user)` send one at all. A file
    over the limit is answered with `too_large_message(limit)` on `refused_url`;
    someone not allowed, with 403 and `not_allowed_message`.

    Installing a handler must come before anything reads the body, which CSRF
    checking does: so the outer view is csrf_exempt, and the admin_view inside
    still checks the CSRF token of every accepted request. For the same reason
    the sign-in and permission checks come here first, from the session
    alone: a visitor who may not upload gets their answer before a byte of
    the body is read, spooled to a temporary file or waited for."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            user = request.user
            if not (user.is_active and user.is_staff):
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not allowed(user):
                raise PermissionDenied(not_allowed_message)
            handler = SizeLimitHandler(request, limit())
            # The site's only handler keeps small files in memory
            # (settings.FILE_UPLOAD_HANDLERS); the file here may be larger.
            request.upload_handlers = [handler, *request.upload_handlers, TemporaryFileUploadHandler(request)]
            request.POST  # parse the body now, under the limit
            if handler.refused:
                # Nothing was kept; nothing changes, so no CSRF token is needed to say so.
                messages.error(request, too_large_message(handler.limit))
                return redirect(refused_url)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
