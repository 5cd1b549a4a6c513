"""Which stored pages a change to an article touches (core.cache's
subjects): its own page and the pages of the medicines it mentions, which
list it. An article page shows only its own record and the medicines it
mentions, so a change to some other medicine leaves it stored."""

from django.apps import apps

from core import watching
from articles.models import Article
from therapies.models import Therapy


def article_page_subjects(article):
    return {watching.subject(Article, article.pk)}


def _article_subjects(article):
    mentioned = Therapy.objects.filter(articles=article.pk).values_list("pk", flat=True) if article.pk else []
    return article_page_subjects(article) | {watching.subject(Therapy, pk) for pk in mentioned}


def _articles_mentioning(therapy):
    # An article page lists the medicines it mentions, by name.
    mentioning = Article.objects.filter(related_therapies=therapy.pk).values_list("pk", flat=True)
    return {watching.subject(Article, pk) for pk in mentioning}


def _historical_mention_subjects(record):
    return {watching.subject(Article, record.article_id), watching.subject(Therapy, record.therapy_id)}


def connect():
    """Called once the app registry is ready (ArticlesConfig.ready)."""
    watching.watch_subjects(Article, _article_subjects)
    watching.watch_subjects(Therapy, _articles_mentioning)
    watching.watch_history(Article)
    # simple_history's record of the related_therapies links (HistoricalRecords(m2m_fields=...)).
    watching.watch_subjects(apps.get_model("articles", "HistoricalArticle_related_therapies"), _historical_mention_subjects)
