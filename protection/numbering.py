"""Numbers from configurable series (case files, letters, decisions), gap-free per year.

A series only moves forward: its year never goes back, so a back-dated request (received last
year, registered today) or an absurd date can never restart a year already numbered. The year in
a number is the year the series is in when the number is issued (the year of registration, or
later if the series is already there), never an earlier one."""

from django.db import transaction
from django.utils import timezone

from .clocks import mechanism_zone
from .models import NumberSeries


def number_next(*, key, at=None, taken=None):
    """Allocate the next number of series `key`. Locks the series row until the caller commits,
    so two requests never get the same number; the year rolls over on the mechanism's calendar
    when `at` (default now) is in a later year than the series, never back.

    `taken(number)` — optional: True when the number is already used (say, after someone edited
    the series by hand); such numbers are skipped rather than issued twice."""
    at = at or timezone.now()
    year = at.astimezone(mechanism_zone()).year
    with transaction.atomic():
        series = NumberSeries.objects.select_for_update().get(key=key)
        if year > series.year:
            series.year = year
            series.last_number = 0
        while True:
            series.last_number += 1
            number = series.pattern.format(
                prefix=series.prefix, year=series.year, number=series.last_number
            )
            if taken is None or not taken(number):
                break
        series.save(update_fields=["year", "last_number"])
        return number
