"""An image reaches readers only inside an approved page: an editor adds a
diagram to a therapy page, the medical reviewer sees the picture beside the
diff and approves, and only then do readers get it. The media library says
where each image is used, and keeps an image a page uses from being deleted."""

import pytest

from images.models import Image
from tests.admin_roles import admin_url, draft, seen_version
from tests.editorial.test_roles import post_form
from tests.images.files import stored_files
from tests.images.test_references import library_image

pytestmark = pytest.mark.django_db


def test_a_diagram_reaches_readers_only_once_a_reviewer_has_approved_it(
    editor_web, reviewer_web, make_therapy, client
):
    therapy = make_therapy(body="How it is given.")
    image = library_image(alt_text="Diagram: the injection goes under the skin of the belly or thigh")
    text = f"How it is given.\n\n![](image:{image.pk})"

    response = post_form(editor_web, admin_url(therapy, "change"), body=text, _save="Save")
    assert response.status_code == 302

    public = client.get(therapy.get_absolute_url()).content.decode()
    assert "<picture" not in public and image.file.name not in public
    for rendition in image.renditions:
        assert rendition["webp"] not in public

    preview = editor_web.get(f"/preview/therapies/therapy/{therapy.pk}/").content.decode()
    assert "<picture><source type=\"image/webp\"" in preview

    review = reviewer_web.get(admin_url(therapy, "review")).content.decode()
    assert 'class="review-images"' in review
    assert image.renditions[-1]["fallback"] in review
    assert "Alt text readers will hear: “Diagram: the injection goes under the skin of the belly or thigh” (the library's)" in review

    reviewer_web.post(admin_url(therapy, "review"), {"note": "Checked.", "seen_version": seen_version(reviewer_web, therapy)})

    public = client.get(therapy.get_absolute_url()).content.decode()
    assert '<picture><source type="image/webp" srcset="' in public
    assert 'alt="Diagram: the injection goes under the skin of the belly or thigh"' in public
    assert f'width="{image.width}" height="{image.height}"' in public


def test_the_review_page_says_when_alt_text_is_written_at_the_point_of_use(reviewer_web, editor_user, make_article):
    from editorial import workflow

    article = make_article(body="Text.")
    image = library_image()
    article.body = f"Text.\n\n![The thigh, front and outer side](image:{image.pk})"
    workflow.save_edit(article, editor_user)

    review = reviewer_web.get(admin_url(article, "review")).content.decode()

    assert "“The thigh, front and outer side” (written in this text)" in review


def test_a_draft_pages_image_is_not_public(client, make_article):
    image = library_image()
    article = draft(make_article, slug="draft-with-image", body=f"![](image:{image.pk})")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_the_library_says_where_an_image_is_used_live_and_waiting_for_review(editor_web, editor_user, make_article, make_therapy):
    from editorial import workflow

    image = library_image()
    unused = library_image(title="Not used")
    live = make_article(title="Relapses", body=f"![](image:{image.pk})")
    waiting = draft(make_article, title="A draft", slug="a-draft", body=f"![](image:{image.pk})")
    make_article(title="Shown as code", slug="code", body=f"Write `![](image:{image.pk})`.")
    make_article(title="Another image", slug="other", body=f"![](image:{unused.pk})")
    therapy = make_therapy(generic_name="exampleumab", body="Before.")
    therapy.body = f"Before.\n\n![](image:{image.pk})"
    workflow.save_edit(therapy, editor_user)

    page = editor_web.get(admin_url(image, "change")).content.decode()

    assert f'<a href="{admin_url(live, "change")}">Relapses</a> (Article, live text)' in page
    assert f'<a href="{admin_url(therapy, "change")}">exampleumab</a> (Therapy, revision waiting for review)' in page
    assert f'<a href="{admin_url(waiting, "change")}">A draft</a> (Article, text readers do not see yet)' in page
    assert "Shown as code" not in page and "Another image" not in page
    assert "Not used on any page yet." in editor_web.get(admin_url(library_image(title="New"), "change")).content.decode()


def test_an_image_a_page_uses_cannot_be_deleted_and_an_unused_one_can(editor_web, make_article, media_folder):
    used = library_image(title="Used")
    unused = library_image(title="Unused")
    make_article(title="Relapses", body=f"![](image:{used.pk})")

    response = editor_web.post(admin_url(used, "delete"), {"post": "yes"}, follow=True)

    assert Image.objects.filter(pk=used.pk).exists()
    assert "“Used” was not deleted: it is used on “Relapses” (live text)" in response.content.decode()
    unused_files = {unused.file.name, *(name for r in unused.renditions for name in (r["webp"], r["fallback"]))}
    editor_web.post(admin_url(unused, "delete"), {"post": "yes"})
    assert not Image.objects.filter(pk=unused.pk).exists()
    assert not unused_files & set(stored_files(media_folder)), "its file and renditions are deleted too"
    assert used.file.name in stored_files(media_folder)


def test_the_library_lists_thumbnails_and_finds_images_by_their_words(editor_web):
    diagram = library_image(title="Injection sites")
    library_image(title="Infusion chair", alt_text="A reclining chair beside a drip stand")

    page = editor_web.get(admin_url(Image, "changelist")).content.decode()
    assert f'src="/media/{diagram.renditions[0]["fallback"]}"' in page

    found = editor_web.get(admin_url(Image, "changelist"), {"q": "drip"}).content.decode()
    assert "Infusion chair" in found and "Injection sites" not in found


def test_the_chooser_lists_the_library_for_the_insert_image_control(editor_web, client):
    image = library_image(title="Injection sites")
    listed = editor_web.get("/admin/images/image/chooser.json").json()["images"]
    assert listed == [
        {
            "id": image.pk,
            "title": "Injection sites",
            "alt": image.alt_text,
            "thumbnail": f"/media/{image.renditions[0]['fallback']}",
            "reference": f"![](image:{image.pk})",
        }
    ]
    assert client.get("/admin/images/image/chooser.json").status_code == 302  # not signed in: the login page


def test_markdown_fields_get_the_insert_image_control_as_a_static_script(editor_web, make_article):
    article = make_article()
    page = editor_web.get(admin_url(article, "change")).content.decode()
    assert '<textarea name="body" cols="40" rows="10" class="vLargeTextField" data-markdown=""' in page
    assert '<textarea name="standfirst" cols="40" rows="10" class="vLargeTextField" required' in page  # plain text
    assert '<script src="/static/images/chooser.js" data-chooser-url="/admin/images/image/chooser.json" defer></script>' in page


def test_a_cached_page_never_keeps_an_images_old_alt_text(client, reviewer_web, make_article):
    from core.cache import STATUS_HEADER

    image = library_image(alt_text="The old description")
    article = make_article(body=f"![](image:{image.pk})")
    client.get(article.get_absolute_url())
    cached = client.get(article.get_absolute_url())
    assert cached[STATUS_HEADER] == "hit" and 'alt="The old description"' in cached.content.decode()

    response = reviewer_web.post(
        admin_url(image, "change"),
        {"title": image.title, "alt_text": "The new description", "caption": "", "credit": "", "licence": ""},
    )
    assert response.status_code == 302

    fresh = client.get(article.get_absolute_url())
    assert fresh[STATUS_HEADER] == "miss"
    assert 'alt="The new description"' in fresh.content.decode()
    assert image.history.count() == 2


def test_comparing_two_versions_shows_the_image_the_newer_one_adds(reviewer_web, editor_user, make_article):
    from editorial import workflow

    article = make_article(body="Text.")
    image = library_image()
    article.body = f"Text.\n\n![](image:{image.pk})"
    workflow.save_edit(article, editor_user)

    page = reviewer_web.get(admin_url(article, "compare", article.pk), {"from": "live", "to": "pending"}).content.decode()

    assert 'class="review-images"' in page and image.renditions[-1]["fallback"] in page


def test_an_editor_cannot_change_what_readers_get_of_an_image_a_live_page_shows(editor_web, client, make_article):
    """Its alt text and caption would reach readers at once, with no revision
    for a reviewer to approve. The title, which readers never see, stays theirs."""
    image = library_image(alt_text="The approved description", caption="The approved caption.")
    article = make_article(body=f"![](image:{image.pk})")
    changes = {"title": "Renamed", "alt_text": "Unreviewed words", "caption": "Unreviewed caption.", "credit": "", "licence": ""}

    form = editor_web.get(admin_url(image, "change")).content.decode()
    response = editor_web.post(admin_url(image, "change"), changes)

    assert "only a medical reviewer may make it" in form and 'name="caption"' not in form
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.title, image.alt_text, image.caption) == ("Renamed", "The approved description", "The approved caption.")
    assert "Unreviewed" not in client.get(article.get_absolute_url()).content.decode()


def test_an_editor_may_change_an_image_no_live_page_shows_yet(editor_web, editor_user, make_article):
    from editorial import workflow

    image = library_image(alt_text="First words")
    article = make_article(body="Text.")
    article.body = f"Text.\n\n![](image:{image.pk})"
    workflow.save_edit(article, editor_user)  # waiting for review: readers do not get it yet

    editor_web.post(admin_url(image, "change"), {"title": image.title, "alt_text": "Better words", "caption": "", "credit": "", "licence": ""})

    image.refresh_from_db()
    assert image.alt_text == "Better words"


def test_an_image_a_reviewer_approved_to_go_live_later_is_locked_for_editors_too(editor_web, editor_user, reviewer, make_article):
    """Approved for tomorrow, the text is no longer reviewed again: a caption
    changed in between would go live unseen."""
    import datetime

    from django.utils import timezone

    from editorial import workflow

    image = library_image(alt_text="Approved words")
    article = make_article(body="Text.")
    article.body = f"Text.\n\n![](image:{image.pk})"
    workflow.save_edit(article, editor_user)
    workflow.approve(type(article).objects.get(pk=article.pk), reviewer, go_live_at=timezone.now() + datetime.timedelta(days=1))

    editor_web.post(admin_url(image, "change"), {"title": image.title, "alt_text": "Unseen words", "caption": "", "credit": "", "licence": ""})

    image.refresh_from_db()
    assert image.alt_text == "Approved words"
