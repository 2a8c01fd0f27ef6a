"""The Board members' portal: their sessions, agendas and redacted dossiers; observations."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services as case_services
from cases.models import Consent
from measures import services as ms
from measures.board import services as bs
from measures.models import BoardMember, Decision, EventKind, EventOutcome, Observation, Seat
from protection.errors import DomainError
from protection.models import Role
from protection.redaction import REDACTED, SENSITIVE_FIELDS, redact_for
from protection.security.models import AuditEntry

from .. import factories as f
from .board_fixtures import (
    SECRET_ADDRESS,
    SECRET_EMAIL,
    SECRET_PHONE,
    SECRET_SAFE_HOUSE,
    awaiting_board_case,
    board,
    board_user,
    confirmed_decision,
    grant_lines,
    item_for,
    mark_present,
    record,
)

pytestmark = pytest.mark.django_db

SECRETS = (SECRET_PHONE, SECRET_EMAIL, SECRET_ADDRESS, SECRET_SAFE_HOUSE, "Llamar sólo por Signal")


def assert_no_secrets(text):
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.fixture
def civil_member(db):
    return board_user("consejera_t", Role.BOARD_CIVIL)


@pytest.fixture
def gov_member(db):
    return board_user("fgr_t", Role.BOARD_GOVERNMENT)


def session_with_papers(coordinator, case, users, *, scheduled_at=None):
    session, members = board(coordinator, users=users, scheduled_at=scheduled_at)
    item = item_for(coordinator, session, case)
    bs.session_papers_generate(actor=coordinator, session=session)
    bs.session_papers_send(actor=coordinator, session=session)
    session.refresh_from_db()
    return session, members, item


@pytest.fixture
def decided_before(reception, analyst, analyst2, coordinator, follow_up):
    """A case decided earlier (with a safe house), now back before the Board; one measure was
    implemented late, one never."""
    authority = f.AuthorityFactory()
    decision = confirmed_decision(
        coordinator, reception, analyst, analyst2, [authority], lines=None
    )
    case = decision.case
    measure = decision.granted_measures.get()
    # A second decision adds a safe house whose location must never reach the Board.
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = bs.agenda_item_add(actor=coordinator, session=session, case=case, kind="reevaluation")
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    second = bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution="extend",
        legal_basis="Art. 33",
        text="Se amplían medidas.",
        confirmed_risk_level=f.level("extraordinary"),
        votes_for=5,
        lines=[
            {
                "action": "grant",
                "measure_type": f.measure_type("safe_house"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
                "duration_months": 3,
                "details": SECRET_SAFE_HOUSE,
            }
        ],
    )
    bs.decision_confirm(actor=coordinator, decision=second)
    # First measure implemented after its due date: "late".
    type(measure).objects.filter(pk=measure.pk).update(
        granted_at=timezone.now() - timedelta(days=60),
        implementation_due_at=timezone.now() - timedelta(days=30),
    )
    ms.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now() - timedelta(days=1),
        outcome=EventOutcome.OK,
        notes="Entregado tarde.",
    )
    safe_house = second.granted_measures.get()
    type(safe_house).objects.filter(pk=safe_house.pk).update(
        implementation_due_at=timezone.now() - timedelta(days=2)
    )
    case_services.aggression_record(
        actor=coordinator,
        case=case,
        occurred_on=timezone.localdate(),
        state=case.parties.first().person.state,
        types=[f.aggression_type("threat")],
        presumed_aggressor="organised_crime",
        description="Amenaza por mensaje de texto.",
        place=SECRET_ADDRESS,
    )
    case_services.external_protection_record(
        actor=coordinator,
        case=case,
        body="iachr",
        granted_on=timezone.localdate(),
        reference="MC-555-25",
        risk_level_found=f.level("extraordinary"),
    )
    return case


# ---------------------------------------------------------------------------------------------
# Redaction helper


def test_redaction_helper_declares_its_fields(coordinator, civil_member):
    assert {
        "Person.phone",
        "Person.email",
        "Person.home_address",
        "Person.safe_contact_notes",
        "Collective.phone",
        "Collective.email",
        "Collective.address",
        "SafeHouse.details",
    } <= SENSITIVE_FIELDS
    assert redact_for(coordinator, "Person.phone", SECRET_PHONE) == SECRET_PHONE
    assert redact_for(civil_member, "Person.phone", SECRET_PHONE) == REDACTED
    assert redact_for(None, "Collective.address", "Calle 1") == REDACTED
    with pytest.raises(KeyError):
        redact_for(coordinator, "Person.given_names", "Ana")


# ---------------------------------------------------------------------------------------------
# Scope


def test_member_reads_dossier_only_for_cases_on_their_agendas(
    client, reception, analyst, analyst2, coordinator, civil_member, gov_member
):
    on_agenda = awaiting_board_case(reception, analyst, analyst2)
    elsewhere = awaiting_board_case(reception, analyst, analyst2)
    _session, _members, item = session_with_papers(coordinator, on_agenda, {5: civil_member})
    # A later session after the member's term ended: they are not called to it.
    BoardMember.objects.filter(user=civil_member).update(active=False)
    other_session, _m, other_item = session_with_papers(coordinator, elsewhere, {0: gov_member})
    client.force_login(civil_member)
    assert client.get(reverse("measures:board_portal_item", args=[item.pk])).status_code == 200
    assert (
        client.get(reverse("measures:board_portal_item", args=[other_item.pk])).status_code == 404
    )
    assert (
        client.get(reverse("measures:board_portal_session", args=[other_session.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("measures:board_papers_download", args=[other_session.pk])).status_code
        == 404
    )
    assert client.get(reverse("measures:board_portal_item", args=[999999])).status_code == 404


def test_member_reads_a_decided_case_until_the_access_window_closes(
    client, reception, analyst, analyst2, coordinator, civil_member, settings
):
    """The dossier reads the case through the Board's scope (its own prepared read of
    cases.selectors.board_case_ids): after the decision, until the configured number of days,
    read from the settings on each request; each read, allowed or not, in the read log."""
    case = awaiting_board_case(reception, analyst, analyst2)
    session, members, item = session_with_papers(coordinator, case, {5: civil_member})
    mark_present(coordinator, session, members)
    decision = record(coordinator, case, item, grant_lines(case, f.AuthorityFactory()))
    bs.decision_confirm(actor=coordinator, decision=decision)
    url = reverse("measures:board_portal_item", args=[item.pk])
    client.force_login(civil_member)
    assert client.get(url).status_code == 200
    days = settings.BOARD_ACCESS_DAYS_AFTER_DECISION
    Decision.objects.filter(pk=decision.pk).update(
        confirmed_at=timezone.now() - timedelta(days=days, hours=1)
    )
    assert client.get(url).status_code == 404
    settings.BOARD_ACCESS_DAYS_AFTER_DECISION = days + 1
    assert client.get(url).status_code == 200
    logged = AuditEntry.objects.filter(user=civil_member, path=url).order_by("pk")
    assert list(logged.values_list("case_id", "status_code")) == [
        (case.pk, 200),
        (case.pk, 404),
        (case.pk, 200),
    ]


def test_no_dossier_before_papers_are_sent(
    client, reception, analyst, analyst2, coordinator, civil_member
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator, users={5: civil_member})
    item = item_for(coordinator, session, case)
    client.force_login(civil_member)
    html = client.get(reverse("measures:board_portal_session", args=[session.pk])).content.decode()
    assert "aún no se ha enviado" in html and case.file_number not in html
    assert client.get(reverse("measures:board_portal_item", args=[item.pk])).status_code == 404
    assert (
        client.get(reverse("measures:board_papers_download", args=[session.pk])).status_code == 404
    )


def test_invitee_reads_a_case_only_with_the_beneficiary_consent(
    client, reception, analyst, analyst2, coordinator
):
    invitee_user = board_user("onu_t", Role.BOARD_GOVERNMENT)
    BoardMember.objects.create(
        name="OACNUDH", seat=Seat.INVITEE, institution="ONU-DH", user=invitee_user
    )
    case = awaiting_board_case(reception, analyst, analyst2)
    _session, _members, item = session_with_papers(coordinator, case, {})
    client.force_login(invitee_user)
    url = reverse("measures:board_portal_item", args=[item.pk])
    assert client.get(url).status_code == 404
    Consent.objects.create(
        case=case,
        purpose="board_invitee",
        given_at=timezone.now(),
        evidence="Escrito firmado.",
        recorded_by=coordinator,
    )
    assert client.get(url).status_code == 200


def test_portal_refuses_staff_and_anonymous(client, coordinator, analyst):
    url = reverse("measures:board_portal")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (coordinator, analyst):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_board_member_cannot_use_coordination_pages(
    client, reception, analyst, analyst2, coordinator, civil_member
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members, item = session_with_papers(coordinator, case, {5: civil_member})
    client.force_login(civil_member)
    assert client.get(reverse("measures:board_item", args=[item.pk])).status_code == 403
    assert client.get(reverse("measures:board_session", args=[session.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------
# Dossier content and redaction


def test_dossier_explains_the_study_and_implementation_and_redacts_contacts(
    client, coordinator, civil_member, decided_before
):
    case = decided_before
    session, members, item = session_with_papers(coordinator, case, {5: civil_member})
    client.force_login(civil_member)
    html = client.get(reverse("measures:board_portal_item", args=[item.pk])).content.decode()
    assert case.file_number in html
    # factor-by-factor explanation and its summary
    assert "Explicación factor por factor" in html
    assert "Capacidad de la persona agresora: 3 de" in html
    assert "Con este puntaje el método sugiere" in html
    # earlier decisions and how their measures were implemented
    assert "implementada con retraso" in html and "nunca implementada" in html
    # aggressions since the request and other bodies' protection, with the contradiction shown
    assert "Amenaza por mensaje de texto" in html
    assert "MC-555-25" in html
    assert_no_secrets(html)
    assert str(REDACTED) in html


def test_coordinator_sees_contact_details_in_the_same_dossier(
    client, coordinator, civil_member, decided_before
):
    _session, _members, item = session_with_papers(coordinator, decided_before, {5: civil_member})
    client.force_login(coordinator)
    html = client.get(reverse("measures:board_item", args=[item.pk])).content.decode()
    assert SECRET_PHONE in html and SECRET_SAFE_HOUSE in html


def test_papers_pdf_is_redacted_and_holds_every_item(
    client, reception, analyst, analyst2, coordinator, civil_member, decided_before
):
    other = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(coordinator, users={5: civil_member})
    item_for(coordinator, session, decided_before)
    item_for(coordinator, session, other)
    bs.session_papers_generate(actor=coordinator, session=session)
    bs.session_papers_send(actor=coordinator, session=session)
    client.force_login(civil_member)
    response = client.get(reverse("measures:board_papers_download", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())
    assert decided_before.file_number in text and other.file_number in text
    assert "Explicación factor por factor" in text
    assert_no_secrets(text)
    # the packet's read is on the "who has seen this" page of every case it carries
    from protection.security.models import AuditAction, AuditEntry

    read = AuditEntry.objects.filter(user=civil_member, action=AuditAction.DOWNLOAD)
    assert set(read.values_list("case_id", flat=True)) == {decided_before.pk, other.pk}


# ---------------------------------------------------------------------------------------------
# Observations


def test_civil_member_records_an_observation_before_the_session(
    client, reception, analyst, analyst2, coordinator, civil_member, gov_member
):
    case = awaiting_board_case(reception, analyst, analyst2)
    _session, _members, item = session_with_papers(
        coordinator, case, {5: civil_member, 0: gov_member}
    )
    url = reverse("measures:board_portal_item", args=[item.pk])
    client.force_login(civil_member)
    response = client.post(url, {"text": "Falta considerar el contexto de la comunidad."})
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert observation.member.user == civil_member and observation.agenda_item == item
    html = client.get(url).content.decode()
    assert "Falta considerar el contexto" in html
    # Government members read observations but do not record them.
    client.force_login(gov_member)
    html = client.get(url).content.decode()
    assert "Falta considerar el contexto" in html and "Registrar una observación" not in html
    assert client.post(url, {"text": "Otra"}).status_code == 403
    with pytest.raises(DomainError):
        bs.observation_record(actor=gov_member, item=item, text="Otra")


def test_no_observations_once_the_session_started(
    reception, analyst, analyst2, coordinator, civil_member
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members, item = session_with_papers(coordinator, case, {5: civil_member})
    bs.session_open(actor=coordinator, session=session)
    with pytest.raises(DomainError, match="antes de que inicie"):
        bs.observation_record(actor=civil_member, item=item, text="Tarde.")


def test_portal_lists_upcoming_and_past_sessions(
    client, reception, analyst, analyst2, coordinator, civil_member, django_assert_max_num_queries
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members, _item = session_with_papers(coordinator, case, {5: civil_member})
    client.force_login(civil_member)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("measures:board_portal")).content.decode()
    assert f"{session.number}ª Ordinaria" in html and "carpeta disponible" in html
