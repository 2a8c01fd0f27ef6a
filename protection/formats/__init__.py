"""One way to write dates and date-times per language (FORMAT_MODULE_PATH).

Spanish (Mexico): 05/12/2026 and 05/12/2026 14:30 CST. English: 5 Dec 2026 and
5 Dec 2026, 14:30 CST. Every date-time names its zone by the abbreviation of the zone it is
shown in (the user's, America/Mexico_City by default), the same way on every page. DATE_FORMAT
and SHORT_DATE_FORMAT are the same, as are DATETIME_FORMAT and SHORT_DATETIME_FORMAT, so a
template that uses either, or prints a date without a format, writes it the same way.

Python code that puts a date or time into text for people uses the helpers below, never
strftime; machine formats (ISO 8601 in exports, feeds and file names) stay as they are.
"""

from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

# A page prints the same deadlines on every request (a case list's 50 clocks, a case page's
# measures): each text is kept per process, keyed by the value, the zone and the language it
# was written in, so a cached text is exactly what formatting again would give (issue 17).
SHOWN_CACHE_SIZE = 16384


def show_date(value):
    """A date (or the local date of an aware date-time) for people: "05/12/2026"."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def show_datetime(value, zone=None):
    """An aware date-time in the current (or the given) zone, with the zone named:
    "05/12/2026 14:30 CST"."""
    if value is None:
        return ""
    return _datetime_text(
        value, "SHORT_DATETIME_FORMAT", zone or timezone.get_current_timezone(), get_language()
    )


@lru_cache(maxsize=SHOWN_CACHE_SIZE)
def _datetime_text(value, format_name, zone, language):
    # `language` is the active one (part of the key only): date_format() reads it itself.
    return date_format(timezone.localtime(value, zone), format_name)


def template_date(value, format_name):
    """`{{ value|date:format_name }}` as a template writes it (an aware date-time in the current
    zone), kept per process like show_datetime()."""
    return _template_date(value, format_name, timezone.get_current_timezone(), get_language())


def template_date_writer():
    """template_date() for the many dates of one render: the zone and the language read once."""
    zone, language = timezone.get_current_timezone(), get_language()
    return lambda value, format_name: _template_date(value, format_name, zone, language)


def datetime_writer():
    """show_datetime() for the many date-times of one render, in the current zone."""
    zone, language = timezone.get_current_timezone(), get_language()

    def show(value):
        if value is None:
            return ""
        return _datetime_text(value, "SHORT_DATETIME_FORMAT", zone, language)

    return show


@lru_cache(maxsize=SHOWN_CACHE_SIZE)
def _template_date(value, format_name, zone, language):
    from django.template.defaultfilters import date

    return date(timezone.template_localtime(value), format_name)


def show_time(value, zone=None):
    """The time of an aware date-time, with the zone named: "14:30 CST"."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value, zone), "TIME_FORMAT")
