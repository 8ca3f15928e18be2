from django.apps import AppConfig


class FunnelConfig(AppConfig):
    name = "mechmatch.funnel"
    default_auto_field = "django.db.models.BigAutoField"
