"""The case timeline builds only the measure and letter entries that can be among the newest
`limit` (cases/timeline.py `_newest`): every page of it is the page the whole list would give,
and it says it is truncated exactly when the whole list is longer."""

from datetime import date

import pytest
from django.db.models import Count

from bench import synthetic
from cases.models import Case
from cases.records import case_records
from cases.timeline import case_timeline, history_entries, record_entries

pytestmark = pytest.mark.django_db


def _whole(case, records, limit):
    entries, not_built = record_entries(case, records)
    assert not_built == 0
    entries += history_entries(case, records["parties"], can_see_contact=True, limit=limit)
    entries.sort(key=lambda e: (e.at, e.order), reverse=True)
    return entries


def _key(entry):
    return (entry.at, entry.order, entry.kind, entry.title, entry.detail, entry.url)


def test_timeline_pages_are_those_of_the_whole_list():
    synthetic.generate(cases=40, seed=5, as_of=date(2025, 6, 30), vacuum=False, out=lambda *a: None)
    busiest = Case.objects.annotate(n=Count("granted_measures")).order_by("-n", "pk")[:3]
    checked = 0
    for case in busiest:
        for limit in (1, 3, 10, 25, 50, 200):
            records = case_records(case, events_limit=limit)
            shown, truncated = case_timeline(case, records, can_see_contact=True, limit=limit)
            whole = _whole(case, case_records(case, events_limit=limit), limit)
            assert [_key(e) for e in shown] == [_key(e) for e in whole[:limit]]
            assert truncated == (len(whole) > limit)
            checked += 1
    assert checked == 18
