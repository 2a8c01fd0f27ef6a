"""Reads whose SQL is built once per process while several values change: a user's id, the time,
a short list of ids (protection/prepared.py does it for one id and model instances).

The home page ("Mi trabajo") runs some forty reads whose SQL text is the same on every request for
every user of one scope; only the user's id, the time and the ids of a few cases change. Compiling
them anew was most of the page's Python time (issue 17). A `PreparedValues` builds its queryset
once with stand-in values (numbers, instants and texts no row has), keeps the SQL, finds where each
stand-in landed among the parameters, and afterwards only puts the real values there.

It is built twice, with two different sets of stand-ins, and refuses to prepare (ValueError) when
anything else differs between the two, e.g. a `timezone.now()` read inside the builder, or when the
SQL text itself depends on a value: what it runs is then exactly what the queryset would run. It
cannot see a value the builder reads from the database for a stand-in (a stand-in id has no
rows): a builder must take every changing input as a parameter.

Rows come back as values_list() gives them (tuples in the order of its fields, each value
converted as Django converts it). A list parameter (`IntList(n)`) takes up to `n` ids; the rest
of its places repeat the last id (or hold 0, which no row has, when the list is empty), so
`pk__in` keeps its meaning whatever the number.
"""

import re
import threading
from datetime import UTC, datetime

from django.db import connections
from django.db.models.query import FlatValuesListIterable, ValuesListIterable

INT = "int"
DATETIME = "datetime"
STR = "str"


class IntList:
    """A parameter that is a list of at most `size` integers (`pk__in=ids`)."""

    def __init__(self, size):
        if size < 1:
            raise ValueError("a list parameter has at least one place")
        self.size = size


def _stand_in(kind, number, which):
    """The stand-in for the `number`-th parameter in stand-in set `which` (0 or 1)."""
    if kind == INT:
        return -917_360_000 - 1000 * which - number
    if kind == DATETIME:
        return datetime(1901 + which, 2, 3, 4, 5, 6, 7_000 + number, tzinfo=UTC)
    if kind == STR:
        # Lowercase letters and digits: a search word is normalised to such text.
        return f"zqstandin{which}x{number}zq"
    raise ValueError(f"unknown parameter kind {kind!r}")


class _StandIns:
    """One set of stand-ins for the parameters: the values given to the builder, and where each
    is expected among the compiled parameters."""

    def __init__(self, kinds, which, connection):
        self.values = {}
        self.where = {}  # compiled parameter -> (name, index in a list or None, kind)
        number = 0
        for name, kind in kinds.items():
            if isinstance(kind, IntList):
                items = []
                for index in range(kind.size):
                    value = _stand_in(INT, number, which)
                    number += 1
                    items.append(value)
                    self.where[value] = (name, index, INT)
                self.values[name] = items
            else:
                value = _stand_in(kind, number, which)
                number += 1
                self.values[name] = value
                self.where[value] = (name, None, kind)
                if kind == DATETIME:
                    self.where[connection.ops.adapt_datetimefield_value(value)] = (
                        name,
                        None,
                        kind,
                    )


def _compiled(queryset):
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return compiler, sql, list(params)


def _key(param):
    try:
        hash(param)
    except TypeError:
        return None
    return param


class PreparedValues:
    """`read = PreparedValues(build, user_id=INT, now=DATETIME, ids=IntList(64))` with `build`
    returning a values_list() queryset for those keyword arguments; `read(user_id=7, now=...,
    ids=[...])` gives list(queryset) for them. `count=True`: `build` returns a list of plain
    querysets and the read gives the number of rows of each, in one query."""

    def __init__(self, build, *, count=False, using="default", **kinds):
        self._build = build
        self._count = count
        self._using = using
        self._kinds = kinds
        self._plan = None
        self._lock = threading.Lock()

    # -- building ------------------------------------------------------------------------------

    def _sql(self, values):
        """(sql, params, compiler or None) for one set of values."""
        built = self._build(**values)
        if not self._count:
            if built._iterable_class not in (ValuesListIterable, FlatValuesListIterable):
                raise ValueError("a prepared read is a values_list() queryset")
            if built._prefetch_related_lookups:
                raise ValueError("a prepared read prefetches nothing")
            compiler, sql, params = _compiled(built)
            return sql, params, compiler
        parts, params = [], []
        for number, queryset in enumerate(built):
            _compiler, sql, part = _compiled(queryset.order_by().values_list("pk"))
            # Django's own compiled SQL, its values left as parameters.
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted_{number})")  # noqa: S608
            params += part
        return "SELECT " + ", ".join(parts), params, None

    def _make_plan(self):
        connection = connections[self._using]
        first = _StandIns(self._kinds, 0, connection)
        second = _StandIns(self._kinds, 1, connection)
        sql, params, compiler = self._sql(first.values)
        sql_again, params_again, _compiler = self._sql(second.values)
        if sql != sql_again or len(params) != len(params_again):
            raise ValueError("the SQL depends on the values: it cannot be prepared")
        slots = []
        for position, (one, other) in enumerate(zip(params, params_again, strict=True)):
            found = first.where.get(_key(one))
            if found is None:
                if one != other:
                    raise ValueError(f"parameter {position} changes between two builds: {one!r}")
                continue
            if second.where.get(_key(other)) != found:
                raise ValueError(f"parameter {position} is not where its stand-in was")
            slots.append((position, *found))
        if connection.vendor == "postgresql":
            sql, params, slots = _as_arrays(sql, params, slots)
        converters = []
        flat = False
        if compiler is not None:
            columns = [column[0] for column in compiler.select[: compiler.col_count]]
            converters = list(compiler.get_converters(columns).items())
            flat = self._build(**first.values)._iterable_class is FlatValuesListIterable
        return _Plan(sql, params, slots, converters, flat, self._count)

    def plan(self):
        if self._plan is None:
            with self._lock:
                if self._plan is None:
                    self._plan = self._make_plan()
        return self._plan

    # -- running -------------------------------------------------------------------------------

    def __call__(self, **values):
        if values.keys() != self._kinds.keys():
            raise TypeError(f"expected the values of {sorted(self._kinds)}")
        for name, kind in self._kinds.items():
            if isinstance(kind, IntList) and len(values[name]) > kind.size:
                raise ValueError(f"{name}: more than {kind.size} ids")
        return self.plan().run(connections[self._using], values)


_PLACEHOLDER = re.compile(r"%%|%s")
ARRAY = "array"


def _as_arrays(sql, params, slots):
    """On PostgreSQL, each list parameter's `IN (%s, ..., %s)` becomes `= ANY(%s)`, one array
    parameter: the SQL no longer grows with the list (psycopg converts a long query anew on each
    run, a few milliseconds for a thousand ids), and a list of any length fits."""
    offsets = [m.start() for m in _PLACEHOLDER.finditer(sql) if m.group() == "%s"]
    if len(offsets) != len(params):
        return sql, params, slots
    lists = {}
    for position, name, index, _kind in slots:
        if index is not None:
            lists.setdefault(name, []).append((index, position))
    replace = []  # (first offset, end offset, first position, last position, name)
    for name, places in lists.items():
        places.sort()
        positions = [position for _index, position in places]
        first, last = positions[0], positions[-1]
        if positions != list(range(first, last + 1)):
            return sql, params, slots
        start = sql.rfind("IN (", 0, offsets[first])
        end = offsets[last] + 2
        if start < 0 or sql[start + 4 : end] != ", ".join(["%s"] * len(positions)):
            return sql, params, slots
        if sql[end : end + 1] != ")":
            return sql, params, slots
        replace.append((start, end + 1, first, last, name))
    replace.sort()
    parts, new_params, new_slots, cursor = [], [], [], 0
    dropped = set()
    heads = {}
    for start, end, first, last, name in replace:
        parts.append(sql[cursor:start])
        parts.append("= ANY(%s)")
        cursor = end
        heads[first] = name
        dropped.update(range(first + 1, last + 1))
    parts.append(sql[cursor:])
    moved = {}
    for position, value in enumerate(params):
        if position in dropped:
            continue
        moved[position] = len(new_params)
        new_params.append(value)
    for position, name, index, kind in slots:
        if position in dropped:
            continue
        if position in heads:
            new_slots.append((moved[position], name, None, ARRAY))
        else:
            new_slots.append((moved[position], name, index, kind))
    return "".join(parts), new_params, new_slots


class _Plan:
    def __init__(self, sql, params, slots, converters, flat, count):
        self.sql = sql
        self.params = params
        self.slots = slots
        self.converters = converters
        self.flat = flat
        self.count = count

    def run(self, connection, values):
        params = list(self.params)
        adapt = connection.ops.adapt_datetimefield_value
        for position, name, index, kind in self.slots:
            value = values[name]
            if kind == ARRAY:
                # One array literal ('{7,9}', read as an array of the column's type): psycopg
                # dumps a list element by element in Python, 0.4 ms for 700 ids (issue 17).
                value = "{" + ",".join(map(str, map(int, value or [0]))) + "}"
            elif index is not None:
                if index < len(value):
                    value = value[index]
                else:
                    value = value[-1] if value else 0
            elif kind == DATETIME:
                value = adapt(value)
            params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.count:
            return list(rows[0])
        if self.converters:
            rows = [self._convert(row, connection) for row in rows]
        if self.flat:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows] if self.converters else rows

    def _convert(self, row, connection):
        row = list(row)
        for position, (converters, expression) in self.converters:
            cell = row[position]
            for converter in converters:
                cell = converter(cell, expression, connection)
            row[position] = cell
        return row
