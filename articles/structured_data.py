"""JSON-LD for an article page: the page as a MedicalWebPage and the article
as an Article with its dates and author (the byline readers see)."""

from core.sharing import meta_description
from core.structured_data import moment, page_id, publisher
from editorial.structured_data import medical_web_page
from core.site_url import absolute_url


def article_page(request, article):
    page = medical_web_page(request, article.title, article, description=article.standfirst)
    node = {
        "@type": "Article",
        "@id": page_id(request, "article"),
        "headline": article.title,
        "description": meta_description(article.standfirst),
        "url": absolute_url(article.get_absolute_url(), request),
        "mainEntityOfPage": {"@id": page["@id"]},
        "inLanguage": "en-GB",
        "publisher": publisher(request),
    }
    if article.published_at:
        node["datePublished"] = moment(article.published_at)
    if article.updated_at:
        node["dateModified"] = moment(article.updated_at)
    if article.byline:
        node["author"] = author(article.byline)
    return [page, node]


# Words that make a byline a team rather than one person ("MS Info editorial team").
_TEAM_WORDS = {"team", "editors", "staff", "desk"}


def author(byline):
    """The byline as schema.org asks for it: a Person, or an Organization for a team."""
    words = {word.strip(".,").lower() for word in byline.split()}
    return {"@type": "Organization" if words & _TEAM_WORDS else "Person", "name": byline}
