"""Room for the 'postal_code' precision (11 characters)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.AlterField("customerprofile", "location_precision", models.CharField(blank=True, max_length=12))]
