import h3

from mechmatch.core import spatial


def test_cells_are_stored_as_integers_at_every_resolution():
    cells = spatial.cells_for(43.6442, -79.3963)
    assert set(cells) == set(spatial.RESOLUTIONS)
    for resolution, cell in cells.items():
        assert isinstance(cell, int)
        assert h3.get_resolution(h3.int_to_str(cell)) == resolution


def test_a_coarse_cell_contains_the_fine_cell_of_the_same_point():
    cells = spatial.cells_for(45.42, -75.70)
    assert h3.cell_to_parent(h3.int_to_str(cells[7]), 3) == h3.int_to_str(cells[3])
