import pytest

from mechmatch.core.spreadsheet import formula_safe


@pytest.mark.parametrize("cell", ["=1+1", "+33", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_a_cell_that_would_be_a_formula_is_prefixed_so_it_stays_text(cell):
    assert formula_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["85.0%", "M5V", "", "a=b"])
def test_an_ordinary_cell_is_left_as_it_is(cell):
    assert formula_safe(cell) == cell


def test_none_and_numbers_become_text():
    assert formula_safe(None) == "" and formula_safe(12) == "12" and formula_safe(-3) == "'-3"
