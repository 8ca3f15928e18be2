from __future__ import annotations

from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "mechmatch.geography"
    verbose_name = "Geography"

    def ready(self) -> None:
        from django.conf import settings

        from mechmatch.core import geo

        # Settings own the cache location so VAR_DIR/GEO_CACHE_DIR behave like every other path.
        cache_dir = getattr(settings, "GEO_CACHE_DIR", None)
        if cache_dir:
            geo.configure(cache_dir)
