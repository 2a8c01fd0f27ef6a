"""Statements every request runs, their SQL compiled once per process.

Every signed-in request reads its session and renews it (SESSION_SAVE_EVERY_REQUEST), and the
read log writes a row. Django's query compiler built the same SQL text for those statements on
every request, about a third of the Python time of a page that renders nothing (issue 17: the
per-request floor). A `KeptStatement` compiles its queryset once with stand-in values, keeps the
SQL and the parameters, and afterwards puts only the request's values where the stand-ins were
(the technique of protection.counting and protection.prepared). What the database is sent is
the statement the queryset would have sent, on PostgreSQL and on SQLite alike.
"""

import threading
from datetime import datetime

from django.db import connections, transaction
from django.db.models.sql import UpdateQuery


def _adapt(ops, value):
    """`value` as the backend's query compiler passes it (a datetime through
    adapt_datetimefield_value: unchanged on PostgreSQL, text in UTC on SQLite)."""
    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    return value


def select_sql(queryset):
    """(database alias, SQL, parameters) of the SELECT that iterating `queryset` runs."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return queryset.db, sql, params


def update_sql(queryset, **values):
    """(database alias, SQL, parameters) of the UPDATE that `queryset.update(**values)` runs
    (plain values on the queryset's own table: no expressions, no related model's fields)."""
    queryset = queryset._chain()
    queryset._for_write = True  # as update() does: the database routers' choice for writes
    alias = queryset.db
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    if query.related_updates:
        raise ValueError("a kept UPDATE changes its own table only")
    query.annotations = {}
    sql, params = query.get_compiler(using=alias).as_sql()
    return alias, sql, params


class KeptStatement:
    """`statement = KeptStatement(lambda key, now: select_sql(queryset...), KEY, TIME)`, then
    `statement.rows(key, now)` runs that SQL with the real values. `compile` takes one argument
    per stand-in, returns select_sql() or update_sql() of a queryset built with them, and is
    called once per process; each stand-in must reach the SQL as a parameter of its own."""

    def __init__(self, compile, *stand_ins):
        self._compile = compile
        self._stand_ins = stand_ins
        self._plan = None
        self._lock = threading.Lock()

    def _prepare(self):
        with self._lock:
            if self._plan is None:
                alias, sql, params = self._compile(*self._stand_ins)
                params = list(params)
                ops = connections[alias].ops
                positions = []
                for stand_in in self._stand_ins:
                    adapted = _adapt(ops, stand_in)
                    found = [i for i, p in enumerate(params) if p == adapted]
                    if not found:
                        raise ValueError(f"the statement does not use the stand-in {stand_in!r}")
                    positions.append(found)
                self._plan = (alias, sql, params, positions)
        return self._plan

    def _params(self, values):
        alias, sql, kept, positions = self._plan or self._prepare()
        params = list(kept)
        ops = connections[alias].ops
        for value, places in zip(values, positions, strict=True):
            value = _adapt(ops, value)
            for place in places:
                params[place] = value
        return alias, sql, params

    def rows(self, *values):
        """The rows of the SELECT, as the database driver gives them (no field converters:
        read text and numbers, not values a backend stores in another form)."""
        alias, sql, params = self._params(values)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def rowcount(self, *values):
        """Run the UPDATE; the number of rows it changed (as QuerySet.update() returns)."""
        alias, sql, params = self._params(values)
        with transaction.mark_for_rollback_on_error(using=alias):
            with connections[alias].cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.rowcount
