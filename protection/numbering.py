"""Numbers from configurable series (case files, letters, decisions), gap-free per year.

Each year has its own series, and a series only moves forward: a request received last year and
registered today is numbered in last year's series (after its last number), and nothing can send
a year back to 1. The year in a number is the year of the date it is numbered at (a request's
reception), on the mechanism's calendar."""

from django.db import transaction
from django.utils import timezone

from .clocks import mechanism_zone
from .models import NumberSeries


def number_next(*, key, at=None, taken=None):
    """Allocate the next number of series `key` for the year of `at` (default now). Locks the
    series row until the caller commits, so two requests never get the same number.

    `taken(number)` — optional: True when the number is already used (a year numbered before
    its counter was kept, a series edited by hand); such numbers are skipped, never issued
    twice."""
    at = at or timezone.now()
    year = at.astimezone(mechanism_zone()).year
    with transaction.atomic():
        series = NumberSeries.objects.select_for_update().get(key=key)
        earlier = dict(series.earlier_years or {})
        if year > series.year:
            earlier[str(series.year)] = series.last_number
            series.year, series.last_number = year, 0
        current = year == series.year
        last = series.last_number if current else earlier.get(str(year), 0)
        while True:
            last += 1
            number = series.pattern.format(prefix=series.prefix, year=year, number=last)
            if taken is None or not taken(number):
                break
        if current:
            series.last_number = last
        else:
            earlier[str(year)] = last
        series.earlier_years = earlier
        series.save(update_fields=["year", "last_number", "earlier_years"])
        return number
