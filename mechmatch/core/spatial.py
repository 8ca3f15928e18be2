"""H3 cells as plain integers: the spatial index that behaves the same on SQLite and
PostgreSQL (an indexed BIGINT column per resolution)."""

from __future__ import annotations

import h3

RESOLUTIONS = (3, 5, 7)


def cell(lat: float, lon: float, resolution: int) -> int:
    # h3 ships no type information; the integer form of a cell id is what we store.
    cell_id: int = h3.str_to_int(h3.latlng_to_cell(lat, lon, resolution))
    return cell_id


def cells_for(lat: float, lon: float) -> dict[int, int]:
    """The point's cell at every stored resolution, keyed by resolution."""
    return {resolution: cell(lat, lon, resolution) for resolution in RESOLUTIONS}
