import pytest

from mechmatch.core.vin import VinError, normalize_vin


def test_a_real_vin_passes_its_check_digit():
    assert normalize_vin(" 1hgcm82633a004352 ") == "1HGCM82633A004352"


def test_a_vin_with_an_x_check_digit_passes():
    assert normalize_vin("1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"


@pytest.mark.parametrize(
    "raw", ["", "1HGCM82633A00435", "1HGCM82633A0043521", "1HGCM82633A00435I", "1HGCM82643A004352"]
)
def test_it_refuses_malformed_vins(raw):
    with pytest.raises(VinError):
        normalize_vin(raw)
