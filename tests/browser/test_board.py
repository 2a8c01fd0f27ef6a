"""The Board in a real Chromium: a civil-society member reads a redacted dossier and leaves an
observation; the coordination records a decision during the session, confirms it and generates
its letters in the background (a real Celery worker on Redis), watching the progress bar."""

import re
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection
from playwright.sync_api import expect

from measures.board import services as bs
from measures.models import (
    Decision,
    DecisionStatus,
    Letter,
    LetterStatus,
    Observation,
)
from protection.celery import app as celery_app
from protection.models import Role
from protection.pdf import file_sha256

from .. import factories as f
from ..measures.board_fixtures import (
    SECRET_ADDRESS,
    SECRET_EMAIL,
    SECRET_PHONE,
    awaiting_board_case,
    board,
    item_for,
    mark_present,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _close_worker_connection(**_kwargs):
    # The worker runs in a thread of this process: close its connection after each task so the
    # test database can be flushed and dropped (Django keeps connections per thread).
    connection.close()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"board-{name}.png"), full_page=True)


@pytest.fixture
def staff(transactional_db):
    return {
        "reception": f.UserFactory(username="recepcion_jb", role=Role.RECEPTION),
        "analyst": f.UserFactory(username="analista_jb", role=Role.ANALYST),
        "approver": f.UserFactory(username="analista2_jb", role=Role.ANALYST),
        "coordinator": f.UserFactory(
            username="coordinacion_jb",
            role=Role.COORDINATOR,
            first_name="Lucía",
            last_name="Ramírez",
        ),
    }


def test_board_member_reads_a_redacted_dossier(page, live_server, login, staff):
    civil = f.UserFactory(
        username="consejera_jb", role=Role.BOARD_CIVIL, first_name="Elena", last_name="Cruz"
    )
    case = awaiting_board_case(staff["reception"], staff["analyst"], staff["approver"])
    coordinator = staff["coordinator"]
    session, _members = board(coordinator, users={5: civil})
    item_for(coordinator, session, case)
    bs.session_papers_generate(actor=coordinator, session=session)
    bs.session_papers_send(actor=coordinator, session=session)

    login(page, live_server, civil)
    # (The home page's menu belongs to base.html; the Board pages add their own links.)
    page.goto(f"{live_server.url}/medidas/junta/portal/")
    expect(page.get_by_role("heading", name="Portal de la Junta de Gobierno")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"1ª Ordinaria")).click()
    # One route to a case: the file number opens the case page, which leads to the session's
    # papers and observations.
    page.get_by_role("link", name=case.file_number, exact=True).click()
    expect(page.get_by_role("heading", name=f"Expediente {case.file_number}")).to_be_visible()
    page.get_by_role("link", name="carpeta de la sesión y observaciones").click()

    dossier = page.locator("article.dossier")
    expect(dossier).to_contain_text("Explicación factor por factor")
    expect(dossier).to_contain_text("Capacidad de la persona agresora: 3 de")
    expect(dossier).to_contain_text("Mujer indígena zapoteca")
    expect(dossier.locator(".redactable").first).to_have_text("[dato reservado]")
    content = page.content()
    for secret in (SECRET_PHONE, SECRET_EMAIL, SECRET_ADDRESS):
        assert secret not in content
    shot(page, "dossier")

    page.get_by_role("textbox", name="Observación").fill(
        "El estudio no considera la temporada de lluvias."
    )
    page.get_by_role("button", name="Registrar observación").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    expect(page.locator("#observaciones")).to_contain_text("temporada de lluvias")
    assert Observation.objects.filter(author=civil).count() == 1


def test_coordinator_records_a_decision_and_generates_its_letters(page, live_server, login, staff):
    coordinator = staff["coordinator"]
    case = awaiting_board_case(staff["reception"], staff["analyst"], staff["approver"])
    authority = f.AuthorityFactory(
        name="Secretaría de Seguridad Pública de Oaxaca", short_name="SSPO"
    )
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, case)
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)

    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}/medidas/junta/sesiones/")
    page.get_by_role("link", name="1ª Ordinaria").click()
    expect(page.get_by_test_id("quorum")).to_contain_text("Hay quórum: 5 integrantes")
    page.get_by_role("button", name="Abrir la sesión").click()
    expect(page.get_by_text("Sesión abierta.")).to_be_visible()

    page.get_by_role("link", name=case.file_number).click()
    page.get_by_role("link", name="Registrar el acuerdo").click()
    page.get_by_label("Texto del acuerdo").fill(
        "Se incorpora al Mecanismo y se otorga un botón de pánico."
    )
    page.get_by_role("button", name="Registrar").click()
    expect(page.get_by_test_id("decision-status")).to_have_text("En registro")
    expect(page.get_by_test_id("problems")).to_contain_text("no contiene medidas")

    page.get_by_label("Medida", exact=True).select_option(label="Botón de pánico")
    page.get_by_label("Persona cubierta").select_option(index=1)
    page.get_by_label("Autoridad implementadora").select_option(
        label="Secretaría de Seguridad Pública de Oaxaca (SSPO)"
    )
    page.get_by_label("Duración (meses)").fill("12")
    page.get_by_role("button", name="Agregar la medida").click()
    expect(page.locator("#medidas")).to_contain_text("Botón de pánico")
    shot(page, "decision-draft")
    page.get_by_role("button", name="Confirmar el acuerdo").click()
    expect(page.get_by_test_id("decision-status")).to_have_text("Confirmado")
    expect(page.get_by_test_id("notification-clock")).to_contain_text("vence en")
    decision = Decision.objects.get(case=case)
    assert decision.status == DecisionStatus.CONFIRMED

    celery_app.control.purge()  # this test's own Redis database: drop earlier runs' messages
    task_postrun.connect(_close_worker_connection, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            page.get_by_role("link", name=re.compile(r"1ª Ordinaria")).click()
            page.get_by_role("button", name="Generar todos los oficios de esta sesión").click()
            expect(page.get_by_role("progressbar")).to_be_visible()
            expect(page.get_by_test_id("batch-finished")).to_be_visible(timeout=60_000)
            expect(page.get_by_test_id("letter-status")).to_have_text(["Generado", "Generado"])
            shot(page, "letters-generated")
    finally:
        task_postrun.disconnect(_close_worker_connection)

    letters = list(Letter.objects.filter(decision=decision))
    assert len(letters) == 2
    assert {ln.recipient_authority for ln in letters} == {None, authority}
    for letter in letters:
        assert letter.status == LetterStatus.GENERATED
        assert file_sha256(letter.file) == letter.content_sha256

    # Anyone can check a letter on the public page (no login).
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verificar/{letters[0].verification_code}/")
    expect(page.get_by_test_id("verify-result")).to_have_text("Oficio auténtico y vigente.")
    expect(page.get_by_test_id("sha")).to_have_text(letters[0].content_sha256)
