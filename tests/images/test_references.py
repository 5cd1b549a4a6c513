"""Editors put a library image into a text by reference (![alt](image:42));
readers get a responsive <picture>, with the library's alt text unless the
text gives its own; anything else that looks like an image is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import CaptureQueriesContext
from django.db import connection

from core.markup import IMAGES_ONLY_FROM_LIBRARY, image_references, reject_images, render_markdown
from images.models import Image, store_upload
from images.uploads import check_upload
from tests.images.files import image_bytes, upload

pytestmark = pytest.mark.django_db


def library_image(width=1000, height=500, **fields):
    values = {"title": "Injection sites", "alt_text": "Diagram: the belly and thighs, where the injection goes", **fields}
    return store_upload(Image(**values), check_upload(upload(image_bytes(width, height))))


def test_a_reference_becomes_a_picture_with_webp_sources_a_fallback_and_its_size():
    image = library_image(caption="Change the place each time.", credit="Drawing: site team", licence="CC BY 4.0")

    html = str(render_markdown(f"Before.\n\n![]({'image:%d' % image.pk})\n\nAfter."))

    assert '<figure class="content-image"><picture><source type="image/webp" srcset="' in html
    for rendition in image.renditions:
        assert f"/media/{rendition['webp']} {rendition['width']}w" in html
        assert f"/media/{rendition['fallback']} {rendition['width']}w" in html
    assert 'width="1000" height="500"' in html
    assert 'alt="Diagram: the belly and thighs, where the injection goes"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert "<figcaption>Change the place each time. " in html
    assert '<span class="image-credit">Drawing: site team · CC BY 4.0</span>' in html
    assert html.startswith("<p>Before.</p>") and "<p><figure" not in html


def test_alt_text_at_the_point_of_use_overrides_the_librarys():
    image = library_image()
    html = str(render_markdown(f"![The thigh, front and outer side](image:{image.pk})"))
    assert 'alt="The thigh, front and outer side"' in html
    assert "belly and thighs" not in html


def test_a_decorative_image_has_empty_alt_text():
    image = library_image(alt_text="", decorative=True)
    assert 'alt=""' in str(render_markdown(f"![](image:{image.pk})"))


def test_an_image_inside_a_sentence_has_no_figure():
    image = library_image(caption="A caption")
    html = str(render_markdown(f"See ![]({'image:%d' % image.pk}) here."))
    assert html.startswith("<p>See <picture>") and "<figure" not in html


def test_an_edit_to_the_librarys_alt_text_shows_at_once():
    image = library_image()
    text = f"![](image:{image.pk})"
    render_markdown(text)
    Image.objects.filter(pk=image.pk).update(alt_text="A new description")
    assert 'alt="A new description"' in str(render_markdown(text))


def test_a_reference_to_a_deleted_image_shows_nothing():
    image = library_image()
    text = f"Before.\n\n![A diagram](image:{image.pk})\n\nAfter."
    image.delete()
    assert str(render_markdown(text)) == "<p>Before.</p>\n\n<p>After.</p>"


def test_many_images_are_read_in_one_query():
    images = [library_image(300, 200) for _ in range(4)]
    text = "\n\n".join(f"![](image:{image.pk})" for image in images)
    render_markdown(text)  # the text's own rendering is kept from here on
    with CaptureQueriesContext(connection) as queries:
        html = str(render_markdown(text))
    assert html.count("<picture>") == 4
    assert len(queries) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Look: ![a scan](https://example.org/mri.png)",
        "![scan][1]\n\n[1]: https://example.org/mri.png",
        'Raw <IMG SRC="https://example.org/mri.png">',
        '<img src="/media/images/abc.png" alt="x">',
    ],
)
def test_an_image_from_anywhere_else_is_refused_with_the_way_to_do_it(text):
    with pytest.raises(ValidationError) as error:
        reject_images(text)
    assert error.value.messages == [IMAGES_ONLY_FROM_LIBRARY]
    assert "Insert image" in IMAGES_ONLY_FROM_LIBRARY


def test_a_reference_to_an_image_that_does_not_exist_is_refused():
    image = library_image()
    reject_images(f"![](image:{image.pk})")
    with pytest.raises(ValidationError) as error:
        reject_images(f"![](image:{image.pk + 1000})")
    assert f"no image:{image.pk + 1000}" in error.value.messages[0]


def test_a_reference_shown_as_code_is_only_text():
    reject_images("Write `![alt](image:999)` to show an image.")
    assert image_references("Write `![alt](image:999)`.") == []
    assert "<picture" not in str(render_markdown("Write `![alt](image:999)`."))


def test_an_image_address_never_reaches_readers_even_if_it_got_into_a_text():
    # Saved past the form (an import, a script): the page still shows no outside image.
    html = str(render_markdown("![x](https://example.org/tracker.png) and <img src=x onerror=alert(1)>"))
    assert "<img" not in html and "example.org" not in html and "onerror" not in html


def test_a_page_with_many_images_costs_the_same_queries_as_one_with_one(client, make_article, page_cache_off):
    one = library_image(300, 200)
    more = [library_image(300, 200) for _ in range(5)]
    single = make_article(slug="one-image", body=f"![](image:{one.pk})")
    several = make_article(slug="six-images", body="\n\n".join(f"![](image:{image.pk})" for image in [one, *more]))
    client.get(single.get_absolute_url()), client.get(several.get_absolute_url())  # texts rendered and kept

    counts = []
    for article in (single, several):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(article.get_absolute_url()).content.decode()
        counts.append(len(queries))
        assert html.count("<picture>") == (1 if article is single else 6)
    assert counts[0] == counts[1]


def test_an_images_texts_are_escaped_in_the_page():
    image = library_image(alt_text='A "quoted" <script>alert(1)</script>', caption="<b>bold</b> & more", credit="<i>x</i>")
    html = str(render_markdown(f"![](image:{image.pk})"))
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert 'alt="A &quot;quoted&quot; &lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html


@pytest.mark.parametrize("kind, address", [("emerging", "/emerging/"), ("supportive", "/care/")])
def test_a_section_kept_as_a_fragment_shows_its_image_and_an_edit_to_it(client, make_category, page_cache_off, kind, address):
    # The emerging and care pages keep their sections' HTML (core.fragments),
    # which may not query as it renders: the images are loaded before, and
    # are part of what the kept HTML is made from.
    image = library_image(300, 200, alt_text="The first description")
    make_category(kind=kind, slug=f"{kind}-section", body=f"Words.\n\n![](image:{image.pk})")

    first = client.get(address)
    assert first.status_code == 200
    assert 'alt="The first description"' in first.content.decode()

    image.alt_text = "The second description"
    image.save()
    assert 'alt="The second description"' in client.get(address).content.decode()
