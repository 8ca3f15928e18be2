"""OBD-II trouble codes (P0420, C0035, ...) found in a concern, and the slugs each implies."""

from __future__ import annotations

import re

_DTC_RE = re.compile(r"\b([PBCU][0-3][0-9A-F]{3})\b", re.IGNORECASE)
_COOLANT_TEMP_CODES = frozenset(
    {"P0115", "P0116", "P0117", "P0118", "P0119", "P0125", "P0128", "P0217", "P0480", "P0481"}
)


def find_codes(text: str) -> list[str]:
    """Well-formed, word-bounded codes in order of first mention, upper-cased, deduplicated."""
    codes: list[str] = []
    for match in _DTC_RE.finditer(text):
        code = match.group(1).upper()
        if code not in codes:
            codes.append(code)
    return codes


def code_slugs(code: str) -> tuple[str, ...]:
    """Slugs implied by one OBD-II code, by SAE family (J2012 ranges, coarse on purpose)."""
    system, family = code[0], code[1:3]
    if system == "P":
        if code in _COOLANT_TEMP_CODES:
            return ("check_engine_light", "cooling")
        if code[1] == "0" and code[2] == "A":  # P0Axx: hybrid/EV propulsion system
            return ("check_engine_light", "ev_hybrid")
        if family in ("04",) and code[3] in "23":  # P042x/P043x catalyst efficiency
            return ("check_engine_light", "exhaust")
        if family == "04":  # EGR / EVAP / secondary air
            evap = code[3] in "456"
            return ("check_engine_light", "fuel_system" if evap else "exhaust")
        if family == "03":
            # P030x-P031x misfire, P035x ignition coil: engine + plugs. Other P03xx are sensors.
            if code[3] in "015":
                return ("check_engine_light", "engine", "spark_plugs")
            return ("check_engine_light", "engine")
        if family in ("01", "02"):
            # P013x-P016x are oxygen sensors (exhaust side); the rest is fuel & air metering.
            if code[3] in "3456":
                return ("check_engine_light", "exhaust")
            return ("check_engine_light", "fuel_system")
        if family in ("07", "08", "09"):
            return ("check_engine_light", "transmission")
        if family == "05" and code[3] == "6":  # P056x system voltage
            return ("check_engine_light", "battery_starting")
        return ("check_engine_light",)
    if system == "C":
        return ("abs_warning",) if code[1] == "0" else ("brakes",)
    if system == "B":
        return ("airbag_light",) if family == "00" else ("electrical",)
    return ("electrical",)  # U codes: network / module communication
