"""The casework steps in a real Chromium: an urgent request and its urgent measures; an ordinary
request through admissibility and a submitted risk study; an implementation event on a granted
measure; a stale edit refused. Each finished page is saved to test-artifacts/screenshots/."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, CaseStatus, Procedure
from measures.models import EventKind, GrantedMeasure, ImplementationEvent, MeasureStatus
from protection.models import Role
from risk.models import RiskStudy, StudyStatus

from .. import factories as f
from .. import workflows as wf
from .conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def user(username, role):
    return f.UserFactory(username=username, role=role)


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def new_page(browser):
    context = browser.new_context(
        locale="es-MX", timezone_id="America/Mexico_City", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def case_url(live_server, case):
    return f"{live_server.url}/casos/{case.pk}/"


def test_urgent_request_and_urgent_measures(page, live_server, login, transactional_db):
    reception = user("recepcion_b", Role.RECEPTION)
    authority = f.AuthorityFactory(name="Policía Estatal de Oaxaca", short_name="PEO")
    login(page, live_server, reception)
    page.goto(f"{live_server.url}/casos/nueva-solicitud/")
    expect(page.get_by_role("heading", name="Nueva solicitud de incorporación")).to_be_visible()

    page.select_option("#id_req-channel", "phone")
    page.fill("#id_req-facts", "Dos hombres armados la amenazaron de muerte esta mañana.")
    page.fill("#id_pet-given_names", "Rosa")
    page.fill("#id_pet-family_names", "Hernández Cruz")
    page.select_option("#id_pet-gender", "woman")
    page.select_option("#id_pet-profile_type", "journalist")
    page.fill("#id_pet-phone", "+52 951 123 4567")
    consequence = page.locator("#urgent-consequence")
    expect(consequence).to_be_hidden()
    page.check("#id_req-declares_imminent_danger_0")  # Sí
    expect(consequence).to_be_visible()
    expect(consequence).to_contain_text("3 horas")
    page.check("#id_req-consent_given_0")
    page.fill("#id_req-consent_evidence", "Consentimiento verbal grabado en la llamada.")
    shot(page, "steps_request_new_urgent_form")
    page.get_by_role("button", name="Registrar solicitud").click()

    page.wait_for_url(re.compile(r"/casos/\d+/$"))
    case = Case.objects.get()
    assert case.procedure == Procedure.EXTRAORDINARY
    expect(page.get_by_role("alert").filter(has_text=case.file_number)).to_be_visible()
    shot(page, "steps_request_registered_urgent")

    page.get_by_role("link", name="Emitir medidas urgentes").click()
    expect(page.get_by_role("heading", name="Emitir medidas urgentes")).to_be_visible()
    page.select_option("#id_m-0-measure_type", str(f.measure_type("escorts").pk))
    page.select_option("#id_m-0-covered", str(f.beneficiary_of(case).pk))
    page.select_option("#id_m-0-authority", str(authority.pk))
    page.fill("#id_m-0-details", "Escolta las 24 horas mientras dura la emergencia.")
    page.fill("#id_a-findings", "Se confirmó por vecinos la presencia de los agresores.")
    page.check("#id_a-imminent_danger_confirmed_0")
    shot(page, "steps_urgent_issue_form")
    page.get_by_role("button", name="Emitir medidas urgentes").click()

    page.wait_for_url(case_url(live_server, case))
    expect(page.get_by_role("alert").filter(has_text="medidas urgentes")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.URGENT_PROTECTION and case.urgent_issued_at
    measure = GrantedMeasure.objects.get(case=case)
    assert measure.measure_type.code == "escorts" and measure.authority == authority
    assert case.immediate_assessments.count() == 1
    shot(page, "steps_urgent_measures_issued")


def test_ordinary_request_through_admissibility_and_study(
    page, browser, live_server, login, transactional_db
):
    reception = user("recepcion_b", Role.RECEPTION)
    analyst = user("analista_b", Role.ANALYST)
    case = wf.register(reception)
    login(page, live_server, reception)
    page.goto(case_url(live_server, case))
    page.get_by_role("link", name="Decidir admisibilidad").click()
    reasons = page.locator("#reasons-block")
    page.check("#id_admitted_0")  # Sí: htmx swaps in the admission reasons only
    expect(reasons).not_to_contain_text("No se acredita la labor")
    expect(reasons).to_contain_text("El riesgo está vinculado con su labor")
    for label in (
        "La persona ejerce la defensa de derechos humanos o el periodismo",
        "El riesgo está vinculado con su labor",
    ):
        reasons.get_by_label(label).check()
    page.fill("#id_explanation", "Defensora comunitaria; las amenazas vienen de su labor.")
    shot(page, "steps_admissibility_form")
    page.get_by_role("button", name="Registrar decisión").click()
    # Admitted, the case goes to risk evaluation, out of reception's file scope (need-to-know):
    # back to "Mi trabajo" with a note saying so, never to a 404.
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("pasó a otra unidad")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.RISK_EVALUATION

    work = new_page(browser)
    login(work, live_server, analyst)
    work.goto(case_url(live_server, case))
    work.get_by_role("link", name="Asignar estudio de riesgo").click()
    expect(work.locator("#id_analyst")).to_have_value(str(analyst.pk))
    work.get_by_role("button", name="Abrir estudio").click()
    work.wait_for_url(case_url(live_server, case))
    study = RiskStudy.objects.get(case=case)

    work.goto(f"{live_server.url}/riesgo/estudios/{study.pk}/editar/")
    work.fill("#id_narrative_context", "Conflicto agrario con un grupo armado en la región.")
    work.fill("#id_differential_considerations", "Mujer zapoteca en zona rural.")
    work.fill("#id_person_own_view", "Teme por su vida y la de sus hijas.")
    work.fill("#id_routines", "Va sola a la parcela cada mañana.")
    for factor in f.factors():
        work.select_option(f"#id_score_{factor.pk}", "3")
        work.fill(f"#id_why_{factor.pk}", f"Hechos del caso sobre {factor.name.lower()}.")
    # htmx shows the explanation of the scores before anything is saved.
    expect(work.locator("#live-preview")).to_contain_text("Vista previa (sin guardar)")
    expect(work.locator("#live-preview")).to_contain_text(
        "Capacidad de la persona agresora: 3 de 4"
    )
    assert not RiskStudy.objects.get(pk=study.pk).factor_scores.exists()
    work.select_option("#id_pm-0-measure_type", str(f.measure_type("panic_button").pk))
    work.select_option("#id_pm-0-covered", str(f.beneficiary_of(case).pk))
    work.fill("#id_pm-0-context_notes", "Sin costo para ella; con señal en su comunidad.")
    work.fill("#id_proposed_duration_months", "12")
    work.select_option("#id_resulting_level", str(f.level("extraordinary").pk))
    work.get_by_role("button", name="Guardar estudio").click()

    work.wait_for_url(re.compile(r"/editar/#explicacion$"))
    explanation = work.locator("#explanation")
    expect(explanation).to_contain_text("Capacidad de la persona agresora: 3 de 4")
    expect(explanation).to_contain_text("el método sugiere el nivel")
    expect(work.locator("#problems")).to_have_count(0)
    shot(work, "steps_study_saved_with_explanation")
    work.get_by_role("button", name="Enviar para aprobación").click()
    work.wait_for_url(case_url(live_server, case))
    expect(work.get_by_role("alert").filter(has_text="Estudio enviado")).to_be_visible()
    study.refresh_from_db()
    assert study.status == StudyStatus.SUBMITTED
    shot(work, "steps_study_submitted")

    # The one-page summary for the beneficiary, as printed.
    work.goto(f"{live_server.url}/riesgo/estudios/{study.pk}/resumen/")
    summary = work.locator("article.summary")
    expect(summary).to_contain_text("Extraordinario")
    expect(summary).to_contain_text("Teme por su vida y la de sus hijas.")
    expect(summary).not_to_contain_text("puntos posibles")
    work.emulate_media(media="print")
    expect(work.get_by_role("navigation", name="Navegación principal")).to_be_hidden()
    expect(summary.get_by_role("heading", name="Su nivel de riesgo")).to_be_visible()
    shot(work, "steps_study_summary_print")
    work.context.close()


def test_implementation_event_appears_on_the_measure_page(
    page, live_server, login, transactional_db
):
    reception = user("recepcion_b", Role.RECEPTION)
    analyst, analyst2 = user("analista_b", Role.ANALYST), user("analista2_b", Role.ANALYST)
    coordinator = user("coordinacion_b", Role.COORDINATOR)
    follow_up = user("seguimiento_b", Role.FOLLOW_UP)
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, f.AuthorityFactory())
    measure = GrantedMeasure.objects.get(case=case)

    login(page, live_server, follow_up)
    page.goto(case_url(live_server, case))
    page.get_by_role("link", name="Botón de pánico").first.click()
    expect(page.get_by_role("heading", name="Botón de pánico", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Plazos")).to_contain_text("vence en")

    page.get_by_role("link", name="Registrar evento").click()
    page.select_option("#id_kind", "installation")
    page.check("#id_outcome_0")  # Funcionó / conforme
    page.fill("#id_notes", "Se instaló y probó el botón con la beneficiaria y su familia.")
    shot(page, "steps_event_add_form")
    page.get_by_role("button", name="Guardar").click()
    # An installation that works marks the measure implemented: the page says so and asks.
    expect(page.get_by_test_id("state-change")).to_contain_text("Otorgada → Implementada")
    expect(page.locator("#confirm-change")).to_be_focused()
    page.get_by_role("button", name="Confirmar y registrar").click()

    page.wait_for_url(f"{live_server.url}/medidas/{measure.pk}/")
    expect(page.locator("#events")).to_contain_text(
        "Se instaló y probó el botón con la beneficiaria y su familia."
    )
    expect(page.locator("#events")).to_contain_text("Instalación")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED
    assert ImplementationEvent.objects.get().kind == EventKind.INSTALLATION
    assert abs(ImplementationEvent.objects.get().occurred_at - timezone.now()).total_seconds() < 180
    shot(page, "steps_measure_page_with_event")


def test_stale_person_edit_is_refused(page, browser, live_server, login, transactional_db):
    reception = user("recepcion_b", Role.RECEPTION)
    coordinator = user("coordinacion_b", Role.COORDINATOR)
    case = wf.register(reception)
    person = f.beneficiary_of(case).person
    edit = f"{live_server.url}/casos/{case.pk}/personas/{person.pk}/editar/"
    original_phone = person.phone

    other = new_page(browser)
    login(other, live_server, coordinator)
    login(page, live_server, reception)
    other.goto(edit)  # both open the form at version 1
    page.goto(edit)

    other.fill("#id_phone", "+52 951 000 1111")
    other.get_by_role("button", name="Guardar cambios").click()
    other.wait_for_url(case_url(live_server, case))
    other.context.close()

    page.fill("#id_municipality", "Santo Domingo Tehuantepec")
    page.get_by_role("button", name="Guardar cambios").click()
    expect(page.locator("#form-errors")).to_contain_text("Otra persona modificó este registro")
    table = page.locator("#stale-changes")
    expect(table).to_contain_text("Teléfono")
    expect(table).to_contain_text(original_phone)
    expect(table).to_contain_text("+52 951 000 1111")
    expect(table).to_contain_text(coordinator.display_name)
    # Her own change is kept; the field she did not touch now shows the other person's value.
    expect(page.locator("#id_municipality")).to_have_value("Santo Domingo Tehuantepec")
    expect(page.locator("#id_phone")).to_have_value("+52 951 000 1111")
    shot(page, "steps_stale_edit_refused")
    person.refresh_from_db()
    assert person.phone == "+52 951 000 1111"
    assert person.municipality == "Juchitán de Zaragoza"
