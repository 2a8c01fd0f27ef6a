"""The fast date-time loader (protection.timestamps) gives what Django's loader gives."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from psycopg.pq import Format

from protection.timestamps import TIMESTAMPTZ_OID, fast_loader

pytestmark = pytest.mark.django_db

VALUES = [
    "2025-06-30 18:00:00+00",
    "2025-06-30 18:00:00.5+00",
    "2025-06-30 18:00:00.123456+00",
    "2025-06-30 18:00:00.000001+00",
    "2025-10-26 01:30:00+00",
    "2024-02-29 23:59:59.999999+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2025-06-30 12:00:00-06",
    "2025-06-30 18:00:00+05:30",
]


def _texts(zone):
    """How PostgreSQL writes each value for a session in `zone`."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET TIME ZONE '{zone}'")
        try:
            texts = []
            for value in VALUES:
                cursor.execute("SELECT %s::timestamptz::text", [value])
                texts.append(cursor.fetchone()[0].encode())
            return texts
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loader")
@pytest.mark.parametrize("zone", ["UTC", "America/Mexico_City", "Europe/London"])
def test_same_values_as_djangos_loader(zone):
    connection.ensure_connection()
    installed = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    django_loader = installed.__mro__[1]  # the fast one subclasses Django's
    assert installed is fast_loader(django_loader)
    texts = _texts(zone) + [b"infinity", b"-infinity", b"0044-03-15 12:00:00+00 BC"]
    ours, theirs = installed(TIMESTAMPTZ_OID, connection.connection), None
    theirs = django_loader(TIMESTAMPTZ_OID, connection.connection)
    for text in texts:
        try:
            expected = theirs.load(text)
        except Exception as error:  # noqa: BLE001 - the same refusal expected
            with pytest.raises(type(error)):
                ours.load(text)
            continue
        got = ours.load(memoryview(text))
        assert (got, got.tzinfo, got.fold) == (expected, expected.tzinfo, expected.fold), text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loader")
def test_queries_read_aware_utc_values():
    with connection.cursor() as cursor:
        cursor.execute("SELECT '2025-06-30 12:00:00.25-06'::timestamptz")
        value = cursor.fetchone()[0]
    assert value == datetime(2025, 6, 30, 18, 0, 0, 250_000, tzinfo=UTC)
    assert value.tzinfo is UTC
