from django.urls import path

from therapies import feeds, open_data, views

app_name = "therapies"

urlpatterns = [
    path("", views.home, name="home"),
    path("therapies/", views.therapy_list, name="therapy_list"),
    path("compare/", views.compare, name="compare"),
    path("therapies/<slug:slug>/", views.therapy_detail, name="therapy_detail"),
    path("therapies/<slug:slug>/prices/", views.therapy_prices, name="therapy_prices"),
    path("categories/<slug:slug>/", views.category_detail, name="category_detail"),
    path("categories/<slug:slug>/prices/", views.category_prices, name="category_prices"),
    path("emerging/", views.emerging, name="emerging"),
    path("care/", views.care, name="care"),
    # Open price data and the price-change feed (therapies/open_data.py, therapies/feeds.py).
    path("prices.csv", open_data.prices_csv, name="prices_csv"),
    path("prices.json", open_data.prices_json, name="prices_json"),
    path("prices/history.csv", open_data.price_history_csv, name="price_history_csv"),
    path("prices/feed/", feeds.price_changes_feed, name="price_feed"),
    path("data/", open_data.reuse_data, name="reuse_data"),
]
