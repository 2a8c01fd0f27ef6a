"""Settings of the reports app, with their defaults. Each may be set in the settings module
(and from the environment there): REPORT_SMALL_COUNT_THRESHOLD, REPORT_EXPORT_SYNC_MAX_ROWS,
REPORT_EXPORT_EXPIRY_HOURS."""

from django.conf import settings


def small_count_threshold():
    """Counts from 1 up to this number minus one are published as "<N" (N = the threshold)."""
    return int(getattr(settings, "REPORT_SMALL_COUNT_THRESHOLD", 5))


def export_sync_max_rows():
    """Exports with more rows than this are built in the background."""
    return int(getattr(settings, "REPORT_EXPORT_SYNC_MAX_ROWS", 5000))


def export_expiry_hours():
    """How long a background export may be downloaded."""
    return int(getattr(settings, "REPORT_EXPORT_EXPIRY_HOURS", 24))
