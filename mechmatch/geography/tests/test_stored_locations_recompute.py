from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.apps import apps
from django.db import connection

from mechmatch.core import geo, spatial
from mechmatch.customers.models import CustomerProfile
from mechmatch.geography import services
from mechmatch.geography.migration_operations import locations_recompute
from mechmatch.geography.services import stored_locations_recompute
from mechmatch.mechanics.models import Mechanic
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db


def _where(row: Mechanic | CustomerProfile) -> tuple[float | None, float | None, str]:
    row.refresh_from_db()
    return row.latitude, row.longitude, row.location_precision


def test_full_codes_move_from_their_fsa_centroid_to_their_own_coordinates_and_back() -> None:
    rural = make_mechanic(postal_code="S0K 1A0")
    downtown = make_mechanic(postal_code="M5V 2T6")
    own = _where(rural)
    assert own == (52.807, -105.3626, "postal_code")

    assert stored_locations_recompute(Mechanic, to_fsa=True, batch_size=1) == 2
    centroid = geo.geocode_postal_code("S0K", "CA")
    assert _where(rural) == (centroid.lat, centroid.lon, "fsa")
    assert _where(downtown)[2] == "fsa"
    rural.refresh_from_db()
    assert rural.h3_r5 == spatial.cell(centroid.lat, centroid.lon, 5)

    assert stored_locations_recompute(Mechanic, batch_size=1) == 2
    assert _where(rural) == own
    assert rural.h3_r5 == spatial.cell(52.807, -105.3626, 5)


def test_rows_already_in_place_us_zips_and_cities_are_left_alone() -> None:
    make_mechanic(postal_code="M5V 2T6")
    us = make_mechanic(country="US", postal_code="48226")
    by_city = make_mechanic(postal_code="", city="Saskatoon")
    before = [_where(us), _where(by_city)]
    assert stored_locations_recompute(Mechanic) == 0
    assert [_where(us), _where(by_city)] == before


def test_customers_without_cell_columns_are_recomputed_too() -> None:
    customer = make_customer(postal_code="S0K 1A0")
    assert stored_locations_recompute(CustomerProfile, to_fsa=True) == 1
    assert _where(customer)[2] == "fsa"
    assert stored_locations_recompute(CustomerProfile) == 1
    assert _where(customer) == (52.807, -105.3626, "postal_code")


def test_someone_who_moves_while_it_runs_keeps_their_new_address(monkeypatch) -> None:
    mover = make_mechanic(postal_code="S0K 1A0")
    stored_locations_recompute(Mechanic, to_fsa=True)
    real_geocode = services.geocode

    def geocode_while_they_move(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        Mechanic.objects.filter(pk=mover.pk).update(postal_code="M5V 2T6", latitude=43.6439, longitude=-79.3893)
        return real_geocode(*args, **kwargs)

    monkeypatch.setattr(services, "geocode", geocode_while_they_move)
    assert stored_locations_recompute(Mechanic) == 0
    mover.refresh_from_db()
    assert (mover.postal_code, mover.latitude) == ("M5V 2T6", 43.6439)


def test_the_migration_operation_runs_forward_and_backward() -> None:
    mechanic = make_mechanic(postal_code="S0K 1A0")
    operation = cast(Any, locations_recompute("mechanics", "Mechanic"))  # its code takes a schema editor
    editor = SimpleNamespace(connection=connection)
    operation.reverse_code(apps, editor)
    assert _where(mechanic)[2] == "fsa"
    operation.code(apps, editor)
    assert _where(mechanic)[2] == "postal_code"
