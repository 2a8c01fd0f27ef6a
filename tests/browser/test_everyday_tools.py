"""Everyday tools in a real Chromium (with the production CSP): intake with relatives added in
the request form itself (rows beyond the first two behind "Agregar más personas", no script), and
a handover from the case list's selection."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, CasePerson, CaseRole, Handover
from protection.deadlines.models import Notification, NotificationKind
from protection.models import Role

from .. import factories as f
from .. import workflows as wf
from .conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_intake_with_relatives(page, live_server, login, transactional_db):
    reception = f.UserFactory(username="recepcion_rel", role=Role.RECEPTION)
    login(page, live_server, reception)
    page.goto(f"{live_server.url}/casos/nueva-solicitud/")
    page.select_option("#id_req-channel", "phone")
    page.fill("#id_req-facts", "Amenazas por su labor de defensa del territorio.")
    page.fill("#id_pet-given_names", "Rosa")
    page.fill("#id_pet-family_names", "Hernández Cruz")
    page.select_option("#id_pet-gender", "woman")
    page.check("#id_req-declares_imminent_danger_1")  # No
    page.check("#id_req-consent_given_0")
    page.fill("#id_req-consent_evidence", "Consentimiento verbal grabado en la llamada.")
    # The first two rows are visible; the third opens with "Agregar más personas".
    page.fill("#id_cov-0-given_names", "Tomás")
    page.fill("#id_cov-0-family_names", "Hernández Ruiz")
    page.select_option("#id_cov-0-gender", "man")
    page.fill("#id_cov-0-relationship", "hijo")
    expect(page.locator("#id_cov-2-given_names")).to_be_hidden()
    page.get_by_text("Agregar más personas").click()
    page.fill("#id_cov-2-given_names", "Lucía")
    page.fill("#id_cov-2-family_names", "Méndez")
    page.select_option("#id_cov-2-gender", "woman")
    page.select_option("#id_cov-2-role", "colleague")
    shot(page, "intake_with_relatives_form")
    page.get_by_role("button", name="Registrar solicitud").click()
    page.wait_for_url(re.compile(r"/casos/\d+/$"))
    case = Case.objects.get()
    covered = {
        (cp.person.given_names, cp.role)
        for cp in CasePerson.objects.filter(case=case).select_related("person")
    }
    assert ("Tomás", CaseRole.RELATIVE) in covered and ("Lucía", CaseRole.COLLEAGUE) in covered
    expect(page.get_by_text("Tomás Hernández Ruiz").first).to_be_visible()
    shot(page, "intake_with_relatives_case")


def test_handover_from_the_case_list(page, live_server, login, transactional_db):
    coordinator = f.UserFactory(username="coordinacion_ho", role=Role.COORDINATOR)
    leaving = f.UserFactory(username="recepcion_sale", role=Role.RECEPTION, first_name="Ana")
    staying = f.UserFactory(username="recepcion_queda", role=Role.RECEPTION, first_name="Berta")
    first, second = wf.register(leaving), wf.register(leaving, urgent=True)
    login(page, live_server, coordinator)
    page.goto(f"{live_server.url}/casos/")
    page.check(f"#select-{first.pk}")
    page.check(f"#select-{second.pk}")
    page.get_by_role("button", name="Traspasar los seleccionados").click()
    expect(page.get_by_role("heading", name="Traspasar expedientes")).to_be_visible()
    expect(page.locator("#id_from_officer")).to_have_value(str(leaving.pk))
    page.select_option("#id_to_officer", str(staying.pk))
    page.fill("#id_reason", "Licencia por maternidad")
    shot(page, "handover_form")
    page.get_by_role("button", name="Traspasar", exact=True).click()
    page.wait_for_url(re.compile(r"/casos/traspaso/\d+/$"))
    expect(page.get_by_role("alert").filter(has_text="2 expedientes traspasados")).to_be_visible()
    shot(page, "handover_done")
    assert set(Case.objects.values_list("assigned_officer", flat=True)) == {staying.pk}
    assert Handover.objects.get().reason == "Licencia por maternidad"
    assert Notification.objects.filter(recipient=staying, kind=NotificationKind.HANDOVER).exists()
