from django.apps import AppConfig


class ServingConfig(AppConfig):
    name = "mechmatch.serving"
    verbose_name = "Serving"
