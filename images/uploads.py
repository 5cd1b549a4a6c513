"""What an uploaded image must be before anything of it is stored.

A file is judged by its content, never its name: Pillow reads the header to
learn the format and the pixel size, so a 20,000 x 20,000 "bomb" is refused
before a single pixel is decoded; only then is the whole image decoded, which
catches a truncated or damaged file. What is kept is not the upload itself but
a fresh encoding of its pixels: EXIF (GPS position, camera, owner), XMP and
comments do not survive it. The orientation the camera recorded is applied to
the pixels first, so a photo taken sideways still stands upright."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image as PillowImage
from PIL import ImageOps, UnidentifiedImageError

# Editors' diagrams and photos are well under this; a larger file is most
# likely a camera original that should be exported smaller first.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
# 40 megapixels: more than any screen shows, and what Pillow needs to decode
# it (about 160 MB) stays bearable for one request.
MAX_IMAGE_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPTED_NAMES = "JPEG, PNG or WebP"


@dataclass(frozen=True)
class CheckedImage:
    """An upload that passed every check, re-encoded without its metadata."""

    content: bytes
    format: str  # "JPEG", "PNG" or "WEBP"
    extension: str
    width: int
    height: int


def _megabytes(size):
    return f"{size / (1024 * 1024):.0f} MB"


def check_upload(upload):
    """The upload as a CheckedImage, or ValidationError saying in plain words
    what is wrong. Reads at most MAX_IMAGE_BYTES + 1 bytes of it."""
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            f"This file is {_megabytes(upload.size)}; images may be at most {_megabytes(MAX_IMAGE_BYTES)}. "
            "Export a smaller version (1,600 pixels wide is plenty) and upload that.",
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(f"Images may be at most {_megabytes(MAX_IMAGE_BYTES)}.", code="too_large")
    not_an_image = ValidationError(
        f"This file is not a {ACCEPTED_NAMES} image (whatever its name says). Save it as one of those and try again.",
        code="not_an_image",
    )
    too_many_pixels = (
        f"images may have at most {MAX_IMAGE_PIXELS // 1_000_000} million pixels. Export a smaller version and upload that."
    )
    try:
        # Header only: nothing is decoded yet.
        header = PillowImage.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except PillowImage.DecompressionBombError:
        # Pillow's own guard, for sizes far past ours: refused the same way.
        raise ValidationError(f"This image has far too many pixels: {too_many_pixels}", code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise not_an_image from None
    if header.format not in ACCEPTED_FORMATS:
        raise not_an_image
    width, height = header.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            f"This image is {width:,} x {height:,} pixels; {too_many_pixels}",
            code="too_many_pixels",
        )
    if getattr(header, "n_frames", 1) > 1:
        raise ValidationError("Animated images are not accepted: upload a still image.", code="animated")
    try:
        header.load()  # The full decode: a truncated or damaged file fails here.
        upright = ImageOps.exif_transpose(header)
    except (OSError, ValueError, SyntaxError, PillowImage.DecompressionBombError):
        raise ValidationError(
            "This image is damaged or incomplete (perhaps the upload was cut short), so it could not be read. "
            "Open it on your computer, save it again and upload the new file.",
            code="damaged",
        ) from None
    return _reencoded(upright, header.format)


def _reencoded(picture, image_format):
    """The pixels alone, in the upload's format: no EXIF, XMP or comments.
    The colour profile is kept, so colours do not shift."""
    keep = {}
    if picture.info.get("icc_profile"):
        keep["icc_profile"] = picture.info["icc_profile"]
    if image_format == "JPEG":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        keep.update(quality=90, optimize=True)
    elif image_format == "WEBP":
        keep.update(quality=90)
    else:
        keep.update(optimize=True)
    out = io.BytesIO()
    picture.save(out, format=image_format, **keep)
    return CheckedImage(out.getvalue(), image_format, ACCEPTED_FORMATS[image_format], *picture.size)
