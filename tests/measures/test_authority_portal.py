"""The implementing-authority portal (issue 16): one authority's measures only, the consent
condition for contact details, 404 for everything else, every read in the read log, and the
Coordination's invitation."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.models import Consent, ConsentPurpose
from measures.letters import rendering
from measures.letters import services as letter_services
from measures.models import (
    AuthorityLevel,
    AuthorityMember,
    GrantedMeasure,
    Letter,
    RecipientKind,
)
from measures.services_authority import authority_user_invite
from protection.errors import DomainError
from protection.models import Role
from protection.security.models import AuditEntry

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def portal_user(authority, username):
    user = f.UserFactory(username=username, role=Role.AUTHORITY)
    AuthorityMember.objects.create(
        user=user,
        authority=authority,
        invited_by=f.UserFactory(username=f"inv_{username}", role=Role.COORDINATOR),
        invited_at=timezone.now(),
    )
    return user


def granted_case(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    return case, GrantedMeasure.objects.get(case=case)


@pytest.fixture
def police(db):
    return f.AuthorityFactory(name="Secretaría de Seguridad de Oaxaca", level=AuthorityLevel.STATE)


@pytest.fixture
def two_cases(reception, analyst, analyst2, coordinator, police):
    other = f.AuthorityFactory(name="Guardia Nacional", level=AuthorityLevel.FEDERAL)
    mine = granted_case(reception, analyst, analyst2, coordinator, police)
    theirs = granted_case(reception, analyst, analyst2, coordinator, other)
    return mine, theirs


def test_home_lists_the_authority_pending_measures_overdue_first(client, two_cases, police):
    (case, measure), (_other_case, other_measure) = two_cases
    late = GrantedMeasure.objects.create(
        case=case,
        origin=measure.origin,
        measure_type=f.measure_type("patrols"),
        covered=measure.covered,
        authority=police,
        granted_at=timezone.now() - timedelta(days=40),
        implementation_due_at=timezone.now() - timedelta(days=10),
    )
    user = portal_user(police, "policia_oax")
    client.force_login(user)
    assert client.get(reverse("home")).url == reverse("authority:home")
    response = client.get(reverse("authority:home"))
    assert response.status_code == 200
    assert [m.pk for m in response.context["pending"]] == [late.pk, measure.pk]
    html = response.content.decode()
    assert "vencido hace" in html and "Rondines policiales" in html
    assert reverse("authority:measure", args=[other_measure.pk]) not in html
    # The narrow navigation: no case list, no bell, no other area of the app.
    assert reverse("cases:list") not in html and "notification-bell" not in html


def test_measure_page_shows_only_what_the_authority_needs(client, two_cases, police, coordinator):
    (case, measure), _ = two_cases
    measure.details = "Botón con geolocalización"
    measure.save()
    person = measure.covered.person
    type(case).objects.filter(pk=case.pk).update(summary="RESUMEN-RESERVADO")
    user = portal_user(police, "policia_oax")
    client.force_login(user)
    response = client.get(reverse("authority:measure", args=[measure.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert person.full_name in html and person.municipality in html
    assert "Botón con geolocalización" in html and "Botón de pánico" in html
    assert "RESUMEN-RESERVADO" not in html
    assert case.file_number not in html
    # Letters addressed to this authority show once delivered (never a draft).
    assert response.context["letters"] == []
    letter = Letter.objects.get(decision=measure.decision, recipient_kind=RecipientKind.AUTHORITY)
    rendering.letter_render_claimed(letter.pk)
    letter_services.letter_record_delivery(
        actor=coordinator, letter=letter, sent_at=timezone.now(), sent_via="Mensajería"
    )
    response = client.get(reverse("authority:measure", args=[measure.pk]))
    assert [x.pk for x in response.context["letters"]] == [letter.pk]
    # The read is in the case's "who has seen this".
    assert AuditEntry.objects.filter(
        user=user, case_id=case.pk, target="authority:measure", status_code=200
    ).exists()


def test_contact_details_need_the_measure_type_and_a_consent_in_force(
    client, two_cases, police, coordinator
):
    (case, measure), _ = two_cases
    person = measure.covered.person
    user = portal_user(police, "policia_oax")
    client.force_login(user)
    page = reverse("authority:measure", args=[measure.pk])

    def shows_address():
        return person.home_address in client.get(page).content.decode()

    assert measure.measure_type.needs_contact  # a panic button is delivered to the person
    assert not shows_address()  # no consent yet

    other = f.AuthorityFactory(name="Otra autoridad")
    Consent.objects.create(
        case=case,
        person=person,
        purpose=ConsentPurpose.AUTHORITY_CONTACT,
        authority=other,
        given_at=timezone.now(),
        recorded_by=coordinator,
    )
    assert not shows_address()  # a consent for another authority does not count

    consent = Consent.objects.create(
        case=case,
        person=person,
        purpose=ConsentPurpose.AUTHORITY_CONTACT,
        authority=police,
        given_at=timezone.now(),
        recorded_by=coordinator,
    )
    assert shows_address()
    assert person.phone in client.get(page).content.decode()

    consent.withdrawn_at = timezone.now()
    consent.save()
    assert not shows_address()  # withdrawn: no longer in force

    consent.withdrawn_at = None
    consent.save()
    measure.measure_type = f.measure_type("self_protection_course")
    measure.save()
    assert not shows_address()  # a course does not need the person's address


def test_another_authority_measure_a_case_page_and_a_document_are_404(
    client, two_cases, police, coordinator
):
    (case, measure), (other_case, other_measure) = two_cases
    user = portal_user(police, "policia_oax")
    client.force_login(user)
    assert client.get(reverse("authority:measure", args=[other_measure.pk])).status_code == 404
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:timeline", args=[case.pk]),
        reverse("cases:list"),
        reverse("measures:measure_detail", args=[measure.pk]),
        reverse("risk:study_detail", args=[1]),
        reverse("reports:indicators"),
        reverse("notifications:list"),
        reverse("documents:detail", args=[1]),
        reverse("documents:file", args=[1]),
    ):
        assert client.get(url).status_code == 404, url
    # The refused read of another authority's measure is logged under its case too.
    assert AuditEntry.objects.filter(
        user=user, case_id=other_case.pk, target="authority:measure", status_code=404
    ).exists()


def test_a_contractor_sees_its_subcontractors_measures(
    client, reception, analyst, analyst2, coordinator
):
    contractor = f.AuthorityFactory(name="Seguridad Privada S.A.", level=AuthorityLevel.CONTRACTOR)
    sub = f.AuthorityFactory(
        name="Instalaciones del Sur", level=AuthorityLevel.CONTRACTOR, subcontractor_of=contractor
    )
    _case, measure = granted_case(reception, analyst, analyst2, coordinator, sub)
    client.force_login(portal_user(contractor, "contratista"))
    assert client.get(reverse("authority:measure", args=[measure.pk])).status_code == 200
    client.force_login(portal_user(sub, "subcontratista"))
    assert client.get(reverse("authority:measure", args=[measure.pk])).status_code == 200
    # ...but a subcontractor does not see its contractor's measures.
    _case2, own = granted_case(reception, analyst, analyst2, coordinator, contractor)
    assert client.get(reverse("authority:measure", args=[own.pk])).status_code == 404


def test_a_user_without_an_authority_sees_nothing(client, two_cases):
    user = f.UserFactory(username="sin_autoridad", role=Role.AUTHORITY)
    client.force_login(user)
    response = client.get(reverse("authority:home"))
    assert response.status_code == 200 and response.context["pending"] == []
    (_case, measure), _ = two_cases
    assert client.get(reverse("authority:measure", args=[measure.pk])).status_code == 404


def test_coordination_invites_an_authority_user_who_sets_a_password(
    client, coordinator, police, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    assert client.get(reverse("measures:authority_users")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("measures:authority_invite"),
            {
                "authority": police.pk,
                "email": "Enlace@SSP.oaxaca.gob.mx",
                "first_name": "Rosa",
                "last_name": "Martínez",
            },
        )
    assert response.status_code == 302
    member = AuthorityMember.objects.get(authority=police)
    user = member.user
    assert user.role == Role.AUTHORITY and user.username == "enlace@ssp.oaxaca.gob.mx"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/autoridad/invitacion/" in line)
    # Only a link: no case content in the invitation.
    assert "expediente" not in body.lower()

    client.logout()
    path = link[link.index("/autoridad/") :]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    done = client.post(
        set_url, {"new_password1": "Portal-Seguro-2026!", "new_password2": "Portal-Seguro-2026!"}
    )
    assert done.status_code == 302 and done.url == reverse("login")
    user.refresh_from_db()
    assert user.check_password("Portal-Seguro-2026!")
    # The link works once.
    assert "ya no es válido" in client.get(path, follow=True).content.decode()


def test_invitation_refuses_a_duplicate_and_other_roles(coordinator, follow_up, police):
    authority_user_invite(
        actor=coordinator, authority=police, email="a@b.mx", first_name="A", last_name=""
    )
    with pytest.raises(DomainError):
        authority_user_invite(
            actor=coordinator, authority=police, email="A@B.mx", first_name="A", last_name=""
        )
    with pytest.raises(DomainError):
        authority_user_invite(
            actor=follow_up, authority=police, email="c@d.mx", first_name="C", last_name=""
        )


def test_the_consent_for_an_authority_is_recorded_from_the_case_page(
    client, two_cases, police, follow_up, coordinator
):
    (case, measure), _ = two_cases
    person = measure.covered.person
    client.force_login(coordinator)
    url = reverse("cases:consent_add", args=[case.pk])
    data = {
        "purpose": ConsentPurpose.AUTHORITY_CONTACT,
        "person": person.pk,
        "given_at": timezone.localtime(timezone.now(), ZoneInfo("America/Mexico_City")).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "evidence": "Escrito firmado el día de la visita",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Elija la autoridad a la que se autoriza." in refused.content.decode()
    assert not Consent.objects.filter(purpose=ConsentPurpose.AUTHORITY_CONTACT).exists()
    assert client.post(url, {**data, "authority": police.pk}).status_code == 302
    consent = Consent.objects.get(purpose=ConsentPurpose.AUTHORITY_CONTACT)
    assert consent.authority == police and consent.is_active
    assert police.name in client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    client.force_login(portal_user(police, "policia_oax"))
    html = client.get(reverse("authority:measure", args=[measure.pk])).content.decode()
    assert person.home_address in html
