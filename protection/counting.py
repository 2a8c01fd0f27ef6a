"""Counts every page asks for, their SQL built once per process.

The header of every signed-in page asks two small questions: how many unread notifications the
user has (the bell) and whether any break-glass access is open (the Coordination's banner).
Django's query compiler rebuilt the same SQL text for them on every request, most of their Python
time (issue 17: the per-request floor). A `KeptCount` builds the queryset once with stand-in
values, keeps its SQL and parameters, and afterwards only puts the request's values (a user's id,
the current time) where the stand-ins were (the same technique as protection.prepared).
"""

import threading
from datetime import UTC, datetime

from django.db import connections

# Values no row has: where they land among the compiled SQL's parameters is where the real
# values go.
STAND_IN_ID = -917_364_257
STAND_IN_TIME = datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC)


def _adapt(ops, value):
    """`value` as the backend's query compiler passes it (a datetime through
    adapt_datetimefield_value: unchanged on PostgreSQL, text in UTC on SQLite)."""
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    return value


class KeptCount:
    """`count = KeptCount(lambda user_id: Model.objects.filter(owner_id=user_id), STAND_IN_ID)`,
    then `count(user.pk)` is `queryset.count()` for that id. `build` takes one argument per
    stand-in, each passed to the database as a query parameter."""

    def __init__(self, build, *stand_ins):
        self._build = build
        self._stand_ins = stand_ins
        self._plan = None
        self._lock = threading.Lock()

    def _prepare(self):
        with self._lock:
            if self._plan is None:
                queryset = self._build(*self._stand_ins).values("pk")
                sql, params = queryset.query.sql_with_params()
                params = list(params)
                ops = connections[queryset.db].ops
                positions = []
                for stand_in in self._stand_ins:
                    # As the backend passes it: SQLite gets an instant as text.
                    adapted = _adapt(ops, stand_in)
                    found = [i for i, p in enumerate(params) if p == adapted]
                    if not found:
                        raise ValueError(f"the queryset does not use the stand-in {stand_in!r}")
                    positions.append(found)
                # The compiled SQL of our own queryset, its values as parameters.
                self._plan = (
                    queryset.db,
                    f"SELECT COUNT(*) FROM ({sql}) counted",  # noqa: S608
                    params,
                    positions,
                )
        return self._plan

    def __call__(self, *values):
        alias, sql, kept, positions = self._plan or self._prepare()
        params = list(kept)
        ops = connections[alias].ops
        for value, places in zip(values, positions, strict=True):
            value = _adapt(ops, value)
            for place in places:
                params[place] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
