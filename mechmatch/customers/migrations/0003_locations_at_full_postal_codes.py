"""Customers' saved coordinates move from their FSA centroid to their own full postal code."""

from django.db import migrations

from mechmatch.geography.migration_operations import locations_recompute


class Migration(migrations.Migration):
    atomic = False  # one short transaction per batch; see locations_recompute

    dependencies = [("customers", "0002_location_precision_postal_code")]

    operations = [locations_recompute("customers", "CustomerProfile")]
