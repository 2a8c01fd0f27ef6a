"""History lines that change nothing a reader can see are not shown (issue 14 §6): a clock
recomputed to the same minute by a decision wrote "05/12/2027 → 05/12/2027"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.timeline import history_entries
from protection.history import save

from .. import workflows as wf

pytestmark = pytest.mark.django_db


def changes(case):
    rows = []
    for entry in history_entries(case, [], can_see_contact=True):
        rows += [(entry.detail, row["field"], row["old"], row["new"]) for row in entry.changes]
    return rows


def test_a_clock_recomputed_to_the_same_minute_writes_no_line_but_a_real_move_does(
    reception, coordinator
):
    case = wf.register(reception)
    due = timezone.now().replace(second=0, microsecond=0) + timedelta(days=365)
    case.reevaluation_due_at = due
    save(case, coordinator, "Acuerdo 1 aplicado")
    case.reevaluation_due_at = due + timedelta(seconds=20)  # same minute on screen
    save(case, coordinator, "Acuerdo 2 aplicado")
    case.reevaluation_due_at = due + timedelta(days=30)
    save(case, coordinator, "Acuerdo 3 aplicado")
    rows = [row for row in changes(case) if "revaluación" in row[1].lower()]
    assert [detail for detail, *_ in rows] == ["Acuerdo 1 aplicado", "Acuerdo 3 aplicado"]
    assert all(old != new for _detail, _field, old, new in rows)
