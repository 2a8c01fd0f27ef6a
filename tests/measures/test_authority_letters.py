"""Letters through the implementing-authority portal (issue 16): delivery with a notice that
carries only a link, acknowledgement in the portal stopping the notification clock (through the
letter's map), both shown on the decision page and the case timeline; other authorities' letters
are a 404."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from measures import services_authority as portal_services
from measures.letters import rendering
from measures.letters import services as letter_services
from measures.models import GrantedMeasure, Letter, LetterStatus, MeasureStatus, RecipientKind
from protection.errors import DomainError
from protection.security.models import AuditEntry

from .. import factories as f
from .test_authority_portal import granted_case, portal_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(db):
    return f.AuthorityFactory(name="Secretaría de Seguridad de Oaxaca")


@pytest.fixture
def setup(reception, analyst, analyst2, coordinator, police):
    case, measure = granted_case(reception, analyst, analyst2, coordinator, police)
    for letter in Letter.objects.filter(decision=measure.decision):
        rendering.letter_render_claimed(letter.pk)
    letter = Letter.objects.get(decision=measure.decision, recipient_kind=RecipientKind.AUTHORITY)
    user = portal_user(police, "policia_oax")
    return case, measure, letter, user


def deliver(client, coordinator, letter, capture):
    client.force_login(coordinator)
    with capture(execute=True):
        response = client.post(reverse("measures:letter_deliver_portal", args=[letter.pk]))
    assert response.status_code == 302
    letter.refresh_from_db()
    return letter


def test_portal_delivery_sends_only_a_link_and_the_acknowledgement_stops_the_clock(
    client, setup, coordinator, django_capture_on_commit_callbacks
):
    case, measure, letter, user = setup
    decision_page = reverse("measures:board_decision", args=[measure.decision_id])
    client.force_login(coordinator)
    assert "Entregar por el portal de autoridades" in client.get(decision_page).content.decode()

    letter = deliver(client, coordinator, letter, django_capture_on_commit_callbacks)
    assert letter.status == LetterStatus.SENT and letter.delivered_in_portal
    # The notice: to the authority's users, a link and nothing of the case.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    body = mail.outbox[0].body
    assert reverse("authority:letter", args=[letter.pk]) in body
    person = measure.covered.person
    for secret in (case.file_number, person.given_names, letter.number, "Botón"):
        assert secret not in body
    # Delivered in the portal, but not yet received: the notification clock keeps running.
    measure.refresh_from_db()
    assert measure.notified_at is None and measure.status == MeasureStatus.GRANTED
    assert "En el portal: acuse pendiente" in client.get(decision_page).content.decode()

    client.force_login(user)
    home = client.get(reverse("authority:home")).content.decode()
    assert reverse("authority:letter", args=[letter.pk]) in home
    page = client.get(reverse("authority:letter", args=[letter.pk]))
    assert page.status_code == 200 and page.context["can_acknowledge"]
    pdf = client.get(reverse("authority:letter_file", args=[letter.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    before = timezone.now()
    assert client.post(reverse("authority:letter_acknowledge", args=[letter.pk])).status_code == 302

    letter.refresh_from_db()
    measure.refresh_from_db()
    assert letter.status == LetterStatus.ACKNOWLEDGED and letter.acknowledged_by == user
    assert letter.acknowledged_at >= before
    # The acknowledgement timestamps the notification clock of the authority's measures.
    assert measure.notified_at == letter.acknowledged_at
    assert measure.status == MeasureStatus.NOTIFIED
    measure.decision.refresh_from_db()
    assert measure.decision.notified_at == letter.acknowledged_at
    # Shown on the decision page and on the case timeline; the reads are logged.
    client.force_login(coordinator)
    assert f"en el portal, por {user.display_name}" in client.get(decision_page).content.decode()
    timeline = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f"Oficio {letter.number} entregado por el portal de autoridades" in timeline
    assert f"Acuse del oficio {letter.number} en el portal de autoridades" in timeline
    assert AuditEntry.objects.filter(
        user=user, case_id=case.pk, target="authority:letter_file"
    ).exists()


def test_acknowledging_twice_or_a_letter_not_delivered_is_refused(
    client, setup, coordinator, django_capture_on_commit_callbacks
):
    _case, _measure, letter, user = setup
    client.force_login(user)
    # Generated but not delivered: not in the portal at all.
    assert client.get(reverse("authority:letter", args=[letter.pk])).status_code == 404
    letter = deliver(client, coordinator, letter, django_capture_on_commit_callbacks)
    portal_services.letter_acknowledge_in_portal(actor=user, letter=letter)
    first = Letter.objects.get(pk=letter.pk).acknowledged_at
    with pytest.raises(DomainError):
        portal_services.letter_acknowledge_in_portal(actor=user, letter=letter)
    assert Letter.objects.get(pk=letter.pk).acknowledged_at == first


def test_another_authority_letter_is_404_and_cannot_be_acknowledged(
    client, setup, coordinator, django_capture_on_commit_callbacks
):
    _case, _measure, letter, _user = setup
    letter = deliver(client, coordinator, letter, django_capture_on_commit_callbacks)
    stranger = portal_user(f.AuthorityFactory(name="Guardia Nacional"), "guardia")
    client.force_login(stranger)
    for name in ("authority:letter", "authority:letter_file"):
        assert client.get(reverse(name, args=[letter.pk])).status_code == 404
    assert client.post(reverse("authority:letter_acknowledge", args=[letter.pk])).status_code == 404
    with pytest.raises(DomainError):
        portal_services.letter_acknowledge_in_portal(actor=stranger, letter=letter)
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.SENT


def test_portal_delivery_needs_a_portal_user_and_an_authority_letter(
    setup, coordinator, reception, analyst, analyst2
):
    _case, measure, letter, _user = setup
    beneficiary_letter = Letter.objects.get(
        decision=measure.decision, recipient_kind=RecipientKind.BENEFICIARY
    )
    with pytest.raises(DomainError):
        portal_services.letter_deliver_in_portal(actor=coordinator, letter=beneficiary_letter)
    lonely = f.AuthorityFactory(name="Policía Municipal sin portal")
    _c, other = granted_case(reception, analyst, analyst2, coordinator, lonely)
    other_letter = Letter.objects.get(
        decision=other.decision, recipient_kind=RecipientKind.AUTHORITY
    )
    rendering.letter_render_claimed(other_letter.pk)
    with pytest.raises(DomainError):
        portal_services.letter_deliver_in_portal(actor=coordinator, letter=other_letter)
    assert Letter.objects.get(pk=other_letter.pk).status == LetterStatus.GENERATED


def test_an_acknowledgement_recorded_by_the_coordination_also_stops_the_clock(
    client, setup, coordinator, django_capture_on_commit_callbacks
):
    _case, measure, letter, _user = setup
    letter = deliver(client, coordinator, letter, django_capture_on_commit_callbacks)
    at = timezone.now()
    letter_services.letter_record_acknowledgement(
        actor=coordinator, letter=letter, acknowledged_at=at
    )
    assert GrantedMeasure.objects.get(pk=measure.pk).notified_at == at
