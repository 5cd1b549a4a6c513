from django.apps import AppConfig


class TherapiesConfig(AppConfig):
    name = "therapies"
    verbose_name = "Therapies and prices"
