"""The brand rows carry a copy of their mechanic's cells (the specialist search reads the
copy), so every write path that moves a mechanic or changes their brands must rewrite them."""

from __future__ import annotations

import pytest

from mechmatch.mechanics.models import Mechanic, MechanicBrand
from mechmatch.mechanics.services import mechanic_profile_update
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def brand_cells(mechanic: Mechanic) -> set[tuple[str, int | None, int | None, int | None]]:
    return set(MechanicBrand.objects.filter(mechanic=mechanic).values_list("brand", *MechanicBrand.CELL_FIELDS))


def mechanic_cells(mechanic: Mechanic) -> tuple[int | None, ...]:
    mechanic.refresh_from_db()
    return tuple(getattr(mechanic, name) for name in MechanicBrand.CELL_FIELDS)


def test_a_new_mechanics_brand_rows_carry_their_cells():
    mechanic = make_mechanic(postal_code="M5V 3L9", brands=["BMW", "Audi"])
    assert brand_cells(mechanic) == {(b, *mechanic_cells(mechanic)) for b in ("BMW", "Audi")}


def test_moving_a_mechanic_moves_their_brand_rows():
    mechanic = make_mechanic(postal_code="M5V 3L9", brands=["BMW"])
    toronto = mechanic_cells(mechanic)
    mechanic_profile_update(mechanic=mechanic, data={"postal_code": "V6B 1A1", "region": "BC", "city": "Vancouver"})
    vancouver = mechanic_cells(mechanic)
    assert vancouver != toronto
    assert brand_cells(mechanic) == {("BMW", *vancouver)}


def test_changing_brands_keeps_the_cells_on_the_new_rows():
    mechanic = make_mechanic(postal_code="M5V 3L9", brands=["BMW"])
    mechanic_profile_update(mechanic=mechanic, data={"brand_specializations": ["Porsche"]})
    assert brand_cells(mechanic) == {("Porsche", *mechanic_cells(mechanic))}
