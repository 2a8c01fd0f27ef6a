"""In a real Chromium: the coordination records an appeal from the case page and walks it to the
Board's agenda (new study assigned, approved, put on the next session); a follow-up officer
proposes to modify the measures of a case she follows, which lands on the next session's agenda
with her reason."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services as case_services
from measures.models import AgendaItemKind, Appeal, AppealStatus, BoardSession, SessionStatus
from protection.models import Role
from risk.models import StudyKind

from .. import factories as f
from .. import workflows as wf
from ..measures.board_fixtures import board

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def staff(transactional_db):
    return {
        "reception": f.UserFactory(username="recepcion_ap", role=Role.RECEPTION),
        "analyst": f.UserFactory(
            username="analista_ap", role=Role.ANALYST, first_name="Rosa", last_name="Méndez"
        ),
        "approver": f.UserFactory(username="analista2_ap", role=Role.ANALYST),
        "coordinator": f.UserFactory(username="coordinacion_ap", role=Role.COORDINATOR),
        "follow_up": f.UserFactory(
            username="seguimiento_ap",
            role=Role.FOLLOW_UP,
            first_name="Marta",
            last_name="Ortiz",
        ),
    }


def granted_case(staff, authority):
    case = wf.register(staff["reception"])
    wf.admit(staff["reception"], case)
    wf.complete_study(staff["analyst"], staff["approver"], case)
    decision = wf.grant(staff["coordinator"], case, authority)
    # The session that decided it was held (wf.grant records the decision only).
    BoardSession.objects.filter(agenda_items__case=case).update(
        status=SessionStatus.CLOSED, closed_at=timezone.now()
    )
    case.refresh_from_db()
    return case, decision


def test_coordinator_records_an_appeal_and_takes_it_to_the_board(page, live_server, login, staff):
    authority = f.AuthorityFactory()
    case, decision = granted_case(staff, authority)
    session, _members = board(staff["coordinator"])
    login(page, live_server, staff["coordinator"])

    page.goto(f"{live_server.url}/casos/{case.pk}/")
    section = page.locator("#inconformidades")
    section.get_by_role("link", name="Registrar inconformidad").click()
    expect(page.get_by_role("heading", name="Registrar inconformidad")).to_be_visible()
    page.get_by_label("Ordinaria (arts. 55–58)").check()
    page.get_by_label("Acuerdo impugnado").select_option(str(decision.pk))
    page.get_by_label("Agravios").fill("El botón de pánico no funciona: no hay señal en la sierra.")
    page.get_by_role("button", name="Registrar inconformidad").click()

    expect(page.locator(".alert-info")).to_contain_text("Asignar el nuevo estudio de riesgo")
    expect(page.locator(".appeal-status")).to_have_text("Nuevo estudio de riesgo")
    page.get_by_role("link", name="Asignar nuevo estudio").click()
    page.get_by_label("Persona analista").select_option(str(staff["analyst"].pk))
    page.get_by_role("button", name="Asignar").click()
    expect(page.locator(".alert-info")).to_contain_text(
        "Concluir y aprobar el nuevo estudio de riesgo"
    )

    appeal = Appeal.objects.get(case=case)
    assert appeal.new_study.kind == StudyKind.APPEAL
    wf.finish_study(staff["analyst"], staff["approver"], appeal.new_study)

    page.reload()
    expect(page.locator(".alert-info")).to_contain_text("Poner en el orden del día")
    page.get_by_role("link", name="Poner en el orden del día").click()
    page.get_by_label("Sesión").select_option(str(session.pk))
    page.get_by_role("button", name="Agregar al orden del día").click()
    expect(page.locator(".appeal-status")).to_have_text("En orden del día")
    expect(page.locator(".alert-info")).to_contain_text("La Junta resuelve en la sesión")

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ON_AGENDA
    assert session.agenda_items.get().appeal == appeal

    # The case page and its timeline show it.
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    expect(page.locator("#inconformidades")).to_contain_text("En orden del día")
    expect(page.locator("#historial")).to_contain_text("Inconformidad presentada")


def test_follow_up_officer_proposes_a_modification_of_measures(page, live_server, login, staff):
    authority = f.AuthorityFactory()
    case, _decision = granted_case(staff, authority)
    case_services.case_follow_up_assign(
        actor=staff["coordinator"], case=case, officer=staff["follow_up"]
    )
    session, _members = board(staff["coordinator"])
    login(page, live_server, staff["follow_up"])

    page.goto(f"{live_server.url}/casos/{case.pk}/")
    page.locator("#medidas").get_by_role("link", name="Proponer modificación de medidas").click()
    expect(page.locator(".lead")).to_contain_text(str(session.number))
    page.get_by_label("Motivo de la propuesta").fill("")
    page.get_by_role("button", name="Proponer a la Junta").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    page.get_by_label("Motivo de la propuesta").fill(
        "El botón de pánico falla cada semana; proponemos cambiarlo por un radio."
    )
    page.get_by_role("button", name="Proponer a la Junta").click()
    expect(page.locator(".modification-proposal")).to_contain_text("proponemos cambiarlo")
    expect(page.locator("#historial")).to_contain_text(
        "Modificación de medidas propuesta a la Junta"
    )
    item = session.agenda_items.get()
    assert item.kind == AgendaItemKind.MODIFICATION and item.proposed_by == staff["follow_up"]

    # The coordination sees it on the session's agenda with the reason.
    page.context.clear_cookies()
    login(page, live_server, staff["coordinator"])
    page.goto(f"{live_server.url}/medidas/junta/sesiones/{session.pk}/")
    expect(page.locator("body")).to_contain_text("Modificación de medidas propuesta")
    expect(page.locator("body")).to_contain_text("proponemos cambiarlo")
