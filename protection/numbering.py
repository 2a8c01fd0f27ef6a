"""Numbers from configurable series (case files, letters, decisions), gap-free per year."""

from django.db import transaction
from django.utils import timezone

from .clocks import mechanism_zone
from .models import NumberSeries


def number_next(*, key, at=None):
    """Allocate the next number of series `key`. Locks the series row until the caller commits,
    so two requests never get the same number; the year rolls over on the mechanism's calendar."""
    at = at or timezone.now()
    year = at.astimezone(mechanism_zone()).year
    with transaction.atomic():
        series = NumberSeries.objects.select_for_update().get(key=key)
        if series.year != year:
            series.year = year
            series.last_number = 0
        series.last_number += 1
        series.save(update_fields=["year", "last_number"])
        return series.pattern.format(prefix=series.prefix, year=year, number=series.last_number)
