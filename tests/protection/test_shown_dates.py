"""Dates written once per process (protection.formats): a kept text is what formatting again in
the same language and zone writes, never the text of another language or zone."""

import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from django.utils.formats import date_format

from protection.formats import show_datetime, template_date

VALUES = [
    datetime(2026, 12, 5, 20, 30, tzinfo=UTC),
    datetime(2026, 7, 1, 3, 5, tzinfo=UTC),  # another offset in summer for some zones
    datetime(2026, 12, 5, 14, 30, tzinfo=zoneinfo.ZoneInfo("America/Mexico_City")),
]
ZONES = ["America/Mexico_City", "America/Tijuana", "UTC"]


@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("zone", ZONES)
def test_show_datetime_writes_what_date_format_writes(language, zone):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        for _ in range(2):  # written, then kept
            for value in VALUES:
                expected = date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
                assert show_datetime(value) == expected
                other = zoneinfo.ZoneInfo("America/Cancun")
                assert show_datetime(value, other) == date_format(
                    timezone.localtime(value, other), "SHORT_DATETIME_FORMAT"
                )


@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("zone", ZONES)
def test_template_date_writes_what_the_date_filter_writes(language, zone):
    formats = ["SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "c"]
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        for _ in range(2):
            for value in [*VALUES, date(2026, 2, 3), None]:
                # A date takes no time format (the filter itself raises).
                for name in formats if type(value) is not date else formats[:1]:
                    expected = date_filter(timezone.template_localtime(value), name)
                    assert template_date(value, name) == expected


def test_a_kept_text_follows_the_language():
    value = VALUES[0]
    with translation.override("es-mx"):
        spanish = show_datetime(value)
    with translation.override("en"):
        english = show_datetime(value)
    assert spanish != english
