from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "mechmatch.matching"
    default_auto_field = "django.db.models.BigAutoField"
