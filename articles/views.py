"""Public article pages. What the article page shows is built by
`article_context`, shared with the staff preview."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render

from articles.models import Article
from articles.page_cache import article_page_subjects
from articles.queries import published_article, published_articles
from articles.rendering import render_article_body
from core import cache
from core.sharing import canonical_query
from editorial.public import public_page, redirect_renamed

ARTICLES_PER_PAGE = 10
ARTICLE_TEMPLATE = "articles/article_detail.html"


def article_context(article, query=None):
    """The article page's context. `article` comes from published_article()
    or prepare_article(); `query` is the address's parameters (the country
    of the cost table's prices)."""
    return {"article": article, "body": render_article_body(article, query), "references": article.reference_list}


@canonical_query("page")
@public_page
def article_list(request):
    paginator = Paginator(published_articles(), ARTICLES_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"No such page of articles: {error}") from error
    return render(request, "articles/article_list.html", {"page": page, "paginator": paginator})


@canonical_query("country")
@public_page
def article_detail(request, slug):
    try:
        article = published_article(slug)
    except Http404:
        return redirect_renamed(request, Article, slug, published_articles())
    if not article.shows_cost_table:
        cache.page_depends_on(request, article_page_subjects(article))
    return render(request, ARTICLE_TEMPLATE, article_context(article, request.GET))
