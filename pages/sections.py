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

from core.fragments import kept_render, loaded_values
from core.kept import kept_live_html
from core.markup import images_loaded, load_images
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

    def render():
        return emerging_sections(sections(Category.Kind.EMERGING), glossary)

    return kept_live_html("live-emerging-sections", render, tuple(glossary))


def live_care_sections(crisis, glossary):
    """care_sections() of the live supportive sections, with `crisis`."""

    def render():
        return care_sections(sections(Category.Kind.SUPPORTIVE), crisis, glossary)

    return kept_live_html("live-care-sections", render, tuple(glossary), loaded_values(crisis))
