"""The emerging therapies and supportive care pages' sections, rendered once
per content (core.fragments): on a page the page cache did not hold, the
sections (their Markdown, review dates and reviewer credit, the supportive
sections' cards) were most of the work, and they are the same HTML until
an editor changes something.

The key is a digest of every value the sections show: each section's
loaded fields and its reviewer's (account and staff profile: the credit),
each listed therapy's, and the crisis lines' text shown with the mental
health section; core.fragments adds today's date (a review falls due) and
the release and settings; the glossary, whose plain meanings the sections'
text shows (core.markup.explain_terms); and the media library images their
text shows (core.markup.load_images): both read before rendering, since a
kept fragment may not query as it renders.

The public pages go one step further (`live_emerging_sections`,
`live_care_sections`): the sections are always the live ones, so their HTML
is also kept under the content version until the next scheduled change
(core.kept.remember_while_content_unchanged), and a kept one costs not even
the queries that load the sections to name them in the digest. Only the
crisis lines can be an editor's working copy (in its preview), and they are
named in that key."""

import hashlib

from django.conf import settings
from django.utils import timezone

from core.fragments import kept_render, loaded_values
from core.kept import remember_while_content_unchanged
from core.markup import images_loaded, load_images
from core.page_keys import page_fingerprint
from therapies.models import Category
from therapies.queries import sections

EMERGING_SECTIONS_TEMPLATE = "pages/includes/emerging_sections.html"
CARE_SECTIONS_TEMPLATE = "pages/includes/care_sections.html"

# The related records includes/review_dates.html reads (the reviewer credit).
REVIEWER = ("approved_by", "approved_by__staff_profile")


def _made_from(sections, crisis, glossary, images):
    yield ("glossary", tuple(glossary))
    yield ("images", tuple((image_id, loaded_values(image)) for image_id, image in sorted(images.items())))
    yield loaded_values(crisis)
    for section in sections:
        yield loaded_values(section, follow=REVIEWER)
        for therapy in section.published_therapies:
            yield loaded_values(therapy)


def emerging_sections(sections, glossary=()):
    """The emerging page's sections' HTML. `sections` from
    therapies.queries.sections(): each with `.published_therapies`;
    `glossary` the (term, plain meaning) pairs their text explains."""
    context = {"sections": sections, "glossary": glossary}
    images = load_images(section.body for section in sections)
    with images_loaded(images):
        return kept_render(
            "emerging-sections", EMERGING_SECTIONS_TEMPLATE, context, _made_from(sections, None, glossary, images)
        )


def care_sections(sections, crisis, glossary=()):
    """The supportive care page's sections' HTML, the mental health section
    with `crisis` (the crisis lines' SitePage: the live one, an editor's
    working copy in a preview, or None)."""
    context = {"sections": sections, "crisis_text": crisis, "glossary": glossary}
    images = load_images([*(section.body for section in sections), crisis.body if crisis is not None else ""])
    with images_loaded(images):
        return kept_render("care-sections", CARE_SECTIONS_TEMPLATE, context, _made_from(sections, crisis, glossary, images))


def live_emerging_sections(glossary):
    """emerging_sections() of the live emerging sections."""
    return _kept_live("emerging-sections", glossary, None, lambda: emerging_sections(sections(Category.Kind.EMERGING), glossary))


def live_care_sections(crisis, glossary):
    """care_sections() of the live supportive sections, with `crisis`."""
    return _kept_live(
        "care-sections", glossary, crisis, lambda: care_sections(sections(Category.Kind.SUPPORTIVE), crisis, glossary)
    )


def _kept_live(name, glossary, crisis, render):
    if settings.DEBUG:
        return render()  # as core.fragments: a template edit shows at once
    named = repr((page_fingerprint(), timezone.localdate(), tuple(glossary), loaded_values(crisis)))
    return remember_while_content_unchanged(f"live-{name}:{hashlib.sha256(named.encode()).hexdigest()}", render)
