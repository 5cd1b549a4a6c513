from django.urls import path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    # Before the articles' own addresses: no article can be called "feed".
    path("feed/", feeds.articles_feed, name="feed"),
    path("<slug:slug>/", views.article_detail, name="article_detail"),
]
