"""Re-discussion requests from the case page, swept like every other clock; "proponer
modificación de medidas" puts the case on the next session's agenda with its reason, and the
Board's decision reduces, modifies, extends or restores measures."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from measures.board import services as bs
from measures.letters.rendering import decision_letter_lines
from measures.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    BoardSession,
    GrantedMeasure,
    LineAction,
    MeasureEndReason,
    RediscussionRequest,
    RediscussionStatus,
    Resolution,
    SessionStatus,
)
from protection import clocks
from protection.deadlines.models import Notification, OverdueFlag, SubjectType
from protection.deadlines.notifications import escalate_after, escalations_run
from protection.deadlines.sweep import deadlines_sweep
from protection.errors import DomainError
from protection.models import Clock

from .. import factories as f
from .. import workflows as wf
from .board_fixtures import board, mark_present

pytestmark = pytest.mark.django_db


def held(case):
    """The session that decided the case was held (wf.grant records the decision only)."""
    BoardSession.objects.filter(agenda_items__case=case).update(
        status=SessionStatus.CLOSED, closed_at=timezone.now()
    )


@pytest.fixture
def granted(reception, analyst, analyst2, coordinator, follow_up, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    held(case)
    case.refresh_from_db()
    from cases import services as case_services

    case_services.case_follow_up_assign(actor=coordinator, case=case, officer=follow_up)
    return case


def case_url(case):
    return reverse("cases:detail", args=[case.pk])


def now_local(delta=timedelta(0)):
    # What a person in the mechanism's zone types (the pages read it in the user's zone).
    local = timezone.localtime(timezone.now(), clocks.mechanism_zone())
    return (local + delta).strftime("%Y-%m-%dT%H:%M")


# --------------------------------------------------------------------------------------------
# Re-discussion requests


def test_rediscussion_is_recorded_from_the_case_page_and_shown_there(client, coordinator, granted):
    case = granted
    url = reverse("measures:rediscussion_add", args=[case.pk])
    client.force_login(coordinator)
    assert url in client.get(case_url(case)).content.decode()
    response = client.post(
        url,
        {
            "requested_by_name": "Red de Periodistas del Sur",
            "received_at": now_local(),
            "reason": "La beneficiaria pidió estar presente y no fue convocada.",
        },
    )
    assert response.status_code == 302
    request = RediscussionRequest.objects.get(case=case)
    assert request.status == RediscussionStatus.OPEN and request.recorded_by == coordinator
    page = client.get(case_url(case)).content.decode()
    assert "Red de Periodistas del Sur" in page
    # On the timeline too.
    assert "Solicitud de nueva discusión recibida: Red de Periodistas del Sur" in page


def test_rediscussion_bad_input_and_wrong_roles(client, coordinator, follow_up, granted):
    case = granted
    url = reverse("measures:rediscussion_add", args=[case.pk])
    client.force_login(coordinator)
    response = client.post(
        url, {"requested_by_name": "X", "received_at": now_local(timedelta(days=3)), "reason": "Y"}
    )
    assert "La fecha de recepción no puede estar en el futuro." in response.content.decode()
    response = client.post(url, {"requested_by_name": "X", "received_at": now_local()})
    assert response.status_code == 200 and not RediscussionRequest.objects.exists()
    assert client.get(reverse("measures:rediscussion_add", args=[987654])).status_code == 404
    client.force_login(follow_up)
    assert client.get(url).status_code == 403
    assert url not in client.get(case_url(case)).content.decode()


def test_rediscussion_clock_is_swept_and_escalated(coordinator, granted):
    case = granted
    request = bs.rediscussion_request_record(
        actor=coordinator,
        case=case,
        requested_by_name="La beneficiaria",
        reason="Pide que se discuta de nuevo con su presencia.",
        received_at=timezone.now() - timedelta(days=31),
    )
    result = deadlines_sweep()
    assert result.raised == 1
    flag = OverdueFlag.objects.get(clock=Clock.REDISCUSSION, cleared_at__isnull=True)
    assert (flag.subject_type, flag.subject_id, flag.case_id) == (
        SubjectType.REDISCUSSION,
        request.pk,
        case.pk,
    )
    assert flag.responsible == coordinator
    escalations_run()
    assert Notification.objects.filter(flag=flag, recipient=coordinator).exists()
    other = f.UserFactory(username="coordinacion_otra", role="coordinator")
    escalations_run(now=timezone.now() + escalate_after() + timedelta(minutes=1))
    assert Notification.objects.filter(flag=flag, recipient=other, kind="escalated").exists()
    # Put on an agenda and answered by the Board: the flag closes, keeping how late it was.
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = bs.agenda_item_add_rediscussion(actor=coordinator, session=session, request=request)
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    decision = bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.EXTEND,
        legal_basis="Art. 38",
        text="Se discute de nuevo y se prorrogan las medidas.",
        votes_for=5,
        confirmed_risk_level=f.level("extraordinary"),
        lines=[
            {
                "action": "extend",
                "target": GrantedMeasure.objects.get(case=case),
                "duration_months": 6,
            }
        ],
    )
    bs.decision_confirm(actor=coordinator, decision=decision)
    assert deadlines_sweep().cleared == 1
    flag.refresh_from_db()
    assert flag.done_at is not None and flag.late_by() > timedelta(0)


# --------------------------------------------------------------------------------------------
# Proposals to modify measures


def test_follow_up_officer_proposes_a_modification_for_the_next_session(
    client, coordinator, follow_up, granted
):
    case = granted
    later, _members = board(coordinator, scheduled_at=timezone.now() + timedelta(days=40))
    sooner, _members = board(coordinator, scheduled_at=timezone.now() + timedelta(days=9))
    url = reverse("measures:modification_propose", args=[case.pk])
    client.force_login(follow_up)
    assert url in client.get(case_url(case)).content.decode()
    page = client.get(url).content.decode()
    # The page says which session it goes to, dated in the mechanism's zone as pages are.
    with timezone.override(clocks.mechanism_zone()):
        assert str(sooner) in page
    response = client.post(url, {"reason": "El botón de pánico falla; proponemos radio."})
    assert response.status_code == 302
    item = AgendaItem.objects.get(case=case, kind=AgendaItemKind.MODIFICATION)
    assert item.session == sooner and item.proposed_by == follow_up
    assert item.reason == "El botón de pánico falla; proponemos radio."
    page = client.get(case_url(case)).content.decode()
    assert "Modificación de medidas propuesta a la Junta" in page  # timeline
    assert "proponemos radio" in page
    # A second proposal for the same session is refused, with the reason.
    response = client.post(url, {"reason": "Otra vez."})
    assert "ya está en el orden del día" in response.content.decode()
    assert AgendaItem.objects.filter(case=case, kind=AgendaItemKind.MODIFICATION).count() == 1
    assert later.agenda_items.count() == 0


def test_modification_refused_without_session_reason_or_measures(
    client, reception, analyst, analyst2, coordinator, follow_up, granted
):
    case = granted
    url = reverse("measures:modification_propose", args=[case.pk])
    client.force_login(follow_up)
    response = client.post(url, {"reason": "Cambiar medidas."})
    assert "No hay una próxima sesión programada" in response.content.decode()
    board(coordinator)
    response = client.post(url, {"reason": ""})
    assert (
        response.status_code == 200
        and not AgendaItem.objects.filter(kind=AgendaItemKind.MODIFICATION).exists()
    )
    # A case still awaiting the Board has no measures to modify: no button, and refused.
    waiting = wf.register(reception)
    wf.admit(reception, waiting)
    wf.complete_study(analyst, analyst2, waiting)
    client.force_login(coordinator)
    other_url = reverse("measures:modification_propose", args=[waiting.pk])
    assert other_url not in client.get(case_url(waiting)).content.decode()
    response = client.post(other_url, {"reason": "Sin medidas."})
    assert "Sólo se propone modificar medidas de un expediente en seguimiento" in (
        response.content.decode()
    )
    client.force_login(analyst)
    assert client.get(url).status_code == 403
    client.force_login(follow_up)
    missing = reverse("measures:modification_propose", args=[987654])
    assert client.get(missing).status_code == 404


def test_board_reduces_then_restores_a_measure(coordinator, follow_up, authority, granted):
    case = granted
    panic = GrantedMeasure.objects.get(case=case)
    radio = f.measure_type("satellite_phone")

    def session_item(reason):
        session, members = board(coordinator)
        mark_present(coordinator, session, members)
        item = bs.measures_modification_propose(actor=follow_up, case=case, reason=reason)
        bs.session_open(actor=coordinator, session=session)
        bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
        return session, item

    session, item = session_item("Ya no se requiere el botón.")
    reduce = bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.REDUCE,
        legal_basis="Art. 39",
        text="Se reduce: concluye el botón de pánico.",
        votes_for=5,
        confirmed_risk_level=f.level("ordinary"),
    )
    with pytest.raises(DomainError, match="Indique qué medidas concluyen con la reducción"):
        bs.decision_confirm(actor=coordinator, decision=reduce)
    bs.decision_line_add(actor=coordinator, decision=reduce, action=LineAction.END, target=panic)
    bs.decision_confirm(actor=coordinator, decision=reduce)
    panic.refresh_from_db()
    assert panic.ended_at and panic.end_reason == MeasureEndReason.REDUCED
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.DECIDED
    bs.session_close(actor=coordinator, session=session)

    _session, item = session_item("Nueva amenaza: restablecer el botón y agregar teléfono.")
    restore = bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.RESTORE,
        legal_basis="Art. 39",
        text="Se restablece el botón y se otorga teléfono satelital.",
        votes_for=5,
        confirmed_risk_level=f.level("extraordinary"),
    )
    with pytest.raises(DomainError, match="Seleccione una medida concluida"):
        bs.decision_line_add(
            actor=coordinator,
            decision=restore,
            action=LineAction.RESTORE,
            target=GrantedMeasure.objects.create(
                case=case,
                origin="board",
                measure_type=radio,
                covered=panic.covered,
                authority=authority,
                granted_at=timezone.now(),
                implementation_due_at=timezone.now() + timedelta(days=30),
            ),
            duration_months=6,
        )
    bs.decision_line_add(
        actor=coordinator,
        decision=restore,
        action=LineAction.RESTORE,
        target=panic,
        duration_months=6,
    )
    bs.decision_confirm(actor=coordinator, decision=restore)
    restored = GrantedMeasure.objects.get(decision=restore)
    assert restored.measure_type_id == panic.measure_type_id
    assert restored.covered_id == panic.covered_id and restored.authority_id == panic.authority_id
    assert restored.ended_at is None and restored.implementation_due_at > timezone.now()
    assert restored.responsible == follow_up  # the case's follow-up officer follows it
    panic.refresh_from_db()
    assert panic.ended_at is not None  # the old promise stays ended: the gap is on record
    lines = decision_letter_lines(restore)
    assert [line.action for line in lines] == ["Se restablece"]
    assert lines[0].implementation_due_at == restored.implementation_due_at


def test_decision_pages_offer_modify_and_restore_for_a_proposal(
    client, coordinator, follow_up, granted
):
    case = granted
    panic = GrantedMeasure.objects.get(case=case)
    GrantedMeasure.objects.filter(pk=panic.pk).update(
        ended_at=timezone.now(), end_reason=MeasureEndReason.REDUCED, status="ended"
    )
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = bs.measures_modification_propose(
        actor=follow_up, case=case, reason="Restablecer el botón: hubo una nueva amenaza."
    )
    bs.session_open(actor=coordinator, session=session)
    client.force_login(coordinator)
    # The item shows the reason; the decision form starts from "Modificar medidas".
    assert (
        "hubo una nueva amenaza"
        in client.get(reverse("measures:board_item", args=[item.pk])).content.decode()
    )
    form = client.get(reverse("measures:board_decision_record", args=[item.pk])).context["form"]
    assert form.initial["resolution"] == Resolution.MODIFY
    decision = bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.RESTORE,
        legal_basis="Art. 39",
        text="Se restablece el botón de pánico.",
        votes_for=5,
        confirmed_risk_level=f.level("extraordinary"),
    )
    page = client.get(reverse("measures:board_decision", args=[decision.pk])).content.decode()
    assert "(concluida: Reducida por la Junta)" in page  # the ended measure can be chosen
    response = client.post(
        reverse("measures:board_decision_line_add", args=[decision.pk]),
        {"action": "restore", "target": panic.pk, "duration_months": 6},
    )
    assert response.status_code == 302
    line = decision.lines.get()
    assert line.action == LineAction.RESTORE and line.target == panic
    # Restoring a measure still in force is refused with the reason, and adds nothing.
    other = bs.decision_record(
        actor=coordinator,
        case=case,
        resolution=Resolution.RESTORE,
        legal_basis="Art. 39",
        text="Intento.",
    )
    live = GrantedMeasure.objects.create(
        case=case,
        origin="board",
        measure_type=panic.measure_type,
        covered=panic.covered,
        authority=panic.authority,
        granted_at=timezone.now(),
        implementation_due_at=timezone.now() + timedelta(days=30),
    )
    response = client.post(
        reverse("measures:board_decision_line_add", args=[other.pk]),
        {"action": "restore", "target": live.pk, "duration_months": 6},
        follow=True,
    )
    assert "Seleccione una medida concluida de este expediente." in response.content.decode()
    assert not other.lines.exists()
