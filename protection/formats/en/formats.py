"""English date and time formats (see protection/formats/__init__.py)."""

# Day, abbreviated month and year (never the ambiguous 05/12/2026), 24-hour times, the zone's
# abbreviation. See protection/formats/__init__.py. Input formats are Django's for en.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
TIME_FORMAT = "H:i T"
