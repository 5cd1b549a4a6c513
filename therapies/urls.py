from django.urls import path

from therapies import views

app_name = "therapies"

urlpatterns = [
    path("therapies/", views.therapy_list, name="therapy_list"),
    path("compare/", views.compare, name="compare"),
    path("therapies/<slug:slug>/", views.therapy_detail, name="therapy_detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category_detail"),
]
