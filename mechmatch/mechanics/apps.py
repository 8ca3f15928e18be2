from django.apps import AppConfig


class MechanicsConfig(AppConfig):
    name = "mechmatch.mechanics"
    default_auto_field = "django.db.models.BigAutoField"
