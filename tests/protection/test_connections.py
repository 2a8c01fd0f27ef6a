"""Statements prepared on the server (protection/settings/base.py postgres_options,
protection/connections.py): a statement a connection repeats is planned once, its parameters
bound on the server, and what it returns is what the same statement returned before."""

import pytest
from django.conf import settings
from django.db import connection

from cases.models import Case
from protection.settings.base import postgres_options

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def test_the_options_bind_on_the_server_and_prepare_only_on_postgresql(monkeypatch):
    database = {"ENGINE": "django.db.backends.postgresql"}
    postgres_options(database)
    assert database["OPTIONS"] == {
        "options": "-c jit=off",
        "server_side_binding": True,
        "prepare_threshold": settings.DATABASE_PREPARE_THRESHOLD,
    }
    # A threshold of 0 turns preparing off, and with it the server-side binding.
    monkeypatch.setattr("protection.settings.base.DATABASE_PREPARE_THRESHOLD", 0)
    database = {"ENGINE": "django.db.backends.postgresql"}
    postgres_options(database)
    assert database["OPTIONS"] == {"options": "-c jit=off"}
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 20}}
    postgres_options(sqlite)
    assert sqlite["OPTIONS"] == {"timeout": 20}


@postgres_only
def test_a_read_the_connection_repeats_is_prepared_once_and_reads_the_same_rows():
    connection.ensure_connection()
    raw = connection.connection
    assert raw.prepare_threshold == settings.DATABASE_PREPARE_THRESHOLD
    assert raw.prepared_max == settings.DATABASE_PREPARED_MAX
    actor = f.UserFactory(username="coord_prepared", role="coordinator")
    ids = [wf.register(actor).pk for _ in range(3)]

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements"
                " WHERE statement LIKE %s AND statement NOT LIKE %s",
                ["%cases_case%file_number%", "%pg_prepared_statements%"],
            )
            return cursor.fetchone()[0]

    before = prepared()
    seen = []
    for _ in range(settings.DATABASE_PREPARE_THRESHOLD + 2):
        for pk in ids:
            seen.append(Case.objects.filter(pk=pk).values_list("pk", "file_number").get())
    # One server-side statement for the read, whichever case it asked for.
    assert prepared() == before + 1
    expected = list(Case.objects.filter(pk__in=ids).order_by().values_list("pk", "file_number"))
    assert sorted(set(seen)) == sorted(expected)
