from django.urls import path

from prices import feeds, open_data, views

app_name = "prices"

urlpatterns = [
    path("therapies/<slug:slug>/prices/", views.therapy_prices, name="therapy_prices"),
    path("categories/<slug:slug>/prices/", views.category_prices, name="category_prices"),
    # Open price data and the price-change feed.
    path("prices.csv", open_data.prices_csv, name="prices_csv"),
    path("prices.json", open_data.prices_json, name="prices_json"),
    path("prices/history.csv", open_data.price_history_csv, name="price_history_csv"),
    path("prices/feed/", feeds.price_changes_feed, name="price_feed"),
    path("data/", open_data.reuse_data, name="reuse_data"),
    path("data/datapackage.json", open_data.datapackage_json, name="datapackage"),
]
