"""Follow-up that reaches the right person: the case's follow-up officer (assigned from the case
page or the decision page), overdue flags and escalations routed to her and then to the
coordination (never to whoever registered the request), the flags page naming her and her unit,
and the admitted cases of her unit open to her before any measure exists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from measures.models import GrantedMeasure
from protection.deadlines.models import EscalationLevel, Notification, OverdueFlag
from protection.deadlines.notifications import escalations_run
from protection.deadlines.sweep import deadlines_sweep
from protection.errors import DomainError
from protection.models import Clock, Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    decision = wf.grant(coordinator, case, authority)
    case.refresh_from_db()
    return case, decision


def assign_url(case):
    return reverse("cases:follow_up_assign", args=[case.pk])


def test_coordinator_assigns_the_follow_up_officer_from_the_case_page(
    client, coordinator, follow_up, granted
):
    case, _decision = granted
    measure = GrantedMeasure.objects.get(case=case)
    assert measure.responsible is None  # nobody followed it yet
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert assign_url(case) in page and "Medidas sin persona de seguimiento" in page
    response = client.post(assign_url(case), {"officer": follow_up.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    measure.refresh_from_db()
    assert case.follow_up_officer == follow_up
    assert measure.responsible == follow_up  # the open measures pass to her
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Unidad de Prevención, Seguimiento y Análisis" in page
    assert "Persona de seguimiento" in page and follow_up.display_name in page


def test_assignment_from_the_decision_page_returns_there(client, coordinator, follow_up, granted):
    case, decision = granted
    client.force_login(coordinator)
    decision_url = reverse("measures:board_decision", args=[decision.pk])
    page = client.get(decision_url).content.decode()
    assert assign_url(case) in page and "Asignar seguimiento" in page
    response = client.post(
        assign_url(case), {"officer": follow_up.pk, "next": decision_url + "#seguimiento"}
    )
    assert response.status_code == 302 and response["Location"] == decision_url + "#seguimiento"
    # An outside `next` is ignored: back to the case.
    other = f.UserFactory(username="seguimiento2_t", role=Role.FOLLOW_UP)
    response = client.post(
        assign_url(case), {"officer": other.pk, "next": "https://example.com/robo"}
    )
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


def test_only_an_active_follow_up_officer_and_only_by_the_coordination(
    client, reception, analyst, coordinator, follow_up, granted
):
    case, _decision = granted
    with pytest.raises(DomainError, match="unidad de seguimiento"):
        case_services.case_follow_up_assign(actor=coordinator, case=case, officer=analyst)
    follow_up.is_active = False
    follow_up.save()
    client.force_login(coordinator)
    response = client.post(assign_url(case), {"officer": follow_up.pk})
    assert response.status_code == 200  # not offered: a clear form error
    case.refresh_from_db()
    assert case.follow_up_officer is None
    client.force_login(analyst)
    assert client.get(assign_url(case)).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("cases:follow_up_assign", args=[987654])).status_code == 404
    client.logout()
    assert client.get(assign_url(case)).status_code == 302


def test_a_case_with_measures_and_no_officer_is_flagged_on_the_coordinators_home(
    client, coordinator, follow_up, granted
):
    case, _decision = granted
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    section = next(s for s in response.context["backlog"] if s.key == "no_follow_up")
    assert [row.pk for row in section.rows] == [case.pk]
    assert assign_url(case) in response.content.decode()
    case_services.case_follow_up_assign(actor=coordinator, case=case, officer=follow_up)
    response = client.get(reverse("home"))
    section = next(s for s in response.context["backlog"] if s.key == "no_follow_up")
    assert section.count == 0


def test_overdue_implementation_goes_to_the_follow_up_officer_then_coordination(
    client, reception, coordinator, follow_up, granted
):
    case, _decision = granted
    assert case.assigned_officer == reception  # who registered the request
    case_services.case_follow_up_assign(actor=coordinator, case=case, officer=follow_up)
    measure = GrantedMeasure.objects.get(case=case)
    later = measure.implementation_due_at + timedelta(hours=1)
    deadlines_sweep(now=later)
    flag = OverdueFlag.objects.get(clock=Clock.IMPLEMENTATION, cleared_at__isnull=True)
    assert flag.responsible == follow_up
    escalations_run(now=later)
    assert Notification.objects.filter(flag=flag, recipient=follow_up).exists()
    assert not Notification.objects.filter(recipient=reception).exists()
    escalations_run(now=later + timedelta(days=3))
    flag.refresh_from_db()
    assert flag.escalation_level == EscalationLevel.COORDINATOR
    assert Notification.objects.filter(flag=flag, recipient=coordinator).exists()
    # The flags page names her and the unit she actually belongs to.
    client.force_login(coordinator)
    page = client.get(reverse("notifications:flags")).content.decode()
    assert f"{follow_up.display_name} · Unidad de Prevención, Seguimiento y Análisis" in page


def test_without_a_follow_up_officer_flags_go_to_the_coordination_at_once(
    client, reception, coordinator, granted
):
    case, _decision = granted
    measure = GrantedMeasure.objects.get(case=case)
    later = measure.implementation_due_at + timedelta(hours=1)
    deadlines_sweep(now=later)
    flag = OverdueFlag.objects.get(clock=Clock.IMPLEMENTATION, cleared_at__isnull=True)
    assert flag.responsible is None  # not the reception caseworker who registered it
    escalations_run(now=later)
    assert Notification.objects.filter(flag=flag, recipient=coordinator).exists()
    assert not Notification.objects.filter(recipient=reception).exists()
    client.force_login(coordinator)
    page = client.get(reverse("notifications:flags")).content.decode()
    assert "Coordinación Ejecutiva Nacional (sin persona asignada)" in page


def test_reevaluation_flag_goes_to_the_follow_up_officer(coordinator, follow_up, granted):
    case, _decision = granted
    case_services.case_follow_up_assign(actor=coordinator, case=case, officer=follow_up)
    Case.objects.filter(pk=case.pk).update(reevaluation_due_at=timezone.now() - timedelta(days=1))
    deadlines_sweep()
    flag = OverdueFlag.objects.get(clock=Clock.REEVALUATION, cleared_at__isnull=True)
    assert flag.responsible == follow_up


def test_follow_up_officer_opens_admitted_cases_of_her_unit_before_measures(
    client, reception, analyst, analyst2, coordinator, follow_up
):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)  # awaiting the Board: no measure yet
    url = reverse("cases:detail", args=[case.pk])
    client.force_login(follow_up)
    assert client.get(url).status_code == 404  # nobody from her unit holds it yet
    case_services.case_follow_up_assign(actor=coordinator, case=case, officer=follow_up)
    assert client.get(url).status_code == 200
    colleague = f.UserFactory(username="seguimiento_colega", role=Role.FOLLOW_UP)
    client.force_login(colleague)
    assert client.get(url).status_code == 200  # the admitted cases of her unit
    # Her "my work" lists it.
    client.force_login(follow_up)
    response = client.get(reverse("home"))
    assert case.pk in [row.pk for row in response.context["my_cases"]]
    # A request not yet admitted stays out of her scope.
    pending = wf.register(reception)
    Case.objects.filter(pk=pending.pk).update(follow_up_officer=colleague)
    client.force_login(follow_up)
    assert client.get(reverse("cases:detail", args=[pending.pk])).status_code == 404
