"""The sweep: every legal clock raises a flag when it passes and clears it when the thing is done,
keeping the flag as the record of how late it was. Records are moved with the real services."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from cases.models import ClosureReason
from measures import services as measure_services
from measures.board import services as board_services
from measures.letters import services as letter_services
from measures.models import (
    AppealTrack,
    Decision,
    EventKind,
    EventOutcome,
    GrantedMeasure,
    MeasureOrigin,
)
from protection.deadlines.models import OverdueFlag, SubjectType
from protection.deadlines.sweep import WATCHES, SweepResult, deadlines_sweep
from protection.models import Clock, Role
from risk import services as risk_services
from risk.models import StudyStatus
from tests import factories as f
from tests import workflows

from .helpers import urgent_case

pytestmark = pytest.mark.django_db


def open_flags():
    return OverdueFlag.objects.filter(cleared_at__isnull=True)


def kinds(flags):
    return {(flag.clock, flag.subject_type) for flag in flags}


def issue_urgent(actor, case, authority):
    return measure_services.urgent_measures_issue(
        actor=actor,
        case=case,
        measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
            }
        ],
    )


def granted_case(reception, analyst, analyst2, coordinator, authority):
    case = workflows.register(reception)
    workflows.admit(reception, case)
    workflows.complete_study(analyst, analyst2, case)
    decision = workflows.grant(coordinator, case, authority)
    return case, decision


def test_a_passed_clock_raises_a_flag_naming_the_clock_lateness_and_who_is_responsible(
    reception,
):
    case = urgent_case(reception, hours_ago=4)  # urgent measures were due 1 hour ago

    result = deadlines_sweep()

    assert result == SweepResult(raised=1, cleared=0, still_overdue=1)
    flag = open_flags().get()
    assert (flag.clock, flag.subject_type, flag.subject_id) == (
        Clock.URGENT_ISSUE,
        SubjectType.CASE,
        case.pk,
    )
    assert flag.case_id == case.pk
    assert flag.due_at == case.urgent_issue_due_at
    assert flag.responsible == reception
    assert flag.responsible_role == Role.RECEPTION
    assert timedelta(minutes=59) < flag.late_by() < timedelta(minutes=61)


def test_a_clock_not_yet_passed_raises_nothing(reception):
    urgent_case(reception, hours_ago=2)  # one hour left

    assert deadlines_sweep() == SweepResult(0, 0, 0)


def test_the_second_sweep_raises_nothing(reception):
    urgent_case(reception, hours_ago=4)
    urgent_case(reception, hours_ago=13)  # issue (3 h) and implementation (12 h) both passed

    first = deadlines_sweep()
    second = deadlines_sweep()

    assert first == SweepResult(raised=3, cleared=0, still_overdue=3)
    assert second == SweepResult(raised=0, cleared=0, still_overdue=3)
    assert OverdueFlag.objects.count() == 3


def test_the_flag_clears_when_the_thing_is_done_and_keeps_how_late_it_was(reception, authority):
    case = urgent_case(reception, hours_ago=4)
    deadlines_sweep()

    issue_urgent(reception, case, authority)
    result = deadlines_sweep()

    assert result == SweepResult(raised=0, cleared=1, still_overdue=0)
    flag = OverdueFlag.objects.get(clock=Clock.URGENT_ISSUE)
    case.refresh_from_db()
    assert flag.cleared_at is not None
    assert flag.done_at == case.urgent_issued_at
    assert flag.late_by() == case.urgent_issued_at - case.urgent_issue_due_at
    assert timedelta(minutes=59) < flag.late_by() < timedelta(minutes=61)


def test_a_flag_whose_clock_stops_without_the_thing_done_clears_with_no_done_time(
    reception, coordinator
):
    case = urgent_case(reception, hours_ago=4)
    deadlines_sweep()

    case_services.case_voluntary_exit(
        actor=coordinator, case=case, written_statement="Renuncia por escrito."
    )
    deadlines_sweep()

    flag = OverdueFlag.objects.get()
    assert flag.cleared_at is not None
    assert flag.done_at is None
    assert flag.late_by() == flag.cleared_at - flag.due_at


def test_the_case_study_clock_hands_over_to_the_study_and_its_analyst(reception, analyst, analyst2):
    received = timezone.now() - timedelta(days=11)
    case = workflows.register(reception, received_at=received)
    workflows.admit(reception, case)
    deadlines_sweep()
    case_flag = open_flags().get()
    assert (case_flag.clock, case_flag.subject_type) == (Clock.RISK_STUDY, SubjectType.CASE)
    assert case_flag.responsible == reception
    assert case_flag.responsible_role == Role.ANALYST

    study = risk_services.risk_study_open(actor=analyst, case=case, analyst=analyst)
    result = deadlines_sweep()

    assert result == SweepResult(raised=1, cleared=1, still_overdue=1)
    study_flag = open_flags().get()
    assert (study_flag.subject_type, study_flag.subject_id) == (SubjectType.STUDY, study.pk)
    assert study_flag.responsible == analyst
    assert study_flag.due_at == study.due_at

    risk_services.risk_study_save(
        actor=analyst,
        study=study,
        expected_version=study.version,
        fields={
            "narrative_context": "Conflicto agrario.",
            "differential_considerations": "Mujer indígena en zona rural.",
            "person_own_view": "Teme por su vida.",
            "proposed_duration_months": 12,
            "resulting_level": f.level("extraordinary"),
        },
        scores={factor: (3, "Motivo") for factor in f.factors()},
        proposed_measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(case),
                "duration_months": 12,
                "context_notes": "Sin costo.",
            }
        ],
    )
    risk_services.risk_study_submit(actor=analyst, study=study)
    study = risk_services.risk_study_approve(actor=analyst2, study=study)
    assert study.status == StudyStatus.APPROVED

    assert deadlines_sweep() == SweepResult(raised=0, cleared=1, still_overdue=0)
    study_flag.refresh_from_db()
    assert study_flag.done_at == study.approved_at


def test_board_clocks_notification_implementation_and_papers(
    reception, analyst, analyst2, coordinator, follow_up, authority
):
    case, decision = granted_case(reception, analyst, analyst2, coordinator, authority)
    measure = GrantedMeasure.objects.get(decision=decision)
    month_later = timezone.now() + timedelta(days=31)

    result = deadlines_sweep(now=month_later)

    # The decision's notification flag speaks for its measures (no second flag per measure).
    assert kinds(open_flags()) == {
        (Clock.NOTIFICATION, SubjectType.DECISION),
        (Clock.IMPLEMENTATION, SubjectType.MEASURE),
        (Clock.BOARD_PAPERS, SubjectType.SESSION),
    }
    assert result.raised == 3
    notification = open_flags().get(clock=Clock.NOTIFICATION)
    assert notification.subject_id == decision.pk
    assert notification.responsible == coordinator
    implementation = open_flags().get(clock=Clock.IMPLEMENTATION)
    assert implementation.subject_id == measure.pk
    assert implementation.responsible_role == Role.FOLLOW_UP
    papers = open_flags().get(clock=Clock.BOARD_PAPERS)
    assert papers.case_id is None and papers.responsible is None

    letter_services.decision_mark_notified(actor=coordinator, decision=decision)
    measure_services.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now(),
        outcome=EventOutcome.OK,
        notes="Botón entregado y probado.",
    )
    result = deadlines_sweep(now=month_later)

    assert result == SweepResult(raised=0, cleared=2, still_overdue=1)
    decision.refresh_from_db()
    measure.refresh_from_db()
    assert OverdueFlag.objects.get(clock=Clock.NOTIFICATION).done_at == decision.notified_at
    assert OverdueFlag.objects.get(clock=Clock.IMPLEMENTATION).done_at == measure.implemented_at


def test_measure_notification_is_watched_when_the_decision_does_not_cover_it(
    reception, analyst, analyst2, coordinator, authority
):
    case, decision = granted_case(reception, analyst, analyst2, coordinator, authority)
    Decision.objects.filter(pk=decision.pk).update(notified_at=timezone.now())
    measure = GrantedMeasure.objects.get(decision=decision)

    deadlines_sweep(now=timezone.now() + timedelta(days=4))

    flag = open_flags().get(clock=Clock.NOTIFICATION)
    assert (flag.subject_type, flag.subject_id) == (SubjectType.MEASURE, measure.pk)
    assert flag.responsible == coordinator  # who confirmed the decision communicates it


def test_reevaluation_clock_and_its_handover_to_the_reevaluation_study(
    reception, analyst, analyst2, coordinator, authority
):
    case, decision = granted_case(reception, analyst, analyst2, coordinator, authority)
    # A year has passed: the re-evaluation fell due yesterday.
    due = timezone.now() - timedelta(days=1)
    type(case).objects.filter(pk=case.pk).update(reevaluation_due_at=due)

    deadlines_sweep()
    flag = open_flags().get()
    assert (flag.clock, flag.subject_type, flag.subject_id) == (
        Clock.REEVALUATION,
        SubjectType.CASE,
        case.pk,
    )
    assert flag.responsible_role == Role.ANALYST

    reevaluation = risk_services.reevaluation_open(
        actor=analyst, case=case, trigger="periodic", reason="Revaluación anual.", analyst=analyst
    )
    result = deadlines_sweep()

    # The re-evaluation study's own 10-day clock runs now; the periodic clock was kept, late.
    assert (result.cleared, result.still_overdue) == (1, 0)
    flag.refresh_from_db()
    assert flag.done_at == reevaluation.requested_at
    assert timedelta(hours=23) < flag.late_by() < timedelta(hours=25)


def test_urgent_appeal_ruling_clock(reception, coordinator, authority):
    case = urgent_case(reception, hours_ago=1)
    issue_urgent(reception, case, authority)
    appeal = board_services.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.URGENT,
        grounds="Las medidas urgentes son insuficientes.",
        against_implementation=True,
    )
    later = appeal.ruling_due_at + timedelta(minutes=5)

    deadlines_sweep(now=later)
    flag = open_flags().get(clock=Clock.URGENT_APPEAL_RULING)
    assert (flag.subject_type, flag.subject_id) == (SubjectType.APPEAL, appeal.pk)

    board_services.appeal_rule_urgent(
        actor=coordinator, appeal=appeal, upheld=True, ruling="Se amplían las medidas."
    )
    assert deadlines_sweep(now=later).cleared >= 1
    flag.refresh_from_db()
    assert flag.done_at is not None


def test_a_record_late_again_under_a_new_date_gets_a_new_flag_and_keeps_the_old_one(reception):
    case = urgent_case(reception, hours_ago=4)
    deadlines_sweep()
    later_due = timezone.now() + timedelta(hours=1)
    type(case).objects.filter(pk=case.pk).update(urgent_issue_due_at=later_due)
    assert deadlines_sweep().cleared == 1  # no longer overdue: the date moved

    result = deadlines_sweep(now=later_due + timedelta(minutes=1))

    assert result.raised == 1
    assert OverdueFlag.objects.filter(clock=Clock.URGENT_ISSUE).count() == 2
    assert open_flags().get().due_at == later_due


def test_closed_cases_raise_nothing(reception, coordinator):
    case = urgent_case(reception, hours_ago=4)
    case_services.case_voluntary_exit(actor=coordinator, case=case, written_statement="Escrito.")
    case.refresh_from_db()
    assert case.closure_reason == ClosureReason.VOLUNTARY_EXIT

    assert deadlines_sweep().raised == 0


def _overdue_measures(case, authority, count):
    now = timezone.now()
    covered = f.beneficiary_of(case)
    GrantedMeasure.objects.bulk_create(
        GrantedMeasure(
            case=case,
            origin=MeasureOrigin.BOARD,
            measure_type=f.measure_type("panic_button"),
            covered=covered,
            authority=authority,
            granted_at=now - timedelta(days=40),
            notified_at=now - timedelta(days=39),
            notification_due_at=now - timedelta(days=37),
            implementation_due_at=now - timedelta(days=10),
        )
        for _ in range(count)
    )


def _sweep_queries(**kwargs):
    with CaptureQueriesContext(connection) as queries:
        result = deadlines_sweep(**kwargs)
    return result, len(queries)


def test_the_sweep_makes_the_same_number_of_queries_for_3_and_30_overdue_rows(reception, authority):
    case = workflows.register(reception)
    _overdue_measures(case, authority, 3)
    three, queries_for_three = _sweep_queries()
    _overdue_measures(case, authority, 27)
    thirty, queries_for_thirty = _sweep_queries()
    steady, queries_steady = _sweep_queries()
    GrantedMeasure.objects.update(implemented_at=timezone.now())
    cleared, queries_clearing = _sweep_queries()

    assert (three.raised, thirty.raised, steady.raised) == (3, 27, 0)
    assert (thirty.still_overdue, cleared.cleared) == (30, 30)
    # Savepoints aside: a lock, the clock rules, two statements per watch, the count.
    assert queries_for_three == queries_for_thirty == queries_steady == queries_clearing
    assert queries_for_three <= 3 + 2 * len(WATCHES) + 2


def test_check_deadlines_prints_one_line_and_is_idempotent(reception):
    urgent_case(reception, hours_ago=4)
    urgent_case(reception, hours_ago=13)

    first, second = StringIO(), StringIO()
    call_command("check_deadlines", stdout=first)
    call_command("check_deadlines", stdout=second)

    assert first.getvalue() == "raised 3, cleared 0, still overdue 3\n"
    assert second.getvalue() == "raised 0, cleared 0, still overdue 3\n"


def test_check_deadlines_reports_what_it_cleared(reception, authority):
    case = urgent_case(reception, hours_ago=4)
    call_command("check_deadlines", stdout=StringIO())
    issue_urgent(reception, case, authority)

    out = StringIO()
    call_command("check_deadlines", stdout=out)

    assert out.getvalue() == "raised 0, cleared 1, still overdue 0\n"
