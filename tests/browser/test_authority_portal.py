"""The implementing-authority portal in a real browser (issue 16): a state police user
acknowledges its letter and reports an escort assigned; the follow-up officer sees it as
"reportado por la autoridad" and confirms it; the indicators move from reported-unconfirmed to
confirmed for that authority."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from measures import services_authority as portal_services
from measures.board import services as board_services
from measures.letters import rendering
from measures.models import (
    AuthorityLevel,
    AuthorityMember,
    GrantedMeasure,
    ImplementationEvent,
    Letter,
    RecipientKind,
    Resolution,
)
from protection.models import Role
from risk.models import RiskStudy

from .. import factories as f
from .. import workflows as wf
from .conftest import _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(transactional_db):
    """Demo-like: the Chihuahua state police with one portal user, a journalist granted an
    escort yesterday, the police's letter delivered through the portal."""
    reception = f.UserFactory(username="recepcion_b", role=Role.RECEPTION)
    analyst = f.UserFactory(username="analista_b", role=Role.ANALYST)
    analyst2 = f.UserFactory(username="analista2_b", role=Role.ANALYST)
    coordinator = f.UserFactory(username="coordinacion_b", role=Role.COORDINATOR)
    follow_up = f.UserFactory(username="seguimiento_b", role=Role.FOLLOW_UP)
    police = f.AuthorityFactory(
        name="Secretaría de Seguridad Pública del Estado de Chihuahua",
        short_name="SSPE Chihuahua",
        level=AuthorityLevel.STATE,
    )
    officer = f.UserFactory(username="policia_estatal_b", role=Role.AUTHORITY)
    AuthorityMember.objects.create(
        user=officer, authority=police, invited_by=coordinator, invited_at=timezone.now()
    )
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    session = wf.board_with_quorum(coordinator)
    item = board_services.agenda_item_add(
        actor=coordinator,
        session=session,
        case=case,
        kind="incorporation",
        risk_study=RiskStudy.objects.filter(case=case, status="approved").first(),
    )
    board_services.agenda_item_presence(actor=coordinator, item=item, attended=True)
    decision = board_services.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.GRANT,
        legal_basis="Arts. 8, 29 y 32 de la Ley",
        text="Se incorpora y se otorga escolta.",
        confirmed_risk_level=f.level("extraordinary"),
        votes_for=5,
        lines=[
            {
                "action": "grant",
                "measure_type": f.measure_type("escorts"),
                "covered": f.beneficiary_of(case),
                "authority": police,
                "duration_months": 6,
                "details": "Un elemento estatal, turno diurno.",
            }
        ],
    )
    decision = board_services.decision_confirm(actor=coordinator, decision=decision)
    measure = GrantedMeasure.objects.get(decision=decision)
    GrantedMeasure.objects.filter(pk=measure.pk).update(
        responsible=follow_up, granted_at=timezone.now() - timedelta(days=1)
    )
    letter = Letter.objects.get(decision=decision, recipient_kind=RecipientKind.AUTHORITY)
    assert rendering.letter_render_claimed(letter.pk) == "generated"
    portal_services.letter_deliver_in_portal(actor=coordinator, letter=letter)
    return {
        "officer": officer,
        "follow_up": follow_up,
        "coordinator": coordinator,
        "police": police,
        "measure": measure,
        "letter": letter,
    }


def authority_row(page, live_server, authority):
    page.goto(f"{live_server.url}{reverse('reports:indicators')}")
    row = page.locator(f'tr[data-authority="{authority.pk}"]')
    expect(row).to_be_visible()
    return row


def test_state_police_acknowledges_and_reports_then_follow_up_confirms(page, live_server, world):
    measure, letter, police = world["measure"], world["letter"], world["police"]
    _login(page, live_server, world["coordinator"])
    row = authority_row(page, live_server, police)
    expect(row.locator('[data-figure="reported"]')).to_have_text("0")
    page.context.clear_cookies()

    # The state police: its letter waits for acknowledgement on the portal's home.
    _login(page, live_server, world["officer"])
    waiting = page.get_by_test_id("letters-to-acknowledge")
    expect(waiting).to_contain_text(letter.number)
    waiting.get_by_role("link", name=f"Oficio {letter.number}").click()
    page.get_by_role("button", name="Acusar recibo").click()
    expect(page.get_by_test_id("letter-status")).to_have_text("Acuse recibido")
    page.get_by_role("link", name="Escoltas de cuerpos especializados").click()
    page.get_by_role("link", name="Reportar la implementación").click()
    page.get_by_label("Qué ocurrió").select_option(label="Escolta asignada")
    page.get_by_label("Descripción").fill("Se asignó al policía estatal J. Meza, turno diurno.")
    page.get_by_role("button", name="Enviar reporte").click()
    expect(page.get_by_test_id("reports")).to_contain_text("Escolta asignada")
    expect(page.get_by_test_id("report-state")).to_have_text("reportado por la autoridad")
    letter.refresh_from_db()
    measure.refresh_from_db()
    assert letter.acknowledged_by == world["officer"] and measure.notified_at is not None
    assert measure.implemented_at is None
    page.context.clear_cookies()

    # The indicators: reported by the authority, not confirmed.
    _login(page, live_server, world["coordinator"])
    row = authority_row(page, live_server, police)
    expect(row.locator('[data-figure="reported"]')).to_have_text("1")
    expect(row.locator('[data-figure="on_time"]')).to_have_text("0")
    page.context.clear_cookies()

    # The follow-up officer sees the report on the measure and confirms it.
    _login(page, live_server, world["follow_up"])
    page.goto(f"{live_server.url}{reverse('measures:measure_detail', args=[measure.pk])}")
    report = page.get_by_test_id("authority-report")
    expect(report).to_contain_text("reportado por la autoridad")
    expect(report).to_contain_text("SSPE Chihuahua")
    page.get_by_role("button", name="Confirmar lo reportado").click()
    expect(page.get_by_test_id("authority-report")).to_contain_text("confirmado por el Mecanismo")
    event = ImplementationEvent.objects.get(measure=measure)
    assert event.confirmed_by == world["follow_up"]
    page.context.clear_cookies()

    # The indicators moved: confirmed and on time, nothing left unconfirmed.
    _login(page, live_server, world["coordinator"])
    row = authority_row(page, live_server, police)
    expect(row.locator('[data-figure="reported"]')).to_have_text("0")
    expect(row.locator('[data-figure="on_time"]')).to_have_text("1")
