"""The first experiment, switched off (0% / 0%): operators grow its arms in the admin."""

import secrets

from django.db import migrations


def create(apps, schema_editor):
    Experiment = apps.get_model("experiments", "Experiment")
    Experiment.objects.get_or_create(
        name="preview_and_choose",
        defaults={
            "description": "Treatment: preview the matches and choose. Control: pay first, then a smart broadcast.",
            "salt": secrets.token_hex(8),
            "treatment_percent": 0,
            "control_percent": 0,
            "active": True,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("experiments", "Experiment").objects.filter(name="preview_and_choose").delete()


class Migration(migrations.Migration):
    dependencies = [("experiments", "0001_console11_initial")]
    operations = [migrations.RunPython(create, remove)]
