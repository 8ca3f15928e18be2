"""Migration operations shared by the apps that store a geocoded location."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from mechmatch.geography.services import stored_locations_recompute


def locations_recompute(app_label: str, model_name: str) -> migrations.RunPython:
    """Re-geocode a model's stored Canadian postal codes; reversed, back to FSA centroids.
    Use it in a migration with `atomic = False`, so that each batch commits on its own: the
    geocoding then never runs inside a write transaction (SQLite has one writer), and a rerun
    after a crash only rewrites the rows still to do."""

    def forward(apps: Any, schema_editor: Any) -> None:
        stored_locations_recompute(apps.get_model(app_label, model_name), using=schema_editor.connection.alias)

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        stored_locations_recompute(model, using=schema_editor.connection.alias, to_fsa=True)

    return migrations.RunPython(forward, backward, elidable=True)
