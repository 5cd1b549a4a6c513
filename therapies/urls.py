from django.urls import path

from therapies import views

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
]
