"""Spanish (Mexico) date and time formats (see protection/formats/__init__.py)."""

# Dates as Mexican offices write them (día/mes/año), 24-hour times, the zone's abbreviation.
# See protection/formats/__init__.py. Input formats are Django's for es_MX.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i T"
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
TIME_FORMAT = "H:i T"
