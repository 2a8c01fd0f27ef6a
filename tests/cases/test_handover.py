"""Handover: a coordinator moves cases from one officer to a peer with a reason; every
assignment the officer held moves, the history says who, when and why, and the receiving officer
gets a notice and an e-mail listing the cases and their open clocks, without narrative."""

import pytest
from django.core import mail
from django.urls import reverse

from cases.handover import cases_handover, cases_held_by
from cases.models import Case, Handover
from protection.deadlines.models import Notification, NotificationKind
from protection.deadlines.notifications import digest_send_claimed
from protection.errors import DomainError, PermissionDenied
from protection.models import Role
from risk import services as risk_services
from risk.models import RiskStudy

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception2(db):
    return f.UserFactory(username="recepcion2_t", role=Role.RECEPTION)


@pytest.fixture
def two_cases(reception):
    return wf.register(reception, urgent=True), wf.register(reception)


def test_bulk_handover_from_the_case_list(
    client, coordinator, reception, reception2, two_cases, django_capture_on_commit_callbacks
):
    first, second = two_cases
    client.force_login(coordinator)
    listing = client.get(reverse("cases:list")).content.decode()
    assert f'name="expediente" value="{first.pk}"' in listing
    assert reverse("cases:handover") in listing
    page = client.get(reverse("cases:handover"), {"expediente": [first.pk, second.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert first.file_number in html and second.file_number in html
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("cases:handover"),
            {
                "from_officer": reception.pk,
                "to_officer": reception2.pk,
                "reason": "Licencia médica de tres meses",
                "cases": [first.pk, second.pk],
            },
        )
    assert response.status_code == 302
    record = Handover.objects.get()
    assert response["Location"] == reverse("cases:handover_detail", args=[record.pk])
    assert record.decided_by == coordinator and record.reason == "Licencia médica de tres meses"
    for case in (first, second):
        case.refresh_from_db()
        assert case.assigned_officer == reception2
        newest = case.history.order_by("-history_date", "-history_id").first()
        assert newest.history_user == coordinator
        assert "Licencia médica de tres meses" in newest.history_change_reason
        assert reception.display_name in newest.history_change_reason
    # The case page's timeline shows the handover with its reason.
    timeline = client.get(reverse("cases:detail", args=[first.pk])).content.decode()
    assert "Licencia médica de tres meses" in timeline

    notice = Notification.objects.get(recipient=reception2, kind=NotificationKind.HANDOVER)
    assert first.file_number in notice.message and second.file_number in notice.message
    assert "Emisión de medidas urgentes" in notice.message  # the urgent case's open clock
    # E-mailed after commit through the digest outbox (queued on commit; the worker's task is
    # digest_send_claimed), with the cases, their clocks, and no narrative.
    assert callbacks, "nothing queued after commit"
    assert mail.outbox == []  # nothing sent inside the transaction
    assert digest_send_claimed(reception2.pk) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reception2.email]
    assert first.file_number in message.body and "Estudio de evaluación de riesgo" in message.body
    assert "amenazas" not in message.body.lower()  # the request's facts stay out
    beneficiary = f.beneficiary_of(first)
    assert beneficiary.person.full_name not in message.body
    # The receiving officer sees the notice in the app and can open the handover record.
    client.force_login(reception2)
    inbox = client.get(reverse("notifications:list")).content.decode()
    assert first.file_number in inbox and "Expedientes recibidos en traspaso" in inbox
    detail = client.get(reverse("cases:handover_detail", args=[record.pk])).content.decode()
    assert reverse("cases:detail", args=[first.pk]) in detail


def test_handover_from_the_case_page_moves_every_assignment(
    client, coordinator, reception, analyst, analyst2, two_cases
):
    case, _other = two_cases
    wf.admit(reception, case)
    study = risk_services.risk_study_open(actor=analyst, case=case, analyst=analyst, kind="initial")
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    link = f"{reverse('cases:handover')}?expediente={case.pk}"
    assert link in page
    form = client.get(reverse("cases:handover"), {"de": analyst.pk}).content.decode()
    assert case.file_number in form and "1 estudio de riesgo" in form
    assert list(cases_held_by(analyst)) == [case]
    response = client.post(
        reverse("cases:handover"),
        {
            "from_officer": analyst.pk,
            "to_officer": analyst2.pk,
            "reason": "Rotación de personal",
            "cases": [case.pk],
        },
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.analyst == analyst2
    assert Handover.objects.get().items.get().assignments == [f"study:{study.pk}"]


def _post(client, **data):
    return client.post(reverse("cases:handover"), data)


def test_non_coordinator_cannot_hand_over(client, reception, reception2, two_cases):
    first, _second = two_cases
    client.force_login(reception)
    assert client.get(reverse("cases:handover")).status_code == 403
    response = _post(
        client,
        from_officer=reception.pk,
        to_officer=reception2.pk,
        reason="x",
        cases=[first.pk],
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        cases_handover(
            actor=reception,
            from_officer=reception,
            to_officer=reception2,
            cases=[first],
            reason="x",
        )
    assert not Handover.objects.exists()
    # and the case page offers no handover button to her
    page = client.get(reverse("cases:detail", args=[first.pk])).content.decode()
    assert reverse("cases:handover") not in page


def test_receiving_officer_of_another_role_is_refused(
    client, coordinator, reception, analyst, two_cases
):
    first, _second = two_cases
    client.force_login(coordinator)
    response = _post(
        client,
        from_officer=reception.pk,
        to_officer=analyst.pk,
        reason="Rotación",
        cases=[first.pk],
    )
    assert response.status_code == 200
    assert "mismo rol y la misma unidad" in response.content.decode()
    first.refresh_from_db()
    assert first.assigned_officer == reception
    assert not Handover.objects.exists() and not Notification.objects.exists()


def test_receiving_officer_of_another_unit_is_refused(coordinator, reception, two_cases):
    other_unit = f.UserFactory(username="recepcion_otra", role=Role.RECEPTION, unit="UPSA")
    with pytest.raises(DomainError, match="misma unidad"):
        cases_handover(
            actor=coordinator,
            from_officer=reception,
            to_officer=other_unit,
            cases=list(two_cases),
            reason="Rotación",
        )
    assert not Handover.objects.exists()


def test_no_reason_no_handover(client, coordinator, reception, reception2, two_cases):
    first, _second = two_cases
    client.force_login(coordinator)
    response = _post(
        client, from_officer=reception.pk, to_officer=reception2.pk, reason="  ", cases=[first.pk]
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.assigned_officer == reception
    with pytest.raises(DomainError, match="motivo"):
        cases_handover(
            actor=coordinator,
            from_officer=reception,
            to_officer=reception2,
            cases=[first],
            reason="   ",
        )
    assert not Handover.objects.exists()


def test_case_the_officer_holds_nothing_on_refuses_the_whole_handover(
    coordinator, reception, reception2, two_cases
):
    first, second = two_cases
    Case.objects.filter(pk=second.pk).update(assigned_officer=coordinator)
    with pytest.raises(DomainError, match=second.file_number):
        cases_handover(
            actor=coordinator,
            from_officer=reception,
            to_officer=reception2,
            cases=[first, second],
            reason="Rotación",
        )
    first.refresh_from_db()
    assert first.assigned_officer == reception  # all or nothing


def test_handover_record_is_not_for_other_officers(
    client, coordinator, reception, reception2, two_cases
):
    first, _second = two_cases
    record = cases_handover(
        actor=coordinator,
        from_officer=reception,
        to_officer=reception2,
        cases=[first],
        reason="Baja",
    )
    outsider = f.UserFactory(username="otro_recepcion", role=Role.RECEPTION)
    client.force_login(outsider)
    assert client.get(reverse("cases:handover_detail", args=[record.pk])).status_code == 404
    client.force_login(reception)
    assert client.get(reverse("cases:handover_detail", args=[record.pk])).status_code == 200


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("cases:handover"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_study_of_another_analyst_is_not_touched(coordinator, reception, analyst, analyst2):
    case = wf.register(reception)
    wf.admit(reception, case)
    risk_services.risk_study_open(actor=analyst, case=case, analyst=analyst2, kind="initial")
    assert not cases_held_by(analyst).filter(pk=case.pk).exists()
    assert RiskStudy.objects.get(case=case).analyst == analyst2
