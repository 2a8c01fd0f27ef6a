"""The contact and emergency log (issue 14 §3): recorded from the case page by the units that
take calls and follow cases, validated, corrected with history (never deleted), shown on the
case page and timeline, read-logged, and out of reach of other roles and other cases."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services_contacts as contacts
from cases.models import CaseStatus, ContactKind, ContactLogEntry
from protection.errors import DomainError, PermissionDenied, StaleEdit
from protection.models import Role
from protection.security.models import AuditEntry

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def local(dt):
    """A datetime as the form's datetime-local input sends it (the user's zone: the
    mechanism's, Mexico City, for these test users)."""
    return timezone.localtime(dt, ZoneInfo("America/Mexico_City")).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def case(reception):
    case = wf.register(reception, received_at=timezone.now() - timedelta(days=3))
    wf.admit(reception, case)
    case.refresh_from_db()
    return case


@pytest.fixture
def follow_up_unit(follow_up, case):
    """The UPSA officer named on the case (her scope includes it)."""
    case.follow_up_officer = follow_up
    case.save()
    return follow_up


def post_data(**overrides):
    data = {
        "c-kind": ContactKind.EMERGENCY_CALL,
        "c-received_at": local(timezone.now() - timedelta(minutes=50)),
        "c-contact_person": "La beneficiaria",
        "c-request": "Personas armadas rondan su domicilio; pide patrulla.",
        "c-authority": "",
        "c-help_arrived_at": local(timezone.now() - timedelta(minutes=20)),
        "c-repairs": "",
        "c-notes": "",
    }
    data.update(overrides)
    return data


def test_case_page_links_to_the_log_for_follow_up_and_reception(
    client, case, reception, follow_up_unit
):
    client.force_login(follow_up_unit)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="contactos"' in body
    assert reverse("cases:contacts", args=[case.pk]) in body
    assert "Registrar contacto o emergencia" in body
    # Reception takes emergency calls on any case, but the file of an admitted case is the
    # risk unit's (need-to-know): the case list's header row leads to the log, not the file.
    client.force_login(reception)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    listing = client.get(reverse("cases:list")).content.decode()
    assert reverse("cases:contacts", args=[case.pk]) in listing
    log = client.get(reverse("cases:contacts", args=[case.pk])).content.decode()
    assert "Registrar contacto o emergencia" in log and case.file_number in log
    assert f'href="{reverse("cases:detail", args=[case.pk])}' not in log


def test_record_an_emergency_call_with_its_response_time(
    client, case, reception, coordinator, authority
):
    client.force_login(reception)
    url = reverse("cases:contacts", args=[case.pk])
    received = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=50)
    response = client.post(
        url,
        post_data(
            **{
                "c-received_at": local(received),
                "c-help_arrived_at": local(received + timedelta(minutes=25)),
                "c-authority": authority.pk,
            }
        ),
    )
    assert response.status_code == 302
    entry = ContactLogEntry.objects.get(case=case)
    assert entry.recorded_by == reception  # automatic, not a form field
    assert entry.authority == authority
    assert entry.response_minutes == 25
    assert entry.response_due_at == received + timedelta(minutes=30)
    assert not entry.is_late()
    page = client.get(url).content.decode()
    assert "25 minutos" in page
    assert authority.name in page
    # on the case page and its timeline (for those who open the file)
    client.force_login(coordinator)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Bitácora: Llamada de emergencia" in detail
    assert "la ayuda llegó en 25 min" in detail


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"c-help_arrived_at": local(timezone.now() - timedelta(hours=2))},
            "La ayuda no puede llegar antes de que se recibiera el aviso.",
        ),
        (
            {"c-received_at": local(timezone.now() + timedelta(days=1)), "c-help_arrived_at": ""},
            "La fecha no puede estar en el futuro.",
        ),
        ({"c-kind": ContactKind.VISIT}, "Sólo se registra en llamadas de emergencia"),
        (
            {"c-kind": ContactKind.REPAIR, "c-help_arrived_at": ""},
            "Elija la falla reportada que se reparó.",
        ),
        ({"c-request": ""}, "Este campo es obligatorio."),
        (
            {"c-received_at": local(timezone.now() - timedelta(days=30)), "c-help_arrived_at": ""},
            "anterior a la apertura del expediente",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    client, case, reception, overrides, message
):
    client.force_login(reception)
    response = client.post(reverse("cases:contacts", args=[case.pk]), post_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactLogEntry.objects.exists()


def test_fault_and_its_repair_are_linked(case, follow_up_unit):
    now = timezone.now()
    fault = contacts.contact_record(
        actor=follow_up_unit,
        case=case,
        kind=ContactKind.FAULT,
        received_at=now - timedelta(hours=5),
        request="El botón de pánico no enciende.",
    )
    assert fault.response_due_at is None  # not an emergency: no response clock
    repair = contacts.contact_record(
        actor=follow_up_unit,
        case=case,
        kind=ContactKind.REPAIR,
        received_at=now - timedelta(hours=1),
        request="La empresa cambió la batería.",
        repairs=fault,
    )
    assert list(fault.repaired_by.all()) == [repair]
    with pytest.raises(DomainError, match="anterior a la falla"):
        contacts.contact_record(
            actor=follow_up_unit,
            case=case,
            kind=ContactKind.REPAIR,
            received_at=now - timedelta(hours=6),
            request="Antes de la falla",
            repairs=fault,
        )
    other_case = wf.register(follow_up_unit_reception := f.UserFactory(role=Role.RECEPTION))
    with pytest.raises(DomainError, match="falla reportada de este expediente"):
        contacts.contact_record(
            actor=follow_up_unit_reception,
            case=other_case,
            kind=ContactKind.REPAIR,
            received_at=now,
            request="Reparación de una falla de otro expediente",
            repairs=fault,
        )
    assert ContactLogEntry.objects.count() == 2


def test_correction_keeps_history_and_refuses_a_stale_copy(client, case, reception):
    received = timezone.now() - timedelta(minutes=40)
    entry = contacts.contact_record(
        actor=reception,
        case=case,
        kind=ContactKind.PANIC_BUTTON,
        received_at=received,
        request="Activación del botón.",
    )
    client.force_login(reception)
    url = reverse("cases:contact_edit", args=[case.pk, entry.pk])
    assert client.get(url).status_code == 200
    data = post_data(
        **{
            "c-kind": ContactKind.PANIC_BUTTON,
            "c-received_at": local(received),
            "c-request": "Activación del botón.",
            "c-help_arrived_at": local(received + timedelta(minutes=15)),
            "c-version": entry.version,
            "c-reason": "La patrulla confirmó su llegada por radio.",
        }
    )
    # no reason: refused, nothing changed
    refused = client.post(url, {**data, "c-reason": ""})
    assert refused.status_code == 200
    entry.refresh_from_db()
    assert entry.help_arrived_at is None
    assert client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.help_arrived_at is not None and entry.version == 2
    record = entry.history.latest("history_date")
    assert "La patrulla confirmó" in record.history_change_reason
    assert record.history_user == reception
    page = client.get(reverse("cases:contacts", args=[case.pk])).content.decode()
    assert "1 corrección" in page
    # the same stale copy again: refused, nothing overwritten
    stale = client.post(url, {**data, "c-notes": "otra nota"})
    assert stale.status_code == 200
    assert "Otra persona modificó este registro" in stale.content.decode()
    entry.refresh_from_db()
    assert entry.notes == "" and entry.version == 2
    with pytest.raises(StaleEdit):
        contacts.contact_correct(
            actor=reception, entry=entry, expected_version=1, reason="x", notes="y"
        )


def test_entries_are_never_deleted(case, reception):
    assert not hasattr(contacts, "contact_delete")
    from django.contrib import admin

    assert ContactLogEntry not in admin.site._registry or not admin.site._registry[
        ContactLogEntry
    ].has_delete_permission(None)


def test_wrong_roles_and_other_cases(client, case, reception, analyst, board_gov, coordinator):
    url = reverse("cases:contacts", args=[case.pk])
    client.logout()
    assert client.get(url).status_code == 302
    # Board members and consultants do not reach the log at all (policy: 403)
    client.force_login(board_gov)
    assert client.get(url).status_code == 403
    consultant = f.UserFactory(role=Role.CONSULTANT)
    client.force_login(consultant)
    assert client.get(url).status_code == 403
    # the risk unit reads the log of a case in evaluation, but records nothing
    client.force_login(analyst)
    assert client.get(url).status_code == 200
    assert client.post(url, post_data()).status_code == 403
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    # a follow-up officer of another unit's case: 404 for the page, the edit and the review
    stranger = f.UserFactory(role=Role.FOLLOW_UP, unit="")
    entry = contacts.contact_record(
        actor=coordinator,
        case=case,
        kind=ContactKind.CALL,
        received_at=timezone.now(),
        request="Llamada de seguimiento.",
    )
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.post(url, post_data()).status_code == 404
    assert client.get(reverse("cases:contact_edit", args=[case.pk, entry.pk])).status_code == 404
    # the review is the coordination's: others get 403
    client.force_login(reception)
    assert client.get(reverse("cases:contact_review", args=[case.pk, entry.pk])).status_code == 403
    # an entry of another case under this case's URL: 404
    other = wf.register(reception)
    client.force_login(coordinator)
    assert client.get(reverse("cases:contact_edit", args=[other.pk, entry.pk])).status_code == 404
    assert ContactLogEntry.objects.count() == 1


def test_analyst_in_scope_reads_but_may_not_record(client, case, analyst, reception):
    from risk import services as risk_services

    risk_services.risk_study_open(actor=analyst, case=case, analyst=analyst)
    client.force_login(analyst)
    url = reverse("cases:contacts", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="contact-form"' not in page.content.decode()
    assert client.post(url, post_data()).status_code == 403
    assert not ContactLogEntry.objects.exists()
    with pytest.raises(PermissionDenied):
        contacts.contact_record(
            actor=analyst,
            case=case,
            kind=ContactKind.CALL,
            received_at=timezone.now(),
            request="x",
        )


def test_reads_are_logged(client, case, reception):
    client.force_login(reception)
    client.get(reverse("cases:contacts", args=[case.pk]))
    entry = AuditEntry.objects.filter(case_id=case.pk, user=reception).latest("id")
    assert entry.path == reverse("cases:contacts", args=[case.pk])


def test_closed_case_takes_no_entries(client, case, reception, coordinator):
    from cases import services as case_services

    case_services.case_voluntary_exit(
        actor=coordinator, case=case, written_statement="Deja el Mecanismo por escrito."
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    with pytest.raises(DomainError, match="concluido"):
        contacts.contact_record(
            actor=coordinator,
            case=case,
            kind=ContactKind.CALL,
            received_at=timezone.now(),
            request="Llamada.",
        )
    client.force_login(coordinator)
    page = client.get(reverse("cases:contacts", args=[case.pk])).content.decode()
    assert 'id="contact-form"' not in page


def _add_fault_and_repair(actor, case, i):
    now = timezone.now()
    fault = contacts.contact_record(
        actor=actor,
        case=case,
        kind=ContactKind.FAULT,
        received_at=now - timedelta(hours=10, minutes=i),
        request=f"Falla {i}",
    )
    repair = contacts.contact_record(
        actor=actor,
        case=case,
        kind=ContactKind.REPAIR,
        received_at=now - timedelta(hours=5, minutes=i),
        request=f"Reparación {i}",
        repairs=fault,
        authority=f.AuthorityFactory(),
    )
    contacts.contact_correct(
        actor=actor,
        entry=repair,
        expected_version=repair.version,
        reason="Nota agregada",
        notes=f"nota {i}",
    )


def test_log_page_queries_do_not_grow(client, case, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    url = reverse("cases:contacts", args=[case.pk])
    _add_fault_and_repair(coordinator, case, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(1, 6):
        _add_fault_and_repair(coordinator, case, i)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
