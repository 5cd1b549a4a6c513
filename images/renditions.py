"""The resized copies of an image that readers' browsers choose from.

Made once, when the image is uploaded, by sorl-thumbnail (with Pillow), into
the default storage (local disk, or the S3 bucket): a reader's request only
reads their names from the image's row, and never resizes or writes anything.
Each width comes in WebP, which every current browser shows, and in the
original's own kind (PNG for a PNG, whose flat colours and transparency suit
diagrams; JPEG otherwise) for the rest."""

from sorl.thumbnail import get_thumbnail

# Wide enough for a phone, a tablet and the text column on a large screen at
# twice the pixel density; never wider than the original.
WIDTHS = (480, 800, 1200)
WEBP_QUALITY = 80


def widths_for(original_width):
    widths = [width for width in WIDTHS if width < original_width]
    if original_width <= WIDTHS[-1]:
        widths.append(original_width)
    return widths


def make_renditions(image):
    """[{"width", "height", "webp", "fallback"}, ...] for `image` (a saved
    images.models.Image whose file is stored), by width."""
    fallback_format = "PNG" if image.file.name.lower().endswith(".png") else "JPEG"
    made = []
    for width in widths_for(image.width):
        webp = get_thumbnail(image.file, str(width), format="WEBP", quality=WEBP_QUALITY, upscale=False)
        fallback = get_thumbnail(image.file, str(width), format=fallback_format, upscale=False)
        made.append({"width": fallback.width, "height": fallback.height, "webp": webp.name, "fallback": fallback.name})
    return made
