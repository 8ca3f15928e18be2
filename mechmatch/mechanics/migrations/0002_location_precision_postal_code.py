"""Room for the 'postal_code' precision (11 characters); the choices list the finest first."""

from django.db import migrations, models

PRECISIONS = [("postal_code", "Postal code"), ("zip", "ZIP code"), ("fsa", "Postal area (FSA)"), ("city", "City")]


class Migration(migrations.Migration):
    dependencies = [("mechanics", "0001_initial")]

    operations = [
        migrations.AlterField(
            "mechanic", "location_precision", models.CharField(blank=True, choices=PRECISIONS, max_length=12)
        ),
    ]
