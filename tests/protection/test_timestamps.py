"""Timestamps read with psycopg's compiled loader (protection/timestamps.py) are the values
Django's own loader gives: same instant, same zone object."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from psycopg.pq import Format

from protection import timestamps

pytestmark = pytest.mark.django_db

INSTANTS = [
    datetime(2026, 12, 6, 6, 0, tzinfo=UTC),
    datetime(2023, 5, 31, 17, 44, 12, 24188, tzinfo=UTC),
    datetime(1901, 2, 3, 4, 5, 6, 7001, tzinfo=UTC),
    datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-6))),
    datetime(2099, 12, 31, 0, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
]


def _read(cursor):
    cursor.execute(
        "SELECT v FROM unnest(%s::timestamptz[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
        [INSTANTS],
    )
    return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(
    timestamps.CompiledTimestamptzLoader is None, reason="psycopg without its binary part"
)
def test_timestamps_read_as_django_reads_them():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        loader = cursor.connection.adapters.get_loader(1184, Format.TEXT)
        assert loader.__name__ == "FastTimestamptzLoader"
        fast = _read(cursor)
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)
        django_values = _read(cursor)
    assert fast == django_values == INSTANTS
    assert [value.tzinfo for value in fast] == [value.tzinfo for value in django_values]
    assert all(value.tzinfo is connection.timezone for value in fast)
