from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "mechmatch.dispatch"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dispatch"
