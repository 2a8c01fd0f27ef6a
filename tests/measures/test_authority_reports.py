"""Implementation reports by the implementing authority (issue 16): dates never in the future,
shown as "reportado por la autoridad" until a follow-up officer confirms them (only then do
they count as implementation), contradicted by the beneficiary's feedback."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from measures import services as measure_services
from measures import services_authority as portal_services
from measures.models import (
    EventKind,
    EventOutcome,
    GrantedMeasure,
    ImplementationEvent,
    MeasureStatus,
)
from protection.errors import DomainError

from .. import factories as f
from .test_authority_portal import granted_case, portal_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(db):
    return f.AuthorityFactory(name="Secretaría de Seguridad de Oaxaca")


@pytest.fixture
def setup(reception, analyst, analyst2, coordinator, follow_up, police):
    case, measure = granted_case(reception, analyst, analyst2, coordinator, police)
    GrantedMeasure.objects.filter(pk=measure.pk).update(
        responsible=follow_up, granted_at=timezone.now() - timedelta(days=1)
    )
    measure.refresh_from_db()
    return case, measure, portal_user(police, "policia_oax")


def local(dt):
    return timezone.localtime(dt, ZoneInfo("America/Mexico_City")).strftime("%Y-%m-%dT%H:%M")


def test_a_report_counts_only_once_the_follow_up_officer_confirms_it(client, setup, follow_up):
    case, measure, user = setup
    client.force_login(user)
    page = reverse("authority:report_add", args=[measure.pk])
    assert client.get(page).status_code == 200
    when = timezone.now() - timedelta(hours=2)
    response = client.post(
        page,
        {"kind": EventKind.ESCORT_ASSIGNED, "occurred_at": local(when), "notes": "Dos elementos"},
    )
    assert response.status_code == 302
    report = ImplementationEvent.objects.get(measure=measure)
    assert report.reported_by_authority_id == measure.authority_id and report.awaiting_confirmation
    measure.refresh_from_db()
    assert measure.implemented_at is None  # reported, not confirmed: not implemented
    portal_page = client.get(reverse("authority:measure", args=[measure.pk])).content.decode()
    assert "reportado por la autoridad" in portal_page

    client.force_login(follow_up)
    staff_page = reverse("measures:measure_detail", args=[measure.pk])
    html = client.get(staff_page).content.decode()
    assert "reportado por la autoridad" in html and "Confirmar" in html
    confirm = reverse("measures:report_confirm", args=[measure.pk, report.pk])
    assert client.post(confirm).status_code == 302
    report.refresh_from_db()
    measure.refresh_from_db()
    assert report.confirmed_by == follow_up
    assert measure.status == MeasureStatus.IMPLEMENTED
    assert abs(measure.implemented_at - report.occurred_at) < timedelta(seconds=1)
    assert "confirmado por el Mecanismo" in client.get(staff_page).content.decode()


def test_a_report_dated_in_the_future_is_refused_with_a_message(client, setup):
    _case, measure, user = setup
    client.force_login(user)
    response = client.post(
        reverse("authority:report_add", args=[measure.pk]),
        {
            "kind": EventKind.DELIVERY,
            "occurred_at": local(timezone.now() + timedelta(days=2)),
            "notes": "Entregado",
        },
    )
    assert response.status_code == 200
    assert "La fecha no puede estar en el futuro." in response.content.decode()
    assert not ImplementationEvent.objects.filter(measure=measure).exists()
    with pytest.raises(DomainError):
        portal_services.implementation_report(
            actor=user,
            measure=measure,
            kind=EventKind.DELIVERY,
            occurred_at=timezone.now() + timedelta(days=2),
            notes="Entregado",
        )


def test_the_beneficiary_feedback_contradicts_an_unconfirmed_report(client, setup, follow_up):
    _case, measure, user = setup
    report = portal_services.implementation_report(
        actor=user,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now() - timedelta(hours=3),
        notes="Botón entregado en domicilio",
    )
    measure_services.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.FEEDBACK,
        occurred_at=timezone.now() - timedelta(hours=1),
        outcome=EventOutcome.FAILED,
        notes="Dice que nadie le entregó el botón",
    )
    report.refresh_from_db()
    assert report.contradicted_at is not None and not report.awaiting_confirmation
    with pytest.raises(DomainError):
        measure_services.implementation_report_confirm(actor=follow_up, event=report)
    measure.refresh_from_db()
    assert measure.implemented_at is None
    client.force_login(follow_up)
    html = client.get(reverse("measures:measure_detail", args=[measure.pk])).content.decode()
    assert "contradicho por la persona beneficiaria" in html


def test_another_authority_cannot_report_on_the_measure(client, setup):
    _case, measure, _user = setup
    stranger = portal_user(f.AuthorityFactory(name="Guardia Nacional"), "guardia")
    client.force_login(stranger)
    assert client.get(reverse("authority:report_add", args=[measure.pk])).status_code == 404
    with pytest.raises(DomainError):
        portal_services.implementation_report(
            actor=stranger,
            measure=measure,
            kind=EventKind.PATROL,
            occurred_at=timezone.now(),
            notes="Rondín",
        )
    assert not ImplementationEvent.objects.filter(measure=measure).exists()
