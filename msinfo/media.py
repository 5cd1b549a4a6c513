"""Where uploaded images are kept: local disk, or an S3-compatible bucket.

Local disk (MEDIA_ROOT) needs nothing set up, and suits one app server. With
MEDIA_S3_BUCKET set, images go to that bucket through django-storages, so
every app server sees the same files; the credentials come from the
environment as boto3 reads them (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
or the server's role), never from a setting here."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def _origin(address, name):
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an address such as https://s3.example.org; it is {address!r}.")
    return f"{parts.scheme}://{parts.netloc}"


def media_storage(*, bucket, endpoint_url="", custom_domain="", region=""):
    """(the STORAGES["default"] entry, the one origin images then come from,
    or "" for the site's own). Readers' browsers fetch the images from
    `custom_domain` (a CDN or the bucket's own host name) if given, else from
    the `endpoint_url` of the S3-compatible service; that origin, and no
    other, joins the Content-Security-Policy's img-src."""
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, ""
    endpoint_url, custom_domain = endpoint_url.strip().rstrip("/"), custom_domain.strip().strip("/")
    if not (endpoint_url or custom_domain):
        raise ImproperlyConfigured(
            "MEDIA_S3_BUCKET is set, but neither MEDIA_S3_CUSTOM_DOMAIN nor MEDIA_S3_ENDPOINT_URL is: "
            "set the address readers' browsers fetch images from (for AWS, e.g. "
            "MEDIA_S3_CUSTOM_DOMAIN=<bucket>.s3.<region>.amazonaws.com)."
        )
    if custom_domain:
        origin = _origin(f"https://{custom_domain}", "MEDIA_S3_CUSTOM_DOMAIN")
    else:
        origin = _origin(endpoint_url, "MEDIA_S3_ENDPOINT_URL")
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "custom_domain": custom_domain or None,
            "region_name": region or None,
            # Path-style addresses: every image comes from the endpoint's one
            # origin, not from a host name per bucket.
            "addressing_style": "path",
            # Plain addresses: readers' pages are cached, and a signed one would expire in them.
            "querystring_auth": False,
            # A name is never reused, so an upload never replaces a file a page shows.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    return storage, origin
