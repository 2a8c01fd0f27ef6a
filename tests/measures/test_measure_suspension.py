"""The Board suspends an implemented measure and later resumes it (art. 8-I, II), by the lines of
a confirmed decision: the measure's map has the steps, the letters say so, a court hold that
forbids withdrawing the measure forbids suspending it, and a measure not in force is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from measures import services as measure_services
from measures.board import services as board_services
from measures.letters.rendering import decision_letter_lines
from measures.models import (
    EventKind,
    EventOutcome,
    LineAction,
    MeasureStatus,
    Resolution,
)
from protection.errors import DomainError, TransitionNotAllowed

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    return case, case.granted_measures.get()


def implement(follow_up, measure):
    measure_services.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now(),
        outcome=EventOutcome.OK,
        notes="Escolta asignada.",
    )
    measure.refresh_from_db()
    return measure


def modification(coordinator, case, action, measure, resolution=Resolution.MODIFY):
    session = wf.board_with_quorum(coordinator)
    item = board_services.agenda_item_add(
        actor=coordinator, session=session, case=case, kind="modification"
    )
    board_services.agenda_item_presence(actor=coordinator, item=item, attended=True)
    return board_services.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=resolution,
        legal_basis="Art. 8, fr. I",
        text="La Junta suspende la escolta mientras la persona está fuera del país.",
        votes_for=5,
        confirmed_risk_level=f.level("ordinary"),
        lines=[{"action": action, "target": measure}],
    )


def test_the_board_suspends_and_resumes_an_implemented_measure(granted, coordinator, follow_up):
    case, measure = granted
    measure = implement(follow_up, measure)
    implemented_at = measure.implemented_at

    suspension = modification(coordinator, case, LineAction.SUSPEND, measure)
    board_services.decision_confirm(actor=coordinator, decision=suspension)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.SUSPENDED and measure.ended_at is None
    newest = measure.history.order_by("-history_date", "-history_id").first()
    assert newest.history_user == coordinator
    assert newest.history_change_reason == f"Medida suspendida por el acuerdo {suspension.number}"
    [line] = decision_letter_lines(suspension)
    assert (line.action, line.measure) == ("Se suspende", measure.measure_type.name)

    resumption = modification(coordinator, case, LineAction.RESUME, measure)
    board_services.decision_confirm(actor=coordinator, decision=resumption)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED
    assert measure.implemented_at == implemented_at  # the first implementation stays recorded
    [line] = decision_letter_lines(resumption)
    assert line.action == "Se reanuda"


def test_only_a_measure_in_force_is_suspended_and_only_a_suspended_one_resumed(
    granted, coordinator, follow_up
):
    case, measure = granted
    with pytest.raises(TransitionNotAllowed, match="Sólo es posible desde: Implementada"):
        modification(coordinator, case, LineAction.SUSPEND, measure)  # not yet in place
    measure = implement(follow_up, measure)
    with pytest.raises(TransitionNotAllowed, match="Sólo es posible desde: Suspendida"):
        modification(coordinator, case, LineAction.RESUME, measure)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED


def test_a_court_hold_forbids_suspending_the_measure(granted, coordinator, follow_up):
    case, measure = granted
    measure = implement(follow_up, measure)
    suspension = modification(coordinator, case, LineAction.SUSPEND, measure)
    measure_services.legal_hold_record(
        actor=coordinator,
        case=case,
        court="Juzgado 3o de Distrito",
        reference="Amparo 845/2026",
        issued_on=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(DomainError, match="impide suspender"):
        board_services.decision_confirm(actor=coordinator, decision=suspension)
    measure.refresh_from_db()
    suspension.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED
    assert suspension.status == "draft"


def test_a_suspended_measure_can_still_end(granted, coordinator, follow_up):
    """Suspended is not ended: the Board's withdrawal or the person's exit still ends it."""
    case, measure = granted
    measure = implement(follow_up, measure)
    board_services.decision_confirm(
        actor=coordinator, decision=modification(coordinator, case, LineAction.SUSPEND, measure)
    )
    board_services.decision_confirm(
        actor=coordinator,
        decision=modification(
            coordinator, case, LineAction.END, measure, resolution=Resolution.REDUCE
        ),
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ENDED and measure.ended_at
