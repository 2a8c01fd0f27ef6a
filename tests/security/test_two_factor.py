"""The second factor cannot be skipped (issue 19 §1): a session that passed only the password
enters a code or logs out; every change to a person's second factor needs a verified session
(or, for a lost phone, a reset with a reason), is logged and e-mailed to the person."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from protection.errors import PermissionDenied
from protection.models import Role
from protection.security import services
from protection.security.models import AuditAction, AuditEntry, AuditOutcome

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db
PASSWORD = "Contrasena-Segura-2026"


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs what the block scheduled for after commit (the e-mails) when it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def code_for(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def password_login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrolled(user):
    """A person with an authenticator and recovery codes, as after their first login."""
    device = TOTPDevice.objects.create(user=user, name="teléfono", confirmed=True)
    codes = services._recovery_codes_create(user)
    return device, codes


def verify(client, device):
    response = client.post(reverse("security:otp"), {"token": code_for(device)})
    assert response.status_code == 302, response.content[:500]


def recovery_tokens(user):
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


@override_settings(OTP_REQUIRED=True)
@pytest.mark.parametrize("role", [Role.ANALYST, Role.FOLLOW_UP, Role.ADMINISTRATOR])
def test_password_only_session_cannot_enrol_its_own_authenticator(client, reception, role):
    """The probe's sequence: password login, open /seguridad/verificacion/alta/, submit a code
    from a new key. Refused: no device added, codes unchanged, nothing readable."""
    case = wf.register(reception)
    victim = f.UserFactory(username=f"victima_{role}", role=role, is_staff=True)
    enrolled(victim)
    codes_before = recovery_tokens(victim)
    password_login(client, victim)

    setup_url = "/seguridad/verificacion/alta/"
    assert reverse("security:otp_setup") == setup_url
    page = client.get(setup_url)
    assert page.status_code == 302 and page["Location"].startswith(reverse("security:otp"))
    assert not TOTPDevice.objects.filter(user=victim, confirmed=False).exists()  # no key shown

    # Even holding an unconfirmed key (say, from an earlier visit), the code is refused.
    attacker_key = TOTPDevice.objects.create(user=victim, name="atacante", confirmed=False)
    submitted = client.post(setup_url, {"token": code_for(attacker_key)})
    assert submitted.status_code == 302
    assert submitted["Location"].startswith(reverse("security:otp"))
    attacker_key.refresh_from_db()
    assert attacker_key.confirmed is False
    assert TOTPDevice.objects.filter(user=victim, confirmed=True).count() == 1
    assert recovery_tokens(victim) == codes_before
    assert not client.session.get("otp_device_id")
    # The code page itself does not enrol either: it asks for the existing device's code.
    on_code_page = client.post(reverse("security:otp"), {"token": code_for(attacker_key)})
    assert on_code_page.status_code == 200 and on_code_page.context["form"].errors
    attacker_key.refresh_from_db()
    assert attacker_key.confirmed is False
    for url in (reverse("cases:detail", args=[case.pk]), reverse("cases:list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and reverse("security:otp") in response["Location"]


def test_password_only_session_cannot_enrol_even_where_the_code_is_not_required(client):
    """Defence in depth: the enrolment view and service refuse on their own, whatever
    OTP_REQUIRED says."""
    user = f.UserFactory(username="sin_verificar", role=Role.ANALYST)
    enrolled(user)
    client.force_login(user)
    response = client.get(reverse("security:otp_setup"))
    assert response.status_code == 302 and reverse("security:otp") in response["Location"]
    assert client.post(reverse("security:recovery_codes")).status_code == 302
    with pytest.raises(PermissionDenied):
        services.totp_enrol_start(user=user)
    with pytest.raises(PermissionDenied):
        services.recovery_codes_renew(user=user)


@override_settings(OTP_REQUIRED=True)
def test_first_enrolment_is_possible_logged_and_emailed(client, committing):
    user = f.UserFactory(username="nueva", role=Role.ANALYST)
    password_login(client, user)
    page = client.get(reverse("security:otp"))
    assert page.status_code == 200 and "secret" in page.context
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    with committing():
        done = client.post(reverse("security:otp"), {"token": code_for(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.get(reverse("home")).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.OTP_ENROLLED, user=user)
    assert entry.outcome == AuditOutcome.OK and entry.object_id == f"user={user.pk}"
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "Alta de un autenticador" in mail.outbox[0].subject
    assert "Si no fue usted" in mail.outbox[0].body


@override_settings(OTP_REQUIRED=True)
def test_verified_session_adds_a_replacement_and_removes_the_old_one(client, committing):
    user = f.UserFactory(username="cambia_tel", role=Role.FOLLOW_UP)
    old, _codes = enrolled(user)
    codes_before = recovery_tokens(user)
    password_login(client, user)
    verify(client, old)
    account = client.get(reverse("security:account"))
    assert account.status_code == 200
    assert reverse("security:otp_setup") in account.content.decode()

    assert client.get(reverse("security:otp_setup")).status_code == 200
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    with committing():
        added = client.post(reverse("security:otp_setup"), {"token": code_for(new)})
    assert added.status_code == 302 and added["Location"] == reverse("security:account")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 2
    assert recovery_tokens(user) == codes_before  # an extra device does not replace the codes

    with committing():
        removed = client.post(reverse("security:device_remove", args=[old.pk]))
    assert removed.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [new]
    last = client.post(reverse("security:device_remove", args=[new.pk]), follow=True)
    assert "único autenticador" in last.content.decode()
    assert TOTPDevice.objects.filter(pk=new.pk).exists()

    actions = list(
        AuditEntry.objects.filter(object_id=f"user={user.pk}")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.OTP_ENROLLED, AuditAction.OTP_REMOVED]
    assert len(mail.outbox) == 2 and all(m.to == [user.email] for m in mail.outbox)

    other = f.UserFactory(username="ajena", role=Role.FOLLOW_UP)
    theirs, _ = enrolled(other)
    assert client.post(reverse("security:device_remove", args=[theirs.pk])).status_code == 404


@override_settings(OTP_REQUIRED=True)
def test_recovery_code_use_and_renewal_are_logged_and_emailed(client, committing):
    user = f.UserFactory(username="recupera", role=Role.ANALYST)
    _device, codes = enrolled(user)
    password_login(client, user)
    # an unverified session cannot renew the codes
    refused = client.post(reverse("security:recovery_codes"))
    assert refused.status_code == 302 and reverse("security:otp") in refused["Location"]
    assert recovery_tokens(user) == set(codes)

    with committing():
        assert client.post(reverse("security:otp"), {"token": codes[0]}).status_code == 302
    used = AuditEntry.objects.get(action=AuditAction.RECOVERY_USED, user=user)
    assert "9" in used.reason
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]

    with committing():
        renewed = client.post(reverse("security:recovery_codes"))
    assert renewed.status_code == 200 and len(renewed.context["codes"]) == 10
    assert recovery_tokens(user).isdisjoint(codes)
    assert AuditEntry.objects.filter(action=AuditAction.RECOVERY_RENEWED, user=user).exists()
    assert len(mail.outbox) == 2


@override_settings(OTP_REQUIRED=True)
def test_coordinator_resets_a_lost_second_factor_with_a_reason(client, coordinator, committing):
    person = f.UserFactory(username="perdio_tel", role=Role.ANALYST)
    enrolled(person)
    own, _ = enrolled(coordinator)
    password_login(client, coordinator)
    verify(client, own)
    listing = client.get(reverse("security:users"))
    reset_url = reverse("security:two_factor_reset", args=[person.pk])
    assert listing.status_code == 200 and reset_url in listing.content.decode()

    short = client.post(reset_url, {"reason": "perdió"})
    assert short.status_code == 200 and short.context["form"].errors
    assert services.has_second_factor(person)

    with committing():
        done = client.post(reset_url, {"reason": "Reportó el robo de su teléfono por llamada."})
    assert done.status_code == 302
    assert not services.has_second_factor(person)
    entry = AuditEntry.objects.get(action=AuditAction.OTP_RESET)
    assert entry.user == coordinator and entry.object_id == f"user={person.pk}"
    assert "robo" in entry.reason
    assert [m.to for m in mail.outbox] == [[person.email]] and "robo" in mail.outbox[0].body

    # one's own second factor is not reset this way
    mine = client.post(
        reverse("security:two_factor_reset", args=[coordinator.pk]),
        {"reason": "Quiero quitarme el segundo factor a mí misma."},
    )
    assert mine.status_code == 200 and services.has_second_factor(coordinator)


def test_reset_page_negative_cases(client, analyst, coordinator):
    url = reverse("security:two_factor_reset", args=[analyst.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(analyst)
    assert client.get(url).status_code == 403
    assert client.get(reverse("security:users")).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("security:two_factor_reset", args=[987654])).status_code == 404


def test_reset_is_reachable_from_the_admin_user_page(client):
    admin = f.UserFactory(
        username="admin_2fa", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    person = f.UserFactory(username="persona_2fa", role=Role.ANALYST)
    client.force_login(admin)
    page = client.get(reverse("admin:protection_user_change", args=[person.pk]))
    assert reverse("security:two_factor_reset", args=[person.pk]) in page.content.decode()
    assert client.get(reverse("security:users")).status_code == 200
