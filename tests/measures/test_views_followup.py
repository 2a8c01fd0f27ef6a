"""The measure page, implementation events and legal holds."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from measures import services as measure_services
from measures.models import (
    EventKind,
    EventOutcome,
    GrantedMeasure,
    ImplementationEvent,
    LegalHold,
    MeasureStatus,
)
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception2(db):
    return f.UserFactory(username="recepcion2_t", role=Role.RECEPTION)


@pytest.fixture
def granted(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    decision = wf.grant(coordinator, case, authority)
    measure = GrantedMeasure.objects.get(case=case)
    return case, decision, measure


def mx_today():
    """Today on the mechanism's calendar, the zone these test users work in."""
    return timezone.localdate(timezone=ZoneInfo("America/Mexico_City"))


def url(name, *args):
    return reverse(name, args=args)


def local_input(dt, zone="America/Mexico_City"):
    # What a datetime-local input sends (seconds included: these events follow a grant made a
    # moment ago in the test).
    return timezone.localtime(dt, ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M:%S")


def event(actor, measure, kind, seconds_after_grant, **extra):
    return measure_services.implementation_event_record(
        actor=actor,
        measure=measure,
        kind=kind,
        occurred_at=measure.granted_at + timedelta(seconds=seconds_after_grant),
        notes=extra.pop("notes", f"Evento {kind}"),
        **extra,
    )


# ---------------------------------------------------------------------------------------------
# The measure page


def test_measure_page_shows_clocks_decision_and_timeline(client, granted, follow_up):
    case, decision, measure = granted
    client.force_login(follow_up)
    body = client.get(url("measures:measure_detail", measure.pk)).content.decode()
    assert "Botón de pánico" in body
    assert decision.number in body and "Arts. 8, 29 y 33 de la Ley" in body
    assert "vence en" in body  # notification and implementation clocks running
    assert "Aún no hay eventos" in body
    assert url("measures:event_add", measure.pk) in body


def test_measure_page_faults_repairs_and_burdens(
    client, granted, follow_up, django_assert_max_num_queries
):
    case, decision, measure = granted
    fault = event(
        follow_up,
        measure,
        EventKind.FAILED_ACTIVATION,
        10,
        outcome=EventOutcome.FAILED,
        response_minutes=45,
        notes="El botón no envió alerta.",
    )
    event(
        follow_up,
        measure,
        EventKind.REPAIR,
        20,
        outcome=EventOutcome.OK,
        resolves=fault,
        notes="Se cambió la batería.",
    )
    event(
        follow_up,
        measure,
        EventKind.FAULT,
        30,
        outcome=EventOutcome.FAILED,
        notes="Sin señal en la comunidad.",
    )
    event(
        follow_up,
        measure,
        EventKind.BURDEN,
        40,
        burden_amount=350,
        notes="Paga el saldo del teléfono.",
    )
    client.force_login(follow_up)
    with django_assert_max_num_queries(30):
        body = client.get(url("measures:measure_detail", measure.pk)).content.decode()
    assert "1 falla sin reparar." in body
    assert "Reparada" in body and "Sin reparar" in body
    assert "Se cambió la batería." in body and "Respuesta en 45 minutos" in body
    assert "$350.00 MXN" in body
    # More events do not mean more queries.
    for i in range(10):
        event(follow_up, measure, EventKind.VISIT, 50 + i, notes=f"Visita {i}")
    with django_assert_max_num_queries(30):
        assert client.get(url("measures:measure_detail", measure.pk)).status_code == 200


def test_measure_page_access(client, granted, reception2, board_gov):
    case, decision, measure = granted
    page = url("measures:measure_detail", measure.pk)
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(reception2)  # not their case, and the case is with follow-up
    assert client.get(page).status_code == 404
    client.force_login(board_gov)  # Board members read measures in their dossiers only
    assert client.get(page).status_code == 403  # role refused before scope (VIEW_POLICY)
    assert client.get(url("measures:measure_detail", 999999)).status_code == 403


# ---------------------------------------------------------------------------------------------
# Implementation events


def test_delivery_marks_the_measure_implemented_and_shows_it(client, granted, follow_up):
    case, decision, measure = granted
    client.force_login(follow_up)
    delivered = measure.granted_at + timedelta(seconds=1)
    typed = {
        "kind": "delivery",
        "occurred_at": local_input(delivered),
        "outcome": "ok",
        "notes": "Se entregó el botón y se probó con la beneficiaria.",
    }
    # First the page says what will change, and nothing is saved yet.
    asked = client.post(url("measures:event_add", measure.pk), typed)
    assert asked.status_code == 200
    body = asked.content.decode()
    assert 'data-testid="state-change">Otorgada → <strong>Implementada</strong>' in body
    assert 'name="confirmed" value="on"' in body
    assert "Se entregó el botón y se probó con la beneficiaria." in body  # kept, hidden
    assert not ImplementationEvent.objects.exists()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.GRANTED

    # "Volver a editar" shows the form again with what was typed; still nothing saved.
    back = client.post(url("measures:event_add", measure.pk), {**typed, "edit": "1"})
    assert back.status_code == 200
    assert 'name="notes"' in back.content.decode() and not ImplementationEvent.objects.exists()

    response = client.post(url("measures:event_add", measure.pk), {**typed, "confirmed": "on"})
    assert response.status_code == 302
    assert response["Location"] == url("measures:measure_detail", measure.pk)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED
    assert measure.implemented_at == delivered.replace(microsecond=0)
    body = client.get(url("measures:measure_detail", measure.pk)).content.decode()
    assert "Se entregó el botón y se probó con la beneficiaria." in body
    assert "Entrega" in body and "cumplido a tiempo" in body


def test_repair_resolves_a_chosen_fault(client, granted, follow_up):
    case, decision, measure = granted
    fault = event(follow_up, measure, EventKind.FAULT, 1, outcome=EventOutcome.FAILED)
    client.force_login(follow_up)
    page = client.get(url("measures:event_add", measure.pk)).content.decode()
    assert f'<option value="{fault.pk}">' in page
    response = client.post(
        url("measures:event_add", measure.pk),
        {
            "kind": "repair",
            "occurred_at": local_input(measure.granted_at + timedelta(seconds=2)),
            "outcome": "ok",
            "resolves": fault.pk,
            "response_minutes": "55",
            "notes": "Técnico reemplazó la antena.",
        },
    )
    assert response.status_code == 302
    repair = ImplementationEvent.objects.get(kind=EventKind.REPAIR)
    assert repair.resolves == fault and repair.response_minutes == 55
    # A resolved fault is no longer offered.
    page = client.get(url("measures:event_add", measure.pk)).content.decode()
    assert f'<option value="{fault.pk}">' not in page


def test_an_event_that_changes_nothing_is_saved_without_asking(client, granted, follow_up):
    case, decision, measure = granted
    client.force_login(follow_up)
    response = client.post(
        url("measures:event_add", measure.pk),
        {
            "kind": "delivery",
            "occurred_at": local_input(measure.granted_at + timedelta(seconds=1)),
            "outcome": "failed",
            "notes": "El botón no encendió; se devolvió al proveedor.",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.GRANTED


def test_burden_needs_an_amount(client, granted, follow_up):
    case, decision, measure = granted
    client.force_login(follow_up)
    response = client.post(
        url("measures:event_add", measure.pk),
        {
            "kind": "burden",
            "occurred_at": local_input(timezone.now()),
            "outcome": "na",
            "notes": "Recibo de luz más alto por las lámparas.",
        },
    )
    assert response.status_code == 200
    assert 'id="id_burden_amount_error"' in response.content.decode()
    assert not ImplementationEvent.objects.exists()


def test_event_before_the_grant_shows_the_rule_and_keeps_input(client, granted, follow_up):
    case, decision, measure = granted
    client.force_login(follow_up)
    notes = "Instalación registrada con fecha equivocada."
    response = client.post(
        url("measures:event_add", measure.pk),
        {
            "kind": "installation",
            "outcome": "ok",
            "notes": notes,
            "occurred_at": local_input(measure.granted_at - timedelta(days=2)),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "no puede ser anterior al otorgamiento" in body
    assert notes in body
    assert not ImplementationEvent.objects.exists()
    measure.refresh_from_db()
    assert measure.implemented_at is None


def test_event_add_access(client, granted, analyst, reception2):
    case, decision, measure = granted
    page = url("measures:event_add", measure.pk)
    assert client.get(page).status_code == 302
    client.force_login(analyst)  # wrote the study, so sees the case; does not follow measures
    assert client.get(page).status_code == 403
    assert (
        client.post(
            page, {"kind": "visit", "notes": "x", "occurred_at": local_input(timezone.now())}
        ).status_code
        == 403
    )
    client.force_login(reception2)
    assert client.get(page).status_code == 404
    assert not ImplementationEvent.objects.exists()


# ---------------------------------------------------------------------------------------------
# Legal holds


def test_legal_hold_add_and_lift(client, granted, follow_up):
    case, decision, measure = granted
    client.force_login(follow_up)
    response = client.post(
        url("measures:legal_hold_add", case.pk),
        {
            "court": "Juzgado Tercero de Distrito en Oaxaca",
            "reference": "Amparo 123/2026",
            "issued_on": mx_today().isoformat(),
            "measure": measure.pk,
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(case=case)
    assert hold.is_active and hold.measure == measure
    assert (
        "Suspensión judicial vigente"
        in client.get(url("measures:measure_detail", measure.pk)).content.decode()
    )

    lift = url("measures:legal_hold_lift", case.pk, hold.pk)
    response = client.post(lift, {"lifted_on": mx_today().isoformat(), "notes": ""})
    assert response.status_code == 200
    assert 'id="id_notes_error"' in response.content.decode()
    response = client.post(
        lift, {"lifted_on": mx_today().isoformat(), "notes": "Sentencia que niega el amparo."}
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert not hold.is_active
    again = client.post(lift, {"lifted_on": mx_today().isoformat(), "notes": "Otra vez."})
    assert again.status_code == 200
    assert "ya fue levantada" in again.content.decode()


def test_legal_hold_access(client, granted, analyst, reception2, coordinator):
    case, decision, measure = granted
    add = url("measures:legal_hold_add", case.pk)
    assert client.get(add).status_code == 302
    client.force_login(analyst)
    assert client.get(add).status_code == 403
    client.force_login(reception2)
    assert client.get(add).status_code == 403  # role refused before scope (VIEW_POLICY)
    hold = measure_services.legal_hold_record(
        actor=coordinator, case=case, court="Juzgado", reference="A-1", issued_on=mx_today()
    )
    other_case = wf.register(coordinator)
    client.force_login(coordinator)
    assert client.get(url("measures:legal_hold_lift", other_case.pk, hold.pk)).status_code == 404
