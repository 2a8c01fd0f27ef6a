# ruff: noqa: S608 -- SQL text holds only model identifiers and integers; values are bound parameters.
"""SQL building blocks shared by the indicator queries: table and column names from the models,
the beneficiary filter, and the few expressions that differ between PostgreSQL and SQLite
(time arithmetic in the mechanism's zone, elapsed seconds, percentiles).

Values always travel as named parameters (%(name)s). The only things written into the SQL text
are identifiers taken from model metadata and integers from the clock rules.
"""

import functools
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction

from cases.models import CasePerson, CaseRole
from protection import clocks
from protection.models import DurationUnit


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def col(model, field_name):
    """The quoted column of a model's field: the same text for the life of the process (one
    database; PostgreSQL and SQLite quote alike). Kept: the indicators name some 120 columns
    on every computation, each a field lookup and a trip through the connection handler."""
    return connection.ops.quote_name(model._meta.get_field(field_name).column)


class Dialect:
    """Expressions written differently by PostgreSQL and SQLite."""

    def __init__(self, vendor=None):
        self.vendor = vendor or connection.vendor
        self.postgres = self.vendor == "postgresql"
        # True once use_local_session_zone() has set the transaction's TimeZone to the
        # mechanism's zone: day and month arithmetic then follow its wall clock by themselves.
        self.session_zone = False
        if self.vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"Indicators support PostgreSQL and SQLite, not {vendor}")

    def ts(self, expr):
        """A timestamp in a comparable form: the value itself, or epoch seconds on SQLite."""
        return expr if self.postgres else f"reports_epoch({expr})"

    def tparam(self, value):
        """A datetime parameter in the form `ts()` compares against."""
        if value is None:
            return None
        return value if self.postgres else value.timestamp()

    def seconds_between(self, later, earlier):
        if self.postgres:
            # date_part gives double precision (EXTRACT gives numeric, much slower to sort).
            return f"date_part('epoch', {later} - {earlier})"
        return f"(reports_epoch({later}) - reports_epoch({earlier}))"

    def due(self, start, rule):
        """`start` moved by a clock rule, as protection.clocks.shift does (comparable form).
        Hours are elapsed time; days and months count on the wall clock of the mechanism's
        zone, so a deadline keeps its local time across a daylight-saving change."""
        amount = int(rule.amount)
        unit = str(rule.unit)
        if unit not in (DurationUnit.HOURS, DurationUnit.DAYS, DurationUnit.MONTHS):
            raise ValueError(f"unknown clock unit {unit!r}")
        if not self.postgres:
            return f"reports_shift_epoch({start}, {amount}, '{unit}', %(zone)s)"
        if unit == DurationUnit.HOURS:
            return f"({start} + {amount} * INTERVAL '1 hour')"
        step = "1 day" if unit == DurationUnit.DAYS else "1 month"
        if self.session_zone:
            # timestamptz + days/months counts on the session zone's wall clock: the same
            # result as the two conversions below, at half the cost per row.
            return f"({start} + {amount} * INTERVAL '{step}')"
        return (
            f"((({start}) AT TIME ZONE %(zone)s + {amount} * INTERVAL '{step}')"
            f" AT TIME ZONE %(zone)s)"
        )

    def local_key(self, expr, granularity):
        """'YYYY-MM' (month) or 'YYYY' (year) of a timestamp on the mechanism's wall clock."""
        if self.postgres:
            fmt = "YYYY-MM" if granularity == "month" else "YYYY"
            return f"to_char(({expr}) AT TIME ZONE %(zone)s, '{fmt}')"
        fmt = "%%Y-%%m" if granularity == "month" else "%%Y"
        return f"reports_local({expr}, %(zone)s, '{fmt}')"

    def local_date_key(self, expr, granularity):
        """The same key for a DATE column."""
        if self.postgres:
            fmt = "YYYY-MM" if granularity == "month" else "YYYY"
            return f"to_char({expr}, '{fmt}')"
        return f"substr({expr}, 1, {7 if granularity == 'month' else 4})"

    def local_date(self, expr):
        """The calendar date of a timestamp in the mechanism's zone (comparable with a DATE)."""
        if self.session_zone:
            return f"CAST(({expr}) AS DATE)"
        if self.postgres:
            return f"CAST(({expr}) AT TIME ZONE %(zone)s AS DATE)"
        return f"reports_local({expr}, %(zone)s, '%%Y-%%m-%%d')"

    def use_local_session_zone(self, zone_name):
        """Inside a transaction on PostgreSQL: set its TimeZone to the mechanism's zone (until
        the transaction ends) so that due() and local_date() need no explicit conversions.
        Timestamps read back are the same instants, only shown with the zone's offset."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [zone_name])
        self.session_zone = True

    def restore_session_zone(self):
        if not self.session_zone:
            return
        self.session_zone = False
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('TimeZone', %s, true)", [connection.timezone_name]
                )
        except DatabaseError:
            # A query failed: the transaction is aborted, and its rollback (or the savepoint's)
            # undoes the setting anyway. Let the original error through.
            pass

    @staticmethod
    def least(a, b):
        """The earlier of two nullable values (NULL only when both are)."""
        return (
            f"(CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} "
            f"WHEN {a} < {b} THEN {a} ELSE {b} END)"
        )


@contextmanager
def custom_plans():
    """A transaction whose statements PostgreSQL plans for their values each time, even when
    psycopg has prepared them (protection/settings/base.py): a report's aggregates over a
    period run long enough that planning costs nothing next to them, and a plan made for some
    other period can cost much more (the annual report: 35% more database time with the
    generic plans; issue 17). Elsewhere, a plain transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


def base_params(dialect, *, now, filters):
    return {
        "zone": str(clocks.mechanism_zone().key),
        "now": dialect.tparam(now),
        "start": dialect.tparam(filters.start),
        "end": dialect.tparam(filters.end),
        "beneficiary": CaseRole.BENEFICIARY.value,
        "f_state": filters.state_id,
        "f_profile": filters.profile,
        **{f"f_gender_{i}": g for i, g in enumerate(filters.genders)},
    }


def period_condition(dialect, expr, filters):
    """`expr` (a timestamp) within the filter's period."""
    parts = []
    if filters.start is not None:
        parts.append(f"{dialect.ts(expr)} >= %(start)s")
    if filters.end is not None:
        parts.append(f"{dialect.ts(expr)} < %(end)s")
    return " AND ".join(parts) or "1 = 1"


def party_condition(case_id_expr, filters):
    """EXISTS: the case has a beneficiary (person or collective) matching every party filter
    at once (the same beneficiary is, say, a woman journalist in Oaxaca). Reads the state,
    gender and profile copied onto each case role (CasePerson.party_*), so no join."""
    if not filters.has_party_filter:
        return "1 = 1"
    cp = "rp_cp"
    conds = [
        f"{cp}.{col(CasePerson, 'case')} = {case_id_expr}",
        f"{cp}.{col(CasePerson, 'role')} = %(beneficiary)s",
        party_match(cp, filters),
    ]
    return f"EXISTS (SELECT 1 FROM {table(CasePerson)} {cp} WHERE {' AND '.join(conds)})"


def party_match(cp, filters):
    """The party filters over one case role `cp` (a CasePerson alias): what party_condition
    asks of a beneficiary."""
    conds = []
    if filters.state_id:
        conds.append(f"{cp}.{col(CasePerson, 'party_state')} = %(f_state)s")
    if filters.genders:
        names = ", ".join(f"%(f_gender_{i})s" for i in range(len(filters.genders)))
        conds.append(f"{cp}.{col(CasePerson, 'party_gender')} IN ({names})")
    if filters.profile:
        conds.append(f"{cp}.{col(CasePerson, 'party_profile')} = %(f_profile)s")
    if filters.party_kind == "person":
        conds.append(f"{cp}.{col(CasePerson, 'person')} IS NOT NULL")
    elif filters.party_kind == "collective":
        conds.append(f"{cp}.{col(CasePerson, 'collective')} IS NOT NULL")
    return " AND ".join(conds) or "1 = 1"


def fetch_all(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def fetch_one(sql, params):
    rows = fetch_all(sql, params)
    return rows[0] if rows else {}
