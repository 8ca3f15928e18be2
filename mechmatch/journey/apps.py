from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "mechmatch.journey"
    default_auto_field = "django.db.models.BigAutoField"
