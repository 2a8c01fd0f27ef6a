"""Access, privacy and audit: two-factor login, lockout, sessions, break-glass, consent for
third parties, the read log and encryption at rest (issue: access, privacy and audit)."""

import base64
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import services as case_services
from cases.models import ConsentPurpose, Person
from protection.models import Role
from protection.security import crypto
from protection.security.models import AppendOnlyError, AuditAction, AuditEntry, AuditOutcome
from protection.security.signals import SESSION_STARTED_KEY

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db
PASSWORD = "Contrasena-Segura-2026"


def code_for(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def login(client, user, agent="Mozilla/5.0 Test"):
    return client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, HTTP_USER_AGENT=agent
    )


@override_settings(OTP_REQUIRED=True)
def test_two_factor_is_required_enrolled_and_verified(client, coordinator):
    login(client, coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("security:otp") in response["Location"]
    setup = client.get(reverse("security:otp"))
    assert setup.status_code == 200 and "otpauth" not in setup.content.decode()  # QR is an image
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert base64.b32encode(device.bin_key).decode() in setup.content.decode()
    bad = client.post(reverse("security:otp"), {"token": "000000"})
    assert bad.status_code == 200 and not TOTPDevice.objects.filter(confirmed=True).exists()
    done = client.post(reverse("security:otp"), {"token": code_for(device)})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("home")).status_code == 200

    # next session: password alone is not enough; a recovery code works exactly once
    client.logout()
    login(client, coordinator)
    assert client.get(reverse("home")).status_code == 302
    assert client.post(reverse("security:otp"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    login(client, coordinator)
    reused = client.post(reverse("security:otp"), {"token": codes[0]})
    assert reused.status_code == 200 and reused.context["form"].errors


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures(client, coordinator):
    for _ in range(3):
        client.post(reverse("login"), {"username": coordinator.username, "password": "wrong"})
    locked = login(client, coordinator)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 3


def test_idle_timeout_is_30_minutes_and_renewed_on_each_request(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_absolute_session_lifetime(client, coordinator):
    login(client, coordinator)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = (timezone.now() - timedelta(hours=13)).isoformat()
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_deactivating_a_user_ends_their_sessions_at_once(client, coordinator):
    login(client, coordinator)
    assert client.get(reverse("home")).status_code == 200
    coordinator.is_active = False
    coordinator.save()
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(coordinator.pk)
    ]
    assert client.get(reverse("home")).status_code == 302


def test_new_device_login_sends_an_email(client, coordinator):
    with transaction.atomic():
        login(client, coordinator, agent="Firefox/1")
    client.logout()
    assert mail.outbox == []  # the first device is not "new"
    with django_capture_on_commit():
        login(client, coordinator, agent="Chrome/2")
    assert len(mail.outbox) == 1 and coordinator.email in mail.outbox[0].to
    client.logout()
    login(client, coordinator, agent="Chrome/2")
    assert len(mail.outbox) == 1  # known now


class django_capture_on_commit:  # noqa: N801 - reads like the fixture it stands in for
    """Run on_commit callbacks registered inside the block (tests run in one transaction)."""

    def __enter__(self):
        self.ctx = pytest.importorskip("django.test").TestCase.captureOnCommitCallbacks(
            execute=True
        )
        return self.ctx.__enter__()

    def __exit__(self, *exc):
        return self.ctx.__exit__(*exc)


def test_reads_of_a_case_are_logged_with_outcome(client, reception, coordinator):
    case = wf.register(reception)
    client.force_login(coordinator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    entry = AuditEntry.objects.filter(case_id=case.pk).latest("id")
    assert entry.user == coordinator and entry.action == AuditAction.VIEW
    assert entry.outcome == AuditOutcome.OK and entry.ip_address == "127.0.0.1"

    outsider = f.UserFactory(username="consultor_t", role=Role.CONSULTANT)
    client.force_login(outsider)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    refused = AuditEntry.objects.filter(case_id=case.pk, user=outsider).get()
    assert refused.outcome == AuditOutcome.NOT_FOUND

    client.force_login(coordinator)
    client.get(reverse("cases:list"), {"q": "perez"})
    search = AuditEntry.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert search.query == "q=***" and search.search_sealed == "perez"  # sealed at rest


def test_audit_log_cannot_be_changed_through_the_application(coordinator):
    entry = AuditEntry.objects.create(
        user=coordinator, action=AuditAction.VIEW, outcome=AuditOutcome.OK
    )
    entry.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    if connection.vendor == "postgresql":  # the database refuses too
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE security_auditentry SET reason = 'x'")


def test_coordinator_sees_who_read_a_case_and_the_log(client, reception, coordinator):
    case = wf.register(reception)
    client.force_login(coordinator)
    client.get(reverse("cases:detail", args=[case.pk]))
    page = client.get(reverse("security:case_readers", args=[case.pk]))
    assert page.status_code == 200 and coordinator.username in page.content.decode()
    log = client.get(reverse("security:audit_log"), {"file_number": case.file_number})
    assert log.status_code == 200 and coordinator.username in log.content.decode()
    client.force_login(reception)
    assert client.get(reverse("security:audit_log")).status_code == 403
    assert client.get(reverse("security:case_readers", args=[case.pk])).status_code == 403


def test_break_glass_requires_a_reason_is_logged_and_alerts_coordinators(
    client, reception, coordinator
):
    case = wf.register(reception)
    admin = f.UserFactory(username="admin_t", role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    short = client.post(reverse("security:break_glass"), {"reason": "porque sí"})
    assert short.status_code == 200 and short.context["form"].errors
    with django_capture_on_commit():
        opened = client.post(
            reverse("security:break_glass"),
            {
                "file_numbers": case.file_number,
                "reason": "Orden judicial 123/2026 solicita copia del expediente.",
            },
        )
    assert opened.status_code == 302
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.BREAK_GLASS, user=admin).exists()
    assert any(coordinator.email in m.to for m in mail.outbox)
    client.force_login(reception)
    assert client.get(reverse("security:break_glass")).status_code == 403


def test_contractor_sees_a_case_only_while_a_consent_names_them(client, reception, coordinator):
    case = wf.register(reception)
    contractor = f.UserFactory(username="contratista_t", role=Role.CONSULTANT)
    client.force_login(contractor)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 404
    consent = case_services.consent_record(
        actor=coordinator,
        case=case,
        purpose=ConsentPurpose.THIRD_PARTY,
        third_party_user=contractor,
        evidence="Escrito firmado por la beneficiaria.",
    )
    assert client.get(url).status_code == 200
    case_services.consent_withdraw(
        actor=coordinator, consent=consent, evidence="Revocado por llamada del 2 de mayo."
    )
    assert client.get(url).status_code == 404


def test_sensitive_fields_are_encrypted_at_rest_and_searchable_by_keyed_hash(reception):
    case = wf.register(reception)
    person = f.beneficiary_of(case).person
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, home_address FROM cases_person WHERE id = %s", [person.pk])
        raw_phone, raw_address = cursor.fetchone()
    assert raw_phone.startswith("enc1:") and person.phone not in raw_phone
    assert raw_address.startswith("enc1:")
    assert Person.objects.get(pk=person.pk).phone == person.phone
    found = Person.objects.filter(phone_index=crypto.blind_index(person.phone))
    assert list(found) == [person]


def test_key_rotation_reencrypts_every_row(reception, settings):
    case = wf.register(reception)
    person = f.beneficiary_of(case).person
    new_key = base64.b64encode(b"k" * 32).decode()
    old_key = base64.b64encode(crypto._keys()[1][crypto.current_key_id()]).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"k2026:{new_key},dev:{old_key}"
    crypto.reset_key_cache()
    try:
        call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM cases_person WHERE id = %s", [person.pk])
            assert cursor.fetchone()[0].startswith("enc1:k2026:")
        assert Person.objects.get(pk=person.pk).phone == person.phone
    finally:
        crypto.reset_key_cache()


def test_board_invitee_sees_a_case_only_with_the_beneficiarys_consent(
    client, reception, analyst, analyst2, coordinator
):
    from measures.board import services as board_services
    from measures.models import BoardMember, Seat

    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    invitee_user = f.UserFactory(username="onu_t", role=Role.BOARD_GOVERNMENT)
    BoardMember.objects.create(
        name="ONU-DH", seat=Seat.INVITEE, institution="OACNUDH", user=invitee_user
    )
    session = wf.board_with_quorum(coordinator)
    board_services.agenda_item_add(
        actor=coordinator, session=session, case=case, kind="incorporation"
    )
    session.papers_sent_at = timezone.now()
    session.save()
    client.force_login(invitee_user)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 404
    case_services.consent_record(
        actor=coordinator,
        case=case,
        purpose=ConsentPurpose.BOARD_INVITEE,
        third_party_name="Invitados permanentes de la Junta",
        evidence="Escrito de la beneficiaria.",
    )
    assert client.get(url).status_code == 200
