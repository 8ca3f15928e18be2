from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection
from django.http import HttpRequest

from mechmatch.customers.models import CustomerProfile
from mechmatch.mechanics.models import Mechanic, MechanicBrand

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _seed(tmp_path, **options):
    accounts = tmp_path / "accounts.json"
    call_command("seed_demo", accounts_file=str(accounts), stdout=StringIO(), **options)
    return json.loads(accounts.read_text())


def test_it_seeds_mechanics_and_customers_at_real_places_in_both_countries(tmp_path):
    _seed(tmp_path, mechanics=300, customers=20, seed=7)
    assert Mechanic.objects.count() == 300
    assert CustomerProfile.objects.count() == 20
    countries = set(Mechanic.objects.values_list("country", flat=True))
    assert countries == {"CA", "US"}
    assert not Mechanic.objects.filter(latitude__isnull=True).exists()
    assert not Mechanic.objects.filter(h3_r5__isnull=True).exists()
    assert Mechanic.objects.filter(is_on_shift=True).exists()
    assert Mechanic.objects.exclude(application_status="approved").exists()
    assert MechanicBrand.objects.exists()


def test_the_same_seed_gives_the_same_people(tmp_path):
    _seed(tmp_path, mechanics=50, customers=5, seed=11)
    first = list(Mechanic.objects.order_by("id").values_list("display_name", "postal_code", "rating_average"))
    Mechanic.objects.all().delete()
    CustomerProfile.objects.all().delete()
    from mechmatch.accounts.models import User

    User.objects.all().delete()
    _seed(tmp_path, mechanics=50, customers=5, seed=11)
    assert list(Mechanic.objects.order_by("id").values_list("display_name", "postal_code", "rating_average")) == first


def test_the_written_demo_accounts_can_sign_in(tmp_path):
    accounts = _seed(tmp_path, mechanics=20, customers=3, seed=3)
    request = HttpRequest()  # as every sign-in has: django-axes counts failures per client
    assert authenticate(request, username=accounts["customers"][0], password=accounts["password"]) is not None
    mechanic_user = authenticate(request, username=accounts["mechanics"][0], password=accounts["password"])
    assert mechanic_user is not None
    assert mechanic_user.mechanic.is_on_shift and mechanic_user.mechanic.postal_code.startswith("M5V")
    operator_user = authenticate(request, username=accounts["operator"], password=accounts["password"])
    assert operator_user is not None and operator_user.is_staff


def test_if_empty_leaves_an_existing_database_alone(tmp_path, mechanic):
    out = StringIO()
    call_command(
        "seed_demo", mechanics=10, customers=1, if_empty=True, accounts_file=str(tmp_path / "a.json"), stdout=out
    )
    assert Mechanic.objects.count() == 1
    assert "nothing to do" in out.getvalue()


def test_seeded_canadians_sit_at_their_own_postal_code_as_the_geocoder_would_place_them(tmp_path):
    from mechmatch.core.geo import geocode_postal_code

    _seed(tmp_path, mechanics=40, customers=5, seed=5)
    for m in Mechanic.objects.filter(country="CA")[:10]:
        point = geocode_postal_code(m.postal_code, "CA")
        assert (m.latitude, m.longitude, m.location_precision) == (point.lat, point.lon, "postal_code")
    assert set(Mechanic.objects.filter(country="US").values_list("location_precision", flat=True)) == {"zip"}


def test_every_demo_rating_is_backed_by_review_rows(tmp_path):
    from django.db.models import Avg, Count

    from mechmatch.mechanics.models import Review

    _seed(tmp_path, mechanics=60, customers=10, seed=5)
    assert Review.objects.exists()
    rows = {
        row["mechanic_id"]: row
        for row in Review.objects.values("mechanic_id").annotate(count=Count("id"), avg=Avg("rating"))
    }
    for mechanic in Mechanic.objects.all():
        row = rows.get(mechanic.pk, {"count": 0, "avg": 0.0})
        assert mechanic.review_count == row["count"], mechanic.display_name
        assert mechanic.rating_average == pytest.approx(row["avg"], abs=0.001)


def test_most_demo_mechanics_have_a_drawn_portrait_that_is_served(tmp_path, client):
    _seed(tmp_path, mechanics=40, customers=2, seed=5)
    with_photo = Mechanic.objects.exclude(photo="")
    assert with_photo.count() >= 20
    name = with_photo.values_list("photo", flat=True)[0]
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_seeded_brand_rows_carry_their_mechanics_cells(tmp_path):
    from mechmatch.mechanics.models import MechanicBrand

    _seed(tmp_path, mechanics=40, customers=1, seed=5)
    rows = MechanicBrand.objects.select_related("mechanic")
    assert rows.exists()
    for row in rows:
        assert (row.h3_r3, row.h3_r5, row.h3_r7) == (row.mechanic.h3_r3, row.mechanic.h3_r5, row.mechanic.h3_r7)


def test_it_leaves_planner_statistics_for_what_it_loaded(tmp_path):
    # Without them PostgreSQL reads the directory's eligible mechanics row by row.
    _seed(tmp_path, mechanics=50, customers=5, seed=5)
    table = Mechanic._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            assert cursor.fetchone()[0] == 50
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
            assert cursor.fetchone()[0] > 0
