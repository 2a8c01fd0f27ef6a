"""One case through the whole lifecycle on PostgreSQL, with the real services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseStatus, ClosureReason
from measures import services as measure_services
from measures.board import services as board_services
from measures.letters import services as letter_services
from measures.models import (
    DecisionStatus,
    EventKind,
    EventOutcome,
    Letter,
    MeasureStatus,
    Resolution,
    WithdrawalGround,
)
from protection.errors import DomainError
from risk import services as risk_services

from . import factories as f
from . import workflows as wf

pytestmark = pytest.mark.django_db


def test_ordinary_case_from_request_to_closure(
    reception, analyst, analyst2, coordinator, follow_up, authority
):
    case = wf.register(reception)
    assert case.status == CaseStatus.RECEIVED
    assert case.file_number.startswith("MPPDDHP/")
    assert case.risk_study_due_at is not None and case.urgent_issue_due_at is None

    wf.admit(reception, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.RISK_EVALUATION
    assert case.next_deadline_at == case.risk_study_due_at

    wf.complete_study(analyst, analyst2, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_BOARD
    assert case.current_risk_level.code == "extraordinary"

    decision = wf.grant(coordinator, case, authority)
    case.refresh_from_db()
    assert decision.status == DecisionStatus.CONFIRMED
    assert case.status == CaseStatus.FOLLOW_UP
    measure = case.granted_measures.get()
    assert measure.status == MeasureStatus.GRANTED
    assert measure.notification_due_at - decision.confirmed_at == timedelta(hours=72)
    assert measure.implementation_due_at > measure.notification_due_at
    assert case.reevaluation_due_at > timezone.now() + timedelta(days=360)
    # one letter to the beneficiary, one to the authority, planned with the confirmation
    assert Letter.objects.filter(decision=decision).count() == 2

    letter_services.decision_mark_notified(actor=coordinator, decision=decision)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.NOTIFIED

    measure_services.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now(),
        outcome=EventOutcome.OK,
        notes="Entregado y probado.",
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED and measure.implemented_at

    # periodic re-evaluation finds lower risk; the Board withdraws the measures
    risk_services.reevaluation_open(
        actor=follow_up, case=case, trigger="periodic", reason="Cumple 12 meses.", analyst=analyst
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REEVALUATION
    study = case.risk_studies.get(kind="reevaluation")
    study = risk_services.risk_study_save(
        actor=analyst,
        study=study,
        expected_version=study.version,
        fields={
            "narrative_context": "El conflicto se resolvió.",
            "differential_considerations": "Mujer indígena.",
            "person_own_view": "Se siente segura.",
            "proposed_duration_months": 1,
            "proposed_measures_notes": "No se proponen medidas.",
            "resulting_level": f.level("ordinary"),
            "level_justification": "El grupo agresor fue desarticulado.",
        },
        scores={factor: (1, "Bajó") for factor in f.factors()},
    )
    risk_services.risk_study_submit(actor=analyst, study=study)
    risk_services.risk_study_approve(actor=coordinator, study=study)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_BOARD

    session = wf.board_with_quorum(coordinator)
    item = board_services.agenda_item_add(
        actor=coordinator, session=session, case=case, kind="reevaluation"
    )
    withdrawal = board_services.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.WITHDRAW,
        legal_basis="Arts. 21-III y 39",
        text="Concluyen las medidas por menor riesgo.",
        confirmed_risk_level=f.level("ordinary"),
        votes_for=5,
        withdrawal_ground=WithdrawalGround.RISK_DECREASED,
    )
    board_services.decision_confirm(actor=coordinator, decision=withdrawal)
    case.refresh_from_db()
    measure.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == ClosureReason.RISK_ENDED
    assert measure.ended_at is not None and measure.end_reason == "withdrawn"
    # the history kept every step, naming who acted
    assert case.history.count() >= 8
    assert {h.history_user for h in case.history.all()} >= {reception, coordinator}


def test_urgent_route_clocks_and_implementation(reception, follow_up, authority):
    received = timezone.now() - timedelta(hours=1)
    case = wf.register(reception, urgent=True, received_at=received)
    assert case.procedure == "extraordinary"
    assert case.urgent_issue_due_at == received + timedelta(hours=3)
    assert case.urgent_implement_due_at == received + timedelta(hours=12)
    assert case.next_deadline_at == case.urgent_issue_due_at

    issued = measure_services.urgent_measures_issue(
        actor=reception,
        case=case,
        measures=[
            {
                "measure_type": f.measure_type("escorts"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
            }
        ],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.URGENT_PROTECTION
    assert case.urgent_issued_at is not None
    assert case.next_deadline_at == case.urgent_implement_due_at
    measure_services.implementation_event_record(
        actor=follow_up,
        measure=issued[0],
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now(),
        outcome=EventOutcome.OK,
        notes="Escoltas asignados.",
    )
    case.refresh_from_db()
    assert case.urgent_implemented_at is not None
    assert case.next_deadline_at == case.risk_study_due_at


def test_voluntary_exit_ends_measures(
    reception, analyst, analyst2, coordinator, follow_up, authority
):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    with pytest.raises(DomainError):
        case_services.case_voluntary_exit(actor=follow_up, case=case, written_statement=" ")
    case_services.case_voluntary_exit(
        actor=follow_up, case=case, written_statement="Escrito firmado del 3 de mayo."
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == ClosureReason.VOLUNTARY_EXIT
    assert not case.granted_measures.filter(ended_at__isnull=True).exists()


def test_appeal_against_denial_reopens_the_case_with_a_new_study(
    reception, analyst, analyst2, coordinator, authority
):
    from measures.models import Appeal, AppealStatus, AppealTrack

    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    session = wf.board_with_quorum(coordinator)
    item = board_services.agenda_item_add(
        actor=coordinator, session=session, case=case, kind="incorporation"
    )
    denial = board_services.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.DENY,
        legal_basis="Art. 29",
        text="Se niega la incorporación.",
        votes_for=5,
    )
    board_services.decision_confirm(actor=coordinator, decision=denial)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.DENIED

    appeal = board_services.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        against_decision=denial,
        grounds="No se valoró la amenaza del 3 de mayo.",
    )
    case.refresh_from_db()
    assert appeal.status == AppealStatus.NEW_STUDY
    assert case.status == CaseStatus.RISK_EVALUATION and case.closed_at is None
    study = risk_services.risk_study_open(
        actor=coordinator, case=case, analyst=analyst, kind="appeal"
    )
    assert Appeal.objects.get(pk=appeal.pk).new_study == study


def test_appeal_out_of_time_is_recorded_as_inadmissible(
    reception, coordinator, analyst, analyst2, authority
):
    from measures.models import AppealStatus, AppealTrack

    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    decision = wf.grant(coordinator, case, authority)
    # Communicated 31 days ago: the 30-day filing period has passed.
    long_ago = timezone.now() - timedelta(days=31)
    type(decision).objects.filter(pk=decision.pk).update(
        confirmed_at=long_ago, notified_at=long_ago
    )
    appeal = board_services.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        against_decision=decision,
        grounds="Inconforme.",
    )
    assert appeal.status == AppealStatus.INADMISSIBLE and appeal.pk
    assert appeal.ruling == "Presentada fuera del plazo legal."


def test_reception_records_delivery_of_urgent_measures(reception, authority):
    case = wf.register(reception, urgent=True)
    issued = measure_services.urgent_measures_issue(
        actor=reception,
        case=case,
        measures=[
            {
                "measure_type": f.measure_type("escorts"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
            }
        ],
    )
    measure_services.implementation_event_record(
        actor=reception,
        measure=issued[0],
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now(),
        outcome=EventOutcome.OK,
        notes="Escoltas en el domicilio.",
    )
    case.refresh_from_db()
    assert case.urgent_implemented_at is not None


def test_denial_and_rejection_end_urgent_measures(
    reception, coordinator, analyst, analyst2, authority
):
    from cases.models import AdmissibilityReason

    def urgent_case():
        case = wf.register(reception, urgent=True)
        measure_services.urgent_measures_issue(
            actor=reception,
            case=case,
            measures=[
                {
                    "measure_type": f.measure_type("escorts"),
                    "covered": f.beneficiary_of(case),
                    "authority": authority,
                }
            ],
        )
        return case

    rejected = urgent_case()
    case_services.case_admissibility_decide(
        actor=reception,
        case=rejected,
        admitted=False,
        reasons=AdmissibilityReason.objects.filter(code="risk_not_linked_to_work"),
        explanation="El riesgo no deriva de su labor periodística.",
    )
    assert rejected.granted_measures.count() == 1
    assert not rejected.granted_measures.filter(ended_at__isnull=True).exists()

    denied = urgent_case()
    wf.admit(reception, denied)
    wf.complete_study(analyst, analyst2, denied)
    session = wf.board_with_quorum(coordinator)
    item = board_services.agenda_item_add(
        actor=coordinator, session=session, case=denied, kind="incorporation"
    )
    decision = board_services.decision_record(
        actor=coordinator,
        case=denied,
        agenda_item=item,
        resolution=Resolution.DENY,
        legal_basis="Art. 29",
        text="Se niega la incorporación.",
        votes_for=5,
    )
    board_services.decision_confirm(actor=coordinator, decision=decision)
    assert denied.granted_measures.count() == 1
    assert not denied.granted_measures.filter(ended_at__isnull=True).exists()
    # The denial's letters say which urgent measure it ended.
    from measures.letters.rendering import decision_letter_lines

    ended = [line for line in decision_letter_lines(decision) if line.ended_at]
    assert [line.measure for line in ended] == [denied.granted_measures.get().measure_type.name]
