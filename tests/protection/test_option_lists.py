"""A KeptRows gives what its queryset gives, made once, and reads again when the rows change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import State
from protection.option_lists import KeptRows, kept_together

pytestmark = pytest.mark.django_db


def _states():
    return State.objects.order_by("name").values_list("pk", "name")


def test_kept_until_the_rows_change():
    made = []

    def make(rows):
        made.append(rows)
        return rows

    kept = KeptRows(_states, make)
    first = kept()
    assert first == list(_states())
    assert kept() is first  # the same rows: nothing made again
    assert len(made) == 1
    with CaptureQueriesContext(connection) as ctx:
        kept()
    assert len(ctx.captured_queries) == 1  # the fingerprint only

    state = State.objects.order_by("name").first()
    state.name = "Zacatecas del Norte"
    state.save()
    again = kept()
    assert again == list(_states())
    assert again != first
    assert len(made) == 2


def test_a_new_row_is_seen():
    kept = KeptRows(_states)
    before = kept()
    State.objects.create(code="ZZ", name="Entidad de prueba")
    after = kept()
    assert len(after) == len(before) + 1
    assert after == list(_states())


def test_deep_copies_share_the_kept_rows():
    import copy

    kept = KeptRows(_states)
    assert copy.deepcopy(kept) is kept


def test_kept_together_checks_several_lists_in_one_query():
    states = KeptRows(_states)
    codes = KeptRows(lambda: State.objects.order_by("code").values_list("code", flat=True))
    first = kept_together([states, codes])
    assert first == [
        list(_states()),
        list(State.objects.order_by("code").values_list("code", flat=True)),
    ]
    with CaptureQueriesContext(connection) as ctx:
        again = kept_together([states, codes])
    assert again[0] is first[0] and again[1] is first[1]
    assert len(ctx.captured_queries) == 1
    State.objects.filter(code="GRO").update(name="Guerrero del Sur")
    changed = kept_together([states, codes])
    assert changed[0] == list(_states()) != first[0]
    assert changed[1] is first[1]
