"""An image as readers get it: a <picture> with a WebP source and a fallback,
each at a few widths, so the browser downloads only what the screen needs;
width and height, so the page does not jump as it loads; lazy loading, since
images in a page's text are below the fold."""

from django.core.files.storage import default_storage
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

# An image is at most 40rem wide (static/css/site.css); below that, the screen's width.
SIZES = "(min-width: 42rem) 40rem, 100vw"


def _srcset(renditions, key):
    return format_html_join(", ", "{} {}w", ((default_storage.url(r[key]), r["width"]) for r in renditions))


def picture(image, alt):
    """The <picture> element of `image` with the alt text `alt` ("" for none)."""
    renditions = image.renditions
    if not renditions:
        # Renditions could not be made: the original, which is stored re-encoded and stripped.
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" decoding="async">',
            image.file.url, image.width, image.height, alt,
        )
    largest = renditions[-1]
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="lazy" decoding="async">'
        "</picture>",
        _srcset(renditions, "webp"), SIZES,
        default_storage.url(largest["fallback"]), _srcset(renditions, "fallback"), SIZES,
        largest["width"], largest["height"], alt,
    )


def alt_text_for(image, alt_at_point_of_use):
    """Alt text written where the image is used says what it shows there,
    and wins; otherwise the library's; a decorative image has none."""
    return alt_at_point_of_use or ("" if image.decorative else image.alt_text)


def figure(image, alt_at_point_of_use="", standalone=True):
    """An image as it appears in a text: with its caption, credit and licence
    in a <figure> when it stands in a paragraph of its own."""
    shown = picture(image, alt_text_for(image, alt_at_point_of_use))
    if not standalone or not (image.caption or image.credit or image.licence):
        return shown
    notes = [escape(image.caption)] if image.caption else []
    source = " · ".join(escape(part) for part in (image.credit, image.licence) if part)
    if source:
        notes.append(f'<span class="image-credit">{source}</span>')
    return format_html(
        '<figure class="content-image">{}<figcaption>{}</figcaption></figure>', shown, mark_safe(" ".join(notes))
    )
