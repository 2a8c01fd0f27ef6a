"""The timeline's changes between two history records are what diff_against() finds."""

import pytest

from cases import timeline
from cases.models import Case, Person

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def _same_as_diff_against(records):
    pairs = 0
    for newer, older in zip(records, records[1:], strict=False):
        if newer.id != older.id:
            continue
        expected = [(c.field, c.old, c.new) for c in newer.diff_against(older).changes]
        got = [(c.field, c.old, c.new) for c in timeline._changes(newer, older)]
        assert got == expected
        pairs += 1
    return pairs


def test_changes_are_those_of_diff_against(reception, coordinator):
    person = f.PersonFactory(given_names="Ana", phone="+52 55 1234")
    person.given_names = "Ana María"
    person.phone = "+52 55 9999"
    person.save()
    person.rural = not person.rural
    person.save()
    case = wf.register(reception)
    case.summary = "Otro resumen"
    case.assigned_officer = coordinator
    case.save()
    assert (
        _same_as_diff_against(list(Person.history.filter(id=person.pk).order_by("-history_id")))
        == 2
    )
    assert _same_as_diff_against(list(Case.history.filter(id=case.pk).order_by("-history_id"))) >= 1
    assert timeline._compared(Case.history.first()) is not None
