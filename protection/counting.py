"""Counts every page asks for, their SQL built once per process.

The header of every signed-in page asks two small questions: how many unread notifications the
user has (the bell) and whether any break-glass access is open (the Coordination's banner).
Django's query compiler rebuilt the same SQL text for them on every request, most of their Python
time (issue 17: the per-request floor). A `KeptCount` builds the queryset once with stand-in
values, keeps its SQL and parameters, and afterwards only puts the request's values (a user's id,
the current time) where the stand-ins were (protection.statements.KeptStatement).
"""

from datetime import UTC, datetime

from .statements import KeptStatement

# Values no row has: where they land among the compiled SQL's parameters is where the real
# values go.
STAND_IN_ID = -917_364_257
STAND_IN_TIME = datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC)


def _count_sql(queryset):
    """(database alias, SQL, parameters) of `queryset.count()`: the compiled SQL of the
    queryset itself, its values as parameters, counted."""
    queryset = queryset.values("pk")
    sql, params = queryset.query.sql_with_params()
    return queryset.db, f"SELECT COUNT(*) FROM ({sql}) counted", params  # noqa: S608


class KeptCount:
    """`count = KeptCount(lambda user_id: Model.objects.filter(owner_id=user_id), STAND_IN_ID)`,
    then `count(user.pk)` is `queryset.count()` for that id. `build` takes one argument per
    stand-in, each passed to the database as a query parameter. A KeptStatement of the count:
    the stand-ins are found, and the values put, as the backend passes them (SQLite gets an
    instant as text)."""

    def __init__(self, build, *stand_ins):
        self._statement = KeptStatement(lambda *values: _count_sql(build(*values)), *stand_ins)

    def __call__(self, *values):
        return self._statement.rows(*values)[0][0]
