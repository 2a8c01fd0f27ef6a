"""A contradicted authority report raises a flag for the coordination (issue 16), through the
deadline sweep like every other flag: in the app (bell, flags page with a link to the report)
and by e-mail at once; it stays open until the coordination records what was done."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from measures import services as measure_services
from measures import services_authority as portal_services
from measures import services_reports
from measures.models import EventKind, EventOutcome, GrantedMeasure
from protection.deadlines.models import EscalationLevel, Notification, OverdueFlag, SubjectType
from protection.deadlines.notifications import digest_send_claimed, escalations_run
from protection.deadlines.sweep import deadlines_sweep
from protection.errors import DomainError
from protection.models import Clock

from .. import factories as f
from .test_authority_portal import granted_case, portal_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(reception, analyst, analyst2, coordinator, follow_up):
    police = f.AuthorityFactory(name="Secretaría de Seguridad de Oaxaca", short_name="SSPO")
    case, measure = granted_case(reception, analyst, analyst2, coordinator, police)
    GrantedMeasure.objects.filter(pk=measure.pk).update(
        responsible=follow_up, granted_at=timezone.now() - timedelta(days=2)
    )
    measure.refresh_from_db()
    user = portal_user(police, "policia_oax")
    report = portal_services.implementation_report(
        actor=user,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now() - timedelta(days=1),
        notes="Botón de pánico entregado",
    )
    return case, measure, report


def report_flags():
    return OverdueFlag.objects.filter(
        clock=Clock.REPORT_CONTRADICTED, subject_type=SubjectType.REPORT
    )


def test_feedback_that_contradicts_a_report_flags_the_coordination_until_resolved(
    client, setup, follow_up, coordinator
):
    case, measure, report = setup
    deadlines_sweep()
    assert not report_flags().exists()  # reported, not contradicted: nothing to flag
    measure_services.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.FEEDBACK,
        occurred_at=timezone.now() - timedelta(hours=1),
        outcome=EventOutcome.FAILED,
        notes="Dice que nadie le entregó el botón",
    )
    deadlines_sweep()
    flag = report_flags().get()
    assert (flag.subject_id, flag.case_id, flag.responsible) == (report.pk, case.pk, None)
    escalations_run()
    flag.refresh_from_db()
    assert flag.escalation_level == EscalationLevel.COORDINATOR
    assert Notification.objects.get(recipient=coordinator, flag=flag).urgent
    assert digest_send_claimed(coordinator.pk) == 1
    body = mail.outbox[-1].body
    assert "Reporte de autoridad contradicho" in body and case.file_number in body
    # The measure and the authority, never what was reported or what the beneficiary said.
    assert "Entrega reportado por SSPO: Botón de pánico" in body
    assert "entregado" not in body and "nadie" not in body

    client.force_login(coordinator)
    page = client.get(reverse("notifications:flags")).content.decode()
    anchor = f"{reverse('measures:measure_detail', args=[measure.pk])}#reporte-{report.pk}"
    assert anchor in page
    html = client.get(reverse("measures:measure_detail", args=[measure.pk])).content.decode()
    assert "contradicho por la persona beneficiaria" in html
    assert "Aviso abierto para la Coordinación" in html
    resolve = reverse("measures:report_contradiction_resolve", args=[measure.pk, report.pk])
    assert resolve in html

    # Still open after another sweep; an empty resolution changes nothing.
    deadlines_sweep()
    assert report_flags().get().cleared_at is None
    assert client.post(resolve, {"notes": ""}).status_code == 200
    report.refresh_from_db()
    assert report.contradiction_resolved_at is None
    done = "Se pidió informe a la SSP; la contratista entregará el botón el lunes."
    assert client.post(resolve, {"notes": done}).status_code == 302
    report.refresh_from_db()
    assert report.contradiction_resolved_by == coordinator
    assert report.contradiction_resolution == done
    deadlines_sweep()
    flag = report_flags().get()
    assert flag.cleared_at is not None and flag.done_at == report.contradiction_resolved_at
    html = client.get(reverse("measures:measure_detail", args=[measure.pk])).content.decode()
    assert "Contradicción atendida" in html and done in html


def test_the_follow_up_officer_marks_a_report_contradicted(client, setup, follow_up, coordinator):
    _case, measure, report = setup
    client.force_login(follow_up)
    html = client.get(reverse("measures:measure_detail", args=[measure.pk])).content.decode()
    url = reverse("measures:report_contradict", args=[measure.pk, report.pk])
    assert url in html
    assert client.post(url, {"reason": " "}).status_code == 200  # a reason is required
    report.refresh_from_db()
    assert report.contradicted_at is None
    found = "En la visita del martes no había botón en el domicilio."
    assert client.post(url, {"reason": found}).status_code == 302
    report.refresh_from_db()
    assert report.contradicted_at is not None and report.contradiction_reason == found
    assert not report.awaiting_confirmation
    with pytest.raises(DomainError):
        measure_services.implementation_report_confirm(actor=follow_up, event=report)
    html = client.get(reverse("measures:measure_detail", args=[measure.pk])).content.decode()
    assert "contradicho por el seguimiento del Mecanismo" in html and found in html
    deadlines_sweep()
    assert report_flags().get().subject_id == report.pk
    # Only the coordination resolves it.
    resolve = reverse("measures:report_contradiction_resolve", args=[measure.pk, report.pk])
    assert client.get(resolve).status_code == 403
    with pytest.raises(DomainError):
        services_reports.report_contradiction_resolve(actor=follow_up, event=report, notes="x")
    services_reports.report_contradiction_resolve(
        actor=coordinator, event=report, notes="Se reprogramó la entrega."
    )
    with pytest.raises(DomainError, match="ya fue atendida"):
        services_reports.report_contradiction_resolve(
            actor=coordinator, event=report, notes="otra vez"
        )


def test_a_confirmed_report_is_not_contradicted_and_the_measure_stays_implemented(setup, follow_up):
    _case, measure, report = setup
    measure_services.implementation_report_confirm(actor=follow_up, event=report)
    with pytest.raises(DomainError, match="ya fue confirmado"):
        services_reports.implementation_report_contradict(
            actor=follow_up, event=report, reason="No estaba"
        )
    measure.refresh_from_db()
    assert measure.implemented_at is not None
    deadlines_sweep()
    assert not report_flags().exists()
