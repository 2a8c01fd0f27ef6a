"""Timestamps read from PostgreSQL with psycopg's compiled parser.

Django reads every `timestamptz` through its own loader, a subclass of psycopg's pure-Python one
(to set the connection's zone on the value): 3.2 µs per value, where psycopg's C loader
(psycopg[binary], a dependency) takes a fraction of that. The home pages read some 300-700
instants per request, the case page more (issue 17). `register(connection)` installs on a new
connection a loader that parses with the C loader and sets the zone as Django's does; the values
are the same. Where the C loader is missing (psycopg without its binary part) nothing changes.
"""

try:
    from psycopg.adapt import Loader
    from psycopg_binary._psycopg import TimestamptzLoader as CompiledTimestamptzLoader
except ImportError:  # pragma: no cover - psycopg without the binary part, or no psycopg
    CompiledTimestamptzLoader = None


def _loader_for(zone):
    class FastTimestamptzLoader(Loader):
        # Django's create_cursor() compares this with the connection's zone and installs its
        # own loader when they differ.
        timezone = zone

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = CompiledTimestamptzLoader(oid, context).load

        def load(self, data):
            # What django.db.backends.postgresql.psycopg_any.BaseTzLoader.load does.
            return self._parse(data).replace(tzinfo=self.timezone)

    return FastTimestamptzLoader


def register(sender, connection, **kwargs):
    """connection_created receiver: the compiled timestamptz loader on a PostgreSQL connection."""
    if connection.vendor != "postgresql" or CompiledTimestamptzLoader is None:
        return
    connection.connection.adapters.register_loader("timestamptz", _loader_for(connection.timezone))
