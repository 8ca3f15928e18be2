"""English keeps Django's formats ("Dec. 1, 2026, 7:07 p.m."); these are only the extra
names that mechmatch.formats documents. The weekday forms spell the month out: they head
a booking, where "Tuesday, December 1" reads better than "Tuesday, Dec. 1"."""

WEEKDAY_DATETIME_FORMAT = "l, F j, Y, P T"  # Tuesday, December 1, 2026, 7:07 p.m. EST
WEEKDAY_DAY_TIME_FORMAT = "l, F j, P T"  # Tuesday, December 1, 7:07 p.m. EST
WEEKDAY_DATE_FORMAT = "l, F j"  # Tuesday, December 1
SHORT_WEEKDAY_DAY_TIME_FORMAT = "D, N j, P T"  # Tue, Dec. 1, 7:07 p.m. EST
