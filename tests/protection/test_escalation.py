"""Escalation: an overdue item goes to its responsible person, then after a configurable time to
every coordinator; urgent-procedure clocks reach the coordination within the hour. Nobody gets
the same alert twice."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from measures import services as measure_services
from measures.board import services as board_services
from measures.models import SessionKind
from protection.deadlines.models import (
    EmailStatus,
    EscalationLevel,
    Notification,
    NotificationKind,
    OverdueFlag,
)
from protection.deadlines.notifications import EscalationResult, escalations_run
from protection.deadlines.sweep import deadlines_sweep
from protection.models import Clock, Role
from tests import factories as f
from tests import workflows

from .helpers import urgent_case

pytestmark = pytest.mark.django_db


def received_to(user):
    return Notification.objects.filter(recipient=user)


def study_overdue_case(reception, days=11):
    """An ordinary case whose 10-day risk-study clock passed (responsible: its officer)."""
    return workflows.register(reception, received_at=timezone.now() - timedelta(days=days))


def test_a_new_flag_goes_to_its_responsible_person_once(reception, coordinator):
    urgent_case(reception, hours_ago=4)
    deadlines_sweep()

    first = escalations_run()
    second = escalations_run()

    assert first == EscalationResult(alerted=1, escalated=0)
    assert second == EscalationResult(alerted=0, escalated=0)
    notification = received_to(reception).get()
    assert notification.kind == NotificationKind.OVERDUE
    assert notification.urgent is True
    assert notification.flag.clock == Clock.URGENT_ISSUE
    assert notification.email_status == EmailStatus.PENDING
    assert not received_to(coordinator).exists()
    assert OverdueFlag.objects.get().escalation_level == EscalationLevel.ASSIGNEE


def test_an_ordinary_flag_reaches_the_coordinators_after_the_configured_time(
    settings, reception, coordinator
):
    settings.DEADLINES_ESCALATE_AFTER_HOURS = 48
    second_coordinator = f.UserFactory(username="coordinacion2_t", role=Role.COORDINATOR)
    f.UserFactory(username="coordinacion_baja_t", role=Role.COORDINATOR, is_active=False)
    study_overdue_case(reception)
    now = timezone.now()
    deadlines_sweep(now=now)
    escalations_run(now=now)

    before = escalations_run(now=now + timedelta(hours=47))
    after = escalations_run(now=now + timedelta(hours=49))
    again = escalations_run(now=now + timedelta(hours=72))

    assert before == EscalationResult(0, 0)
    assert after == EscalationResult(0, 2)
    assert again == EscalationResult(0, 0)
    escalated = Notification.objects.filter(kind=NotificationKind.ESCALATED)
    assert {n.recipient for n in escalated} == {coordinator, second_coordinator}
    assert received_to(reception).count() == 1
    flag = OverdueFlag.objects.get()
    assert flag.escalation_level == EscalationLevel.COORDINATOR
    assert flag.escalated_at == now + timedelta(hours=49)


def test_the_delay_is_configurable(settings, reception, coordinator):
    settings.DEADLINES_ESCALATE_AFTER_HOURS = 2
    study_overdue_case(reception)
    now = timezone.now()
    deadlines_sweep(now=now)
    escalations_run(now=now)

    assert escalations_run(now=now + timedelta(hours=3)).escalated == 1


def test_an_urgent_clock_reaches_the_coordination_within_the_hour(reception, coordinator):
    case = urgent_case(reception, hours_ago=4)
    due = case.urgent_issue_due_at
    first_sweep = due + timedelta(minutes=5)  # the sweep runs every five minutes
    deadlines_sweep(now=first_sweep)
    assert escalations_run(now=first_sweep) == EscalationResult(1, 0)

    assert escalations_run(now=first_sweep + timedelta(minutes=25)).escalated == 0
    escalated_at = first_sweep + timedelta(minutes=30)
    assert escalations_run(now=escalated_at).escalated == 1

    assert escalated_at - due < timedelta(hours=1)
    notification = received_to(coordinator).get()
    assert (notification.kind, notification.urgent) == (NotificationKind.ESCALATED, True)


def test_a_flag_nobody_is_responsible_for_goes_to_the_coordinators_at_once(coordinator):
    # Papers are due five days before the session: three days ahead, they are two days late.
    board_services.session_schedule(
        actor=coordinator,
        kind=SessionKind.ORDINARY,
        scheduled_at=timezone.now() + timedelta(days=3),
    )
    deadlines_sweep()

    assert escalations_run() == EscalationResult(alerted=0, escalated=1)
    notification = received_to(coordinator).get()
    assert notification.flag.clock == Clock.BOARD_PAPERS
    assert notification.kind == NotificationKind.ESCALATED


def test_an_inactive_responsible_person_is_skipped(reception, coordinator):
    study_overdue_case(reception)
    reception.is_active = False
    reception.save()
    deadlines_sweep()

    assert escalations_run() == EscalationResult(alerted=0, escalated=1)
    assert not received_to(reception).exists()


def test_a_coordinator_responsible_for_the_flag_gets_it_once(coordinator):
    case = urgent_case(coordinator, hours_ago=4)  # a coordinator registered it: her case
    assert case.assigned_officer == coordinator
    now = timezone.now()
    deadlines_sweep(now=now)

    escalations_run(now=now)
    escalations_run(now=now + timedelta(hours=2))

    assert received_to(coordinator).count() == 1
    assert OverdueFlag.objects.get().escalation_level == EscalationLevel.COORDINATOR


def test_a_flag_cleared_before_the_delay_is_not_escalated(reception, coordinator, authority):
    case = urgent_case(reception, hours_ago=4)
    now = timezone.now()
    deadlines_sweep(now=now)
    escalations_run(now=now)
    measure_services.urgent_measures_issue(
        actor=reception,
        case=case,
        measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
            }
        ],
    )
    deadlines_sweep(now=now + timedelta(minutes=10))

    assert escalations_run(now=now + timedelta(hours=3)) == EscalationResult(0, 0)
    assert not received_to(coordinator).exists()


def test_the_database_refuses_the_same_alert_twice_to_the_same_person(reception):
    urgent_case(reception, hours_ago=4)
    deadlines_sweep()
    escalations_run()
    notification = Notification.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=reception,
            flag=notification.flag,
            kind=NotificationKind.ESCALATED,
            created_at=timezone.now(),
        )


def test_alerts_are_made_in_a_fixed_number_of_queries(
    reception, coordinator, django_assert_max_num_queries
):
    for _ in range(3):
        urgent_case(reception, hours_ago=4)
    deadlines_sweep()
    with django_assert_max_num_queries(12) as few:
        escalations_run()
    for _ in range(12):
        urgent_case(reception, hours_ago=4)
    deadlines_sweep()
    with django_assert_max_num_queries(len(few.captured_queries)):
        result = escalations_run()
    assert result.alerted == 12
