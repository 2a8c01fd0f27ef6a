"""SQL functions the indicator queries need, for SQLite (the embedded mode).

PostgreSQL does time-zone and calendar arithmetic natively (AT TIME ZONE, intervals). SQLite does
not, so the same expressions are registered here as deterministic SQL functions that call the
project's own clock code: the database still filters, groups and aggregates; these only convert
one value at a time, exactly as protection.clocks does.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.db.backends.signals import connection_created

from protection import clocks


def _parse(value):
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # Django keeps aware datetimes as naive UTC text
    return parsed


def epoch(value):
    parsed = _parse(value)
    return None if parsed is None else parsed.timestamp()


def shift_epoch(value, amount, unit, zone):
    parsed = _parse(value)
    if parsed is None:
        return None
    rule = clocks.ClockRule(int(amount), unit, "", "")
    return clocks.shift(parsed, rule, zone=ZoneInfo(zone)).timestamp()


def local_text(value, zone, fmt):
    parsed = _parse(value)
    if parsed is None:
        return None
    return parsed.astimezone(ZoneInfo(zone)).strftime(fmt)


def register(connection):
    raw = connection.connection
    raw.create_function("reports_epoch", 1, epoch, deterministic=True)
    raw.create_function("reports_shift_epoch", 4, shift_epoch, deterministic=True)
    raw.create_function("reports_local", 3, local_text, deterministic=True)


def _on_connection(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        register(connection)


def connect_signal():
    connection_created.connect(_on_connection, dispatch_uid="reports_sqlite_functions")
