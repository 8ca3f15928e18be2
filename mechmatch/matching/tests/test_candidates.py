"""Candidate generation: spatial first, widened only as needed, plus specialists and favourites."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mechmatch.core.geo import geocode
from mechmatch.matching.selectors import SearchPolicy, cells_within_km, mechanic_candidates_near
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db
TORONTO = geocode("CA", "M5V 2T6")


def near(**kwargs):
    return mechanic_candidates_near(lat=TORONTO.lat, lon=TORONTO.lon, **kwargs)


def test_candidates_come_from_the_h3_cells_around_the_customer():
    local = make_mechanic(postal_code="M5V 3L9")
    with CaptureQueriesContext(connection) as queries:
        found = near()
    assert [c.id for c in found] == [local.pk]
    assert all("h3_r" in q["sql"] for q in queries.captured_queries)


def test_a_dense_area_stops_widening_after_the_first_ring():
    for _ in range(6):
        make_mechanic(postal_code="M5V 3L9")
    policy = SearchPolicy(enough_candidates=5, enough_available=1)
    with CaptureQueriesContext(connection) as queries:
        found = near(search=policy)
    assert len(found) == 6 and len(queries.captured_queries) == 1


def test_a_sparse_area_widens_ring_by_ring_up_to_a_coarser_resolution():
    regina = make_mechanic(postal_code="S4P 3Y2")
    found = mechanic_candidates_near(lat=52.2682, lon=-106.2404)  # rural Saskatchewan, S0K
    assert [c.id for c in found] == [regina.pk]


def test_the_candidate_count_is_capped_preferring_mechanics_on_shift():
    for _ in range(4):
        make_mechanic(postal_code="M5V 3L9", on_shift=False)
    online = make_mechanic(postal_code="M5V 3L9", on_shift=True)
    found = near(search=SearchPolicy(max_candidates=2))
    assert len(found) == 2 and found[0].id == online.pk


def test_brand_specialists_outside_the_spatial_search_are_added():
    for _ in range(3):
        make_mechanic(postal_code="M5V 3L9")
    ottawa_bmw = make_mechanic(postal_code="K1P 1J1", brands=["BMW"])
    policy = SearchPolicy(enough_candidates=3, enough_available=1)
    assert ottawa_bmw.pk not in [c.id for c in near(search=policy)]
    assert ottawa_bmw.pk in [c.id for c in near(search=policy, brand="BMW")]


def test_a_brand_specialist_anywhere_is_found_when_none_is_within_a_few_hundred_km():
    vancouver_porsche = make_mechanic(postal_code="V6B 1A1", brands=["Porsche"])
    make_mechanic(postal_code="M5V 3L9")
    assert vancouver_porsche.pk in [c.id for c in near(brand="Porsche")]


def test_favourites_are_always_candidates():
    for _ in range(3):
        make_mechanic(postal_code="M5V 3L9")
    favourite = make_mechanic(postal_code="V6B 1A1")
    policy = SearchPolicy(enough_candidates=3, enough_available=1)
    assert favourite.pk in [c.id for c in near(search=policy, favourite_ids=[favourite.pk])]


def test_ineligible_mechanics_are_not_candidates():
    make_mechanic(postal_code="M5V 3L9", approved=False)
    assert near() == []


def test_cells_within_km_covers_the_whole_circle():
    field, cells = cells_within_km(TORONTO.lat, TORONTO.lon, 40)
    oshawa = geocode("CA", "L1H 1A1")  # ~52 km: outside; Ajax ~37 km: inside
    ajax = geocode("CA", "L1S 2J5")
    from mechmatch.core.spatial import cell

    assert field == "h3_r5" and cell(ajax.lat, ajax.lon, 5) in cells
    assert len(cells) < 200
    assert oshawa  # only the inside point must be covered


IQALUIT = geocode("CA", "X0A 0H0")


def test_when_nobody_near_is_on_shift_the_nearest_on_shift_mechanics_anywhere_are_found():
    toronto = make_mechanic(postal_code="M5V 3L9")  # ~2,340 km from Iqaluit
    make_mechanic(postal_code="M5V 3L9", on_shift=False)
    found = mechanic_candidates_near(lat=IQALUIT.lat, lon=IQALUIT.lon)
    assert [c.id for c in found] == [toronto.pk]


def test_the_any_distance_fallback_reads_a_bounded_pool_and_keeps_the_nearest():
    vancouver = make_mechanic(postal_code="V6B 1A1")
    toronto = make_mechanic(postal_code="M5V 3L9")
    policy = SearchPolicy(remote_steps=(), remote_pool=2, remote_closest=1)
    found = mechanic_candidates_near(lat=IQALUIT.lat, lon=IQALUIT.lon, search=policy)
    assert [c.id for c in found] == [toronto.pk] and vancouver.pk != toronto.pk


def test_nobody_on_shift_anywhere_finds_nobody_far_away():
    make_mechanic(postal_code="M5V 3L9", on_shift=False)
    assert mechanic_candidates_near(lat=IQALUIT.lat, lon=IQALUIT.lon) == []


def test_the_specialist_search_reads_the_brand_rows_copy_of_the_cells():
    # A Toronto specialist whose brand row says Vancouver is found by a search near Vancouver,
    # next to a real Vancouver specialist (so the "anywhere" fallback never runs): the rings
    # read the brand rows' copy of the cells, not the mechanic's own.
    from mechmatch.mechanics.models import MechanicBrand

    toronto_bmw = make_mechanic(postal_code="M5V 3L9", brands=["BMW"])
    vancouver_bmw = make_mechanic(postal_code="V6B 1A1", brands=["BMW"])
    vancouver = geocode("CA", "V6B 1A1")
    policy = SearchPolicy(enough_candidates=1, enough_available=1)

    def specialists_near_vancouver() -> set[int]:
        return {
            c.id for c in mechanic_candidates_near(lat=vancouver.lat, lon=vancouver.lon, brand="BMW", search=policy)
        }

    assert specialists_near_vancouver() == {vancouver_bmw.pk}
    MechanicBrand.objects.filter(mechanic=toronto_bmw).update(
        h3_r3=vancouver_bmw.h3_r3, h3_r5=vancouver_bmw.h3_r5, h3_r7=vancouver_bmw.h3_r7
    )
    assert specialists_near_vancouver() == {vancouver_bmw.pk, toronto_bmw.pk}


def test_a_cell_search_reads_ids_from_the_covering_index_only():
    make_mechanic(postal_code="M5V 3L9")
    from mechmatch.matching.selectors import CANDIDATE_ORDER, disk_cells
    from mechmatch.mechanics.selectors import mechanic_eligible_qs

    if connection.vendor != "sqlite":
        # A one-row table tells nothing of PostgreSQL's plans; the 1M benchmark shows them
        # (bench_matching --explain). Here: the index exists with the id included.
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "mechanics_mechanic")
        assert constraints["mechanic_h3_r7_cover"]["columns"][0] == "h3_r7"
        return
    ids = mechanic_eligible_qs().filter(h3_r7__in=disk_cells(TORONTO.lat, TORONTO.lon, 7, 2))
    plan = ids.order_by(*CANDIDATE_ORDER).values_list("id", flat=True)[:150].explain()
    assert "COVERING INDEX mechanic_h3_r7_cover" in plan
