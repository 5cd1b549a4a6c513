"""An editor uploads images to the media library: good files are kept,
stripped of their metadata; hostile or broken ones are refused in plain
words, and nothing of them is stored."""

import io

import pytest
from PIL import Image as PillowImage

from images import uploads
from images.models import Image
from tests.admin_roles import admin_url
from tests.images.files import (
    HTML_NAMED_PNG,
    image_bytes,
    jpeg_with_gps_and_rotation,
    png_claiming_size,
    stored_files,
    truncated_jpeg,
    upload,
)

pytestmark = pytest.mark.django_db


def send(web, file, **fields):
    data = {"title": "How the injection is given", "alt_text": "Diagram of the injection site", **fields, "upload": file}
    return web.post(admin_url(Image, "add"), data)


def upload_errors(response):
    assert response.status_code == 200, "a refused upload shows the form again"
    return response.context["adminform"].form.errors


def test_an_editor_uploads_a_png_and_it_is_kept_with_its_size_and_renditions(editor_web, media_folder):
    response = send(editor_web, upload(image_bytes(1000, 500)), caption="Where the needle goes", credit="Drawing: site team")

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height, image.caption) == (1000, 500, "Where the needle goes")
    assert image.uploaded_by.username == "edna"
    assert image.file.name.endswith(".png") and "diagram" not in image.file.name
    assert [r["width"] for r in image.renditions] == [480, 800, 1000]
    assert all(r["webp"].endswith(".webp") and r["fallback"].endswith(".png") for r in image.renditions)
    for rendition in image.renditions:
        with PillowImage.open(media_folder / rendition["webp"]) as webp:
            assert (webp.format, webp.width) == ("WEBP", rendition["width"])
    assert image.history.count() == 1


def test_a_rendition_is_never_wider_than_the_original(editor_web):
    send(editor_web, upload(image_bytes(300, 200)))
    assert [(r["width"], r["height"]) for r in Image.objects.get().renditions] == [(300, 200)]


@pytest.mark.parametrize(
    "content, name, expected",
    [
        (HTML_NAMED_PNG, "diagram.png", "is not a JPEG, PNG or WebP image"),
        (image_bytes(20, 20, "GIF"), "animation.gif", "is not a JPEG, PNG or WebP image"),
        (png_claiming_size(20_000, 20_000), "bomb.png", "far too many pixels"),
        (png_claiming_size(8_000, 6_000), "huge.png", "8,000 x 6,000 pixels; images may have at most 40 million pixels"),
        (truncated_jpeg(), "photo.jpg", "damaged or incomplete"),
    ],
    ids=["html-named-png", "gif", "20000x20000-bomb", "48-megapixels", "truncated-jpeg"],
)
def test_a_hostile_or_broken_file_is_refused_and_nothing_is_stored(editor_web, media_folder, content, name, expected):
    errors = upload_errors(send(editor_web, upload(content, name)))

    assert expected in " ".join(errors["upload"])
    assert Image.objects.count() == 0
    assert stored_files(media_folder) == []


def test_the_check_itself_refuses_a_file_over_the_byte_limit(monkeypatch):
    # Behind the streaming limit of the upload page, for any other way in.
    from django.core.exceptions import ValidationError

    monkeypatch.setattr(uploads, "MAX_IMAGE_BYTES", 2048)
    with pytest.raises(ValidationError, match="images may be at most"):
        uploads.check_upload(upload(image_bytes(300, 300, "PNG", compress_level=0)))


def test_location_and_camera_details_are_removed_and_the_photo_stays_upright(editor_web, media_folder):
    original = jpeg_with_gps_and_rotation(width=40, height=20)
    with PillowImage.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825), "the test photo carries a GPS position"

    send(editor_web, upload(original, "holiday.jpg", "image/jpeg"))

    image = Image.objects.get()
    with PillowImage.open(media_folder / image.file.name) as kept:
        exif = kept.getexif()
        assert not exif.get_ifd(0x8825) and 0x8825 not in exif
        assert 0x0110 not in exif  # the camera's name
        assert kept.size == (20, 40)  # turned as the camera said, then the turn forgotten
    assert (image.width, image.height) == (20, 40)


def test_alt_text_or_decorative_is_required(editor_web, media_folder):
    errors = upload_errors(send(editor_web, upload(image_bytes()), alt_text=""))
    assert "Write what the image shows" in " ".join(errors["alt_text"])

    errors = upload_errors(send(editor_web, upload(image_bytes()), decorative="on"))
    assert "not decorative" in " ".join(errors["decorative"])

    assert Image.objects.count() == 0 and stored_files(media_folder) == []
    assert send(editor_web, upload(image_bytes()), alt_text="", decorative="on").status_code == 302
    assert Image.objects.get().decorative


def test_the_database_refuses_an_image_with_neither_alt_text_nor_the_decorative_mark(db):
    from django.db import IntegrityError, transaction

    for alt_text, decorative in [("", False), ("A diagram", True)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Image.objects.create(title="x", file="images/x.png", width=1, height=1, alt_text=alt_text, decorative=decorative)


def test_a_photo_of_a_few_megabytes_is_accepted(editor_web, media_folder):
    from PIL import Image as Pillow

    noisy = Pillow.effect_noise((1600, 1200), 90).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    assert len(out.getvalue()) > 4 * 1024 * 1024, "larger than the site's usual request limit"

    response = send(editor_web, upload(out.getvalue(), "photo.png"))

    assert response.status_code == 302
    assert Image.objects.get().width == 1600


def test_a_file_over_the_limit_is_stopped_as_it_streams_in(editor_web, media_folder, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_BYTES", 100 * 1024)
    big = image_bytes(400, 400, "PNG", compress_level=0)
    assert len(big) > 100 * 1024

    response = send(editor_web, upload(big))

    assert response.status_code == 302 and response.url == admin_url(Image, "add")
    text = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "larger than the 102,400 bytes limit for images, so it was not read and nothing was kept" in text
    assert Image.objects.count() == 0 and stored_files(media_folder) == []


def test_someone_without_the_upload_permission_is_refused_before_the_file_is_read(price_web, client, media_folder):
    assert send(price_web, upload(image_bytes())).status_code == 403

    response = send(client, upload(image_bytes()))
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert Image.objects.count() == 0 and stored_files(media_folder) == []


def test_a_reviewer_may_upload_too(reviewer_web):
    assert send(reviewer_web, upload(image_bytes())).status_code == 302
    assert Image.objects.get().uploaded_by.username == "rita"


@pytest.mark.parametrize("image_format, name", [("PNG", "map.png"), ("WEBP", "map.webp")])
def test_location_details_are_removed_from_png_and_webp_too(editor_web, media_folder, image_format, name):
    exif = PillowImage.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0)}
    original = image_bytes(30, 30, image_format, exif=exif.tobytes())
    with PillowImage.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825), "the test file carries a GPS position"

    send(editor_web, upload(original, name))

    with PillowImage.open(media_folder / Image.objects.get().file.name) as kept:
        assert kept.format == image_format
        assert not kept.getexif().get_ifd(0x8825) and "exif" not in kept.info


def test_the_image_page_names_the_uploader_as_colleagues_know_them(editor_web, editor_user):
    """By their staff profile's name, as "Last edited by" on a page, not by
    their user name linked to an account page editors may not open."""
    from editorial.models import StaffProfile

    StaffProfile.objects.create(user=editor_user, display_name="Edna Editor (demo account)")
    send(editor_web, upload(image_bytes(600, 300)))

    page = editor_web.get(admin_url(Image.objects.get(), "change")).content.decode()

    uploader = page.split("Uploaded by:")[1].split("</div>")[0]
    assert "Edna Editor (demo account)" in uploader
    assert "/admin/auth/user/" not in uploader
