"""French (Canada) as a Québec reader expects it (OQLF): "1 décembre 2026, 19 h 07".

Django's own fr_CA module writes the hour separator as an unescaped "h", which the
formatter reads as the 12-hour hour: 19:03 came out "19 07 03". Here the "h" is escaped
(and joined by no-break spaces, so "19 h 07" never wraps)."""

_TIME = "H\xa0\\h\xa0i"

TIME_FORMAT = _TIME  # 19 h 07
DATETIME_FORMAT = f"j F Y, {_TIME}"  # 1 décembre 2026, 19 h 07
SHORT_DATETIME_FORMAT = f"Y-m-d {_TIME}"  # 2026-12-01 19 h 07
WEEKDAY_DATETIME_FORMAT = f"l j F Y, {_TIME} T"  # mardi 1 décembre 2026, 19 h 07 EST
WEEKDAY_DAY_TIME_FORMAT = f"l j F, {_TIME} T"  # mardi 1 décembre, 19 h 07 EST
WEEKDAY_DATE_FORMAT = "l j F"  # mardi 1 décembre
SHORT_WEEKDAY_DAY_TIME_FORMAT = f"D j F, {_TIME} T"  # mar 1 décembre, 19 h 07 EST
