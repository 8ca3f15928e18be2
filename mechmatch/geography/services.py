"""Turning what a person typed into a validated, geocoded location. Shared by
mechanics and customers so both are placed on the map by the same rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from mechmatch.core import spatial
from mechmatch.core.geo import GeocodeError, geocode
from mechmatch.core.postal import PostalCodeError, normalize_country, normalize_postal_code, normalize_region

RECOMPUTE_BATCH = 2000
_CELL_FIELDS = tuple(f"h3_r{resolution}" for resolution in spatial.RESOLUTIONS)


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
        raise ValidationError({"city": _("Enter a city or a postal code.")})
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


def stored_locations_recompute(
    model: type[Model], *, using: str = "default", to_fsa: bool = False, batch_size: int = RECOMPUTE_BATCH
) -> int:
    """Re-geocode the stored Canadian postal codes of `model` (mechanics, customers: any model
    with location_clean's columns) by today's rules, so full codes sit at their own coordinates;
    `to_fsa` puts them back at their FSA centroids (the data migration's reverse). US and
    city-only rows resolve as they always did and are not read. Returns the rows changed.

    Each batch is read and geocoded outside any transaction, then the rows that moved are
    written by one UPDATE from a VALUES list, in one short transaction: one statement per batch,
    not per row (on PostgreSQL, planning 50,000 single-row UPDATEs cost more than the writes).
    Each row's update is conditional on it still holding the code that was geocoded: someone
    who moves meanwhile keeps their new address."""
    names = {field.name for field in model._meta.get_fields()}
    cells = [name for name in _CELL_FIELDS if name in names]
    written = ["latitude", "longitude", "location_precision", *cells]
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = {field.name: quote(field.column) for field in model._meta.concrete_fields}
    keys = ["id", "country", "postal_code"]
    # Both databases name a VALUES list's columns column1, column2...; both take UPDATE ... FROM.
    # (The statement must start with UPDATE: Python's sqlite3 only counts rows for DML it sees.)
    moved = {name: f"moved.column{i}" for i, name in enumerate(written + keys, start=1)}
    head = f"UPDATE {table} SET " + ", ".join(f"{column[name]} = {moved[name]}" for name in written) + " FROM (VALUES "
    tail = ") AS moved WHERE " + " AND ".join(f"{table}.{column[name]} = {moved[name]}" for name in keys)
    row_params = "(" + ", ".join(["%s"] * (len(written) + len(keys))) + ")"
    rows = model._default_manager.using(using).filter(country="CA").exclude(postal_code="").order_by("pk")
    changed, last = 0, None
    while True:
        batch = list(
            (rows if last is None else rows.filter(pk__gt=last)).values_list(
                "pk", "postal_code", "city", "region", *written
            )[:batch_size]
        )
        if not batch:
            return changed
        last = batch[-1][0]
        updates = [update for row in batch if (update := _recomputed(row, to_fsa=to_fsa, cells=bool(cells)))]
        if updates:
            sql = head + ", ".join([row_params] * len(updates)) + tail
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(sql, [value for update in updates for value in update])
                changed += max(cursor.rowcount, 0)  # rows whose code had changed meanwhile are not counted


def _recomputed(row: tuple[Any, ...], *, to_fsa: bool, cells: bool) -> tuple[Any, ...] | None:
    """The UPDATE parameters for one stored row, or None when it is already where it belongs."""
    pk, postal_code, city, region, *stored = row
    try:
        point = geocode("CA", postal_code=postal_code[:3] if to_fsa else postal_code, city=city, region=region)
    except ValueError:  # GeocodeError, PostalCodeError, a region that no longer validates
        return None  # a code that no longer validates stays as it was, to be fixed by its owner
    values: list[Any] = [point.lat, point.lon, point.precision]
    if cells:
        by_resolution = spatial.cells_for(point.lat, point.lon)
        values += [by_resolution[resolution] for resolution in spatial.RESOLUTIONS]
    if values == stored:
        return None
    return (*values, pk, "CA", postal_code)
