"""In a real Chromium: the reception unit records an emergency call with its response time from
the case page's contact log; a killing recorded against a covered relative raises the notice to
the coordination, opens the re-evaluation on new facts and marks the case for an immediate-action
assessment; recording the death from the case page ends his measure and lists him as deceased."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services as case_services
from cases.models import CaseRole, ContactLogEntry, Person
from measures.models import MeasureEndReason
from protection.clocks import mechanism_zone
from protection.deadlines.models import Notification
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def staff(transactional_db):
    return {
        "reception": f.UserFactory(username="recepcion_gr", role=Role.RECEPTION),
        "analyst": f.UserFactory(
            username="analista_gr", role=Role.ANALYST, first_name="Rosa", last_name="Méndez"
        ),
        "approver": f.UserFactory(username="analista2_gr", role=Role.ANALYST),
        "coordinator": f.UserFactory(username="coordinacion_gr", role=Role.COORDINATOR),
    }


def followed_case(staff):
    case = wf.register(staff["reception"], received_at=timezone.now() - timedelta(days=5))
    wf.admit(staff["reception"], case)
    wf.complete_study(staff["analyst"], staff["approver"], case)
    wf.grant(staff["coordinator"], case, f.AuthorityFactory(name="Policía Estatal de Guerrero"))
    case.refresh_from_db()
    return case


def local_input(dt):
    return timezone.localtime(dt, timezone.get_fixed_timezone(-360)).strftime("%Y-%m-%dT%H:%M")


def test_emergency_call_with_response_time_from_the_case_page(page, live_server, login, staff):
    case = followed_case(staff)
    authority = f.AuthorityFactory(name="Secretaría de Seguridad Pública de Guerrero")
    login(page, live_server, staff["coordinator"])
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    page.locator("#contactos").get_by_role("link", name="Registrar contacto o emergencia").click()
    expect(page.get_by_role("heading", name="Contactos y emergencias", level=1)).to_be_visible()

    received = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=90)
    page.get_by_label("Tipo").select_option("emergency_call")
    page.get_by_label("Recibido el").fill(local_input(received))
    page.get_by_label("Quién se comunicó").fill("La beneficiaria")
    page.get_by_label("Qué se pidió o qué ocurrió").fill("Hombres armados frente a su casa.")
    page.get_by_label("Autoridad a la que se llamó").select_option(str(authority.pk))
    # help before the call: refused with a clear message, nothing saved
    page.get_by_label("Llegada de la ayuda").fill(local_input(received - timedelta(minutes=5)))
    page.get_by_role("button", name="Registrar").click()
    expect(page.locator("#contact-form")).to_contain_text(
        "La ayuda no puede llegar antes de que se recibiera el aviso."
    )
    assert not ContactLogEntry.objects.exists()
    page.get_by_label("Llegada de la ayuda").fill(local_input(received + timedelta(minutes=42)))
    page.get_by_role("button", name="Registrar").click()

    row = page.locator("tr.contact-entry").first
    expect(row).to_contain_text("Llamada de emergencia")
    expect(row).to_contain_text("42 minutos")
    expect(row).to_contain_text("Respuesta tardía")  # the default target is 30 minutes
    entry = ContactLogEntry.objects.get()
    assert entry.recorded_by == staff["coordinator"] and entry.response_minutes == 42

    page.goto(f"{live_server.url}/casos/{case.pk}/")
    expect(page.locator("#contactos")).to_contain_text("42 minutos")
    expect(page.locator("#historial")).to_contain_text("Bitácora: Llamada de emergencia")


def test_a_killing_flags_reevaluates_and_ends_the_measures(page, live_server, login, staff):
    case = followed_case(staff)
    brother = Person.objects.create(given_names="Julián", family_names="Bahena", gender="man")
    relative = case_services.case_person_add(
        actor=staff["reception"], case=case, party=brother, role=CaseRole.RELATIVE
    )
    measure = case.granted_measures.get()
    measure.covered = relative  # his measure (the test's shortcut: one measure, his)
    measure.save()

    login(page, live_server, staff["coordinator"])
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    page.locator("#agresiones").get_by_role("link", name="Registrar agresión").click()
    page.get_by_label("Fecha de la agresión").fill(
        timezone.localdate(timezone.now(), mechanism_zone()).isoformat()
    )
    page.get_by_label("Persona agredida").select_option(str(relative.pk))
    page.get_by_label("Homicidio", exact=True).check()
    page.get_by_label("Entidad").select_option(label="Guerrero")
    page.get_by_label("Presunto agresor").select_option("organised_crime")
    page.get_by_label("Descripción").fill("Asesinado a tiros en la carretera.")
    page.get_by_role("button", name="Guardar").click()

    expect(
        page.locator(".alert-warning").filter(has_text="se avisó a la Coordinación")
    ).to_be_visible()
    expect(page.locator(".gravest-pending")).to_contain_text("Requiere estudio de acción inmediata")
    expect(page.locator(".gravest-pending")).to_contain_text("Revaluación por hechos nuevos")
    assert Notification.objects.filter(recipient=staff["coordinator"], urgent=True).exists()

    # his fate, from the case page: his measure ends with that reason
    page.locator("#personas").get_by_role("link", name="Situación Julián Bahena").click()
    page.get_by_label("Fallecimiento").check()
    page.get_by_label("Fuente y circunstancias").fill("Lo informó la fiscalía estatal.")
    page.get_by_role("button", name="Registrar situación").click()
    expect(page.locator("#personas")).to_contain_text("Fallecimiento")
    measure.refresh_from_db()
    assert measure.end_reason == MeasureEndReason.DECEASED

    # the coordination sees the notice and the case on its home page
    page.goto(f"{live_server.url}/")
    expect(page.locator(".backlog-gravest_pending")).to_contain_text(case.file_number)
    page.goto(f"{live_server.url}/avisos/")
    expect(page.locator("main")).to_contain_text("Agresión grave registrada")
