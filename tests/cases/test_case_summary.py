"""The printable case summary (PDF): what is open, every clock, every measure and its state,
the last contacts; need-to-know as on the case page; each generation in the read log."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services_contacts
from measures.board import services as bs
from protection.models import Role
from protection.security.models import AuditEntry

from .. import factories as f
from .. import workflows as wf
from ..measures.board_fixtures import (
    SECRET_ADDRESS,
    SECRET_PHONE,
    awaiting_board_case,
    board,
    board_user,
    item_for,
)

pytestmark = pytest.mark.django_db


def pdf_text(content):
    reader = PdfReader(BytesIO(content))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def granted_case(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception, urgent=True)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    case.refresh_from_db()
    return case


def test_coordinator_prints_the_summary_with_clocks_measures_and_contacts(
    client, coordinator, granted_case
):
    case = granted_case
    services_contacts.contact_record(
        actor=coordinator,
        case=case,
        kind="panic_button",
        received_at=timezone.now() - timedelta(minutes=5),
        request="Activó el botón de pánico por vehículo sospechoso",
    )
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    url = reverse("cases:summary_pdf", args=[case.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert f"Resumen del expediente {case.file_number}" in text
    assert "Botón de pánico" in text  # the measure, with its state
    assert "Otorgada" in text or "Comunicada" in text
    assert "Implementación de medidas" in text  # the measure's running clock
    assert "Emisión de medidas urgentes" in text  # the case's own clock
    assert "Medidas sin implementar: 1" in text
    assert "Activó el botón de pánico" in text  # last contacts
    assert SECRET_PHONE not in text
    # Every generation is a logged read of the case.
    entry = AuditEntry.objects.filter(case_id=case.pk, path=url).latest("pk")
    assert entry.user == coordinator and entry.action == "download"
    readers = client.get(reverse("security:case_readers", args=[case.pk])).content.decode()
    assert url in readers or "resumen" in readers.lower()


def test_board_member_prints_cases_on_an_agenda_sent_to_her_only(
    client, reception, analyst, analyst2, coordinator
):
    member = board_user("consejera_pdf", Role.BOARD_CIVIL)
    case = awaiting_board_case(reception, analyst, analyst2)
    other = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator, users={5: member})
    item_for(coordinator, session, case)
    client.force_login(member)
    url = reverse("cases:summary_pdf", args=[case.pk])
    assert client.get(url).status_code == 404  # papers not sent yet
    bs.session_papers_generate(actor=coordinator, session=session)
    bs.session_papers_send(actor=coordinator, session=session)
    response = client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert case.file_number in text
    assert SECRET_PHONE not in text and SECRET_ADDRESS not in text
    assert "Últimos contactos" not in text  # the contact log is not hers to see
    assert client.get(reverse("cases:summary_pdf", args=[other.pk])).status_code == 404
    assert AuditEntry.objects.filter(case_id=other.pk, user=member, status_code=404).exists()


def test_out_of_scope_and_anonymous(client, reception, granted_case):
    outsider = f.UserFactory(username="consultora_pdf", role=Role.CONSULTANT)
    url = reverse("cases:summary_pdf", args=[granted_case.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404
