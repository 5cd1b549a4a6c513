"""Public article pages."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render

from articles.queries import published_article, published_articles
from articles.rendering import render_article_body

ARTICLES_PER_PAGE = 10


def article_list(request):
    paginator = Paginator(published_articles(), ARTICLES_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"No such page of articles: {error}") from error
    return render(request, "articles/article_list.html", {"page": page, "paginator": paginator})


def article_detail(request, slug):
    article = published_article(slug)
    return render(request, "articles/article_detail.html", {"article": article, "body": render_article_body(article)})
