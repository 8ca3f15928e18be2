"""Turning what a person typed into a validated, geocoded location. Shared by
mechanics and customers so both are placed on the map by the same rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from mechmatch.core import spatial
from mechmatch.core.geo import GeocodeError, geocode
from mechmatch.core.postal import PostalCodeError, normalize_country, normalize_postal_code, normalize_region


def location_clean(*, country: str, city: str = "", postal_code: str = "", region: str = "") -> dict[str, Any]:
    """Returns country, region, city, postal_code, latitude, longitude, location_precision
    and the H3 cells; raises ValidationError naming the field at fault."""
    try:
        country = normalize_country(country or "")
    except ValueError as exc:
        raise ValidationError({"country": str(exc)}) from exc
    try:
        region = normalize_region(region, country) if region and region.strip() else ""
    except ValueError as exc:
        raise ValidationError({"region": str(exc)}) from exc
    postal_code = (postal_code or "").strip()
    if postal_code:
        try:
            postal_code = normalize_postal_code(postal_code, country)
        except PostalCodeError as exc:
            raise ValidationError({"postal_code": str(exc)}) from exc
    city = (city or "").strip()
    if not postal_code and not city:
        raise ValidationError({"city": "Enter a city or a postal code."})
    try:
        point = geocode(country, postal_code=postal_code or None, city=city or None, region=region or None)
    except (GeocodeError, PostalCodeError) as exc:
        raise ValidationError({"postal_code" if postal_code else "city": str(exc)}) from exc
    cells = spatial.cells_for(point.lat, point.lon)
    return {
        "country": country,
        "region": region or point.region,
        "city": city[:100] or point.place[:100],
        "postal_code": postal_code,
        "latitude": point.lat,
        "longitude": point.lon,
        "location_precision": point.precision,
        "h3_r3": cells[3],
        "h3_r5": cells[5],
        "h3_r7": cells[7],
    }
