"""Date-times from PostgreSQL read faster: the text of a timestamptz in UTC parsed by
datetime.fromisoformat() (C) instead of psycopg's regular expression and arithmetic in Python.

Django loads every timestamptz through its own subclass of psycopg's Python loader (to put the
time zone it wants on the value), so psycopg's C loader is never used. A busy case page reads
some 700 date-times (measures' clocks, letters, events, history): their parsing was about a
tenth of the page's Python time in issue 17's profile.

The fast path takes only what PostgreSQL writes for a session in UTC (Django's sessions are:
ISO DateStyle, offset "+00"); anything else (another offset, BC, infinity, a year past 9999)
goes through Django's loader as before. The value is the one Django's loader gives: the wall
time of that offset with Django's time zone put on it. tests/protection/test_timestamps.py
compares both for values read from PostgreSQL.
"""

from datetime import datetime

TIMESTAMPTZ_OID = 1184
_UTC_SUFFIX = b"+00"

# Django's loader class -> its fast subclass (Django makes one class per time zone).
_FAST = {}


def fast_loader(base):
    """The subclass of `base` (Django's timestamptz loader) with the fast path."""
    loader = _FAST.get(base)
    if loader is None:
        parse = datetime.fromisoformat

        class FastTimestamptzLoader(base):
            def load(self, data):
                if data[-3:] == _UTC_SUFFIX:
                    try:
                        value = parse(bytes(data[:-3]).decode())
                    except ValueError:
                        pass
                    else:
                        return value.replace(tzinfo=self.timezone)
                return super().load(data)

        loader = _FAST[base] = FastTimestamptzLoader
    return loader


def install(sender=None, connection=None, **kwargs):
    """connection_created receiver: the fast loader on a new PostgreSQL connection."""
    if connection is None or connection.vendor != "postgresql":
        return
    from psycopg.pq import Format

    adapters = connection.connection.adapters
    base = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if base is None or not hasattr(base, "timezone") or base in _FAST.values():
        return
    adapters.register_loader(TIMESTAMPTZ_OID, fast_loader(base))
