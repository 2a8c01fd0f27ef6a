"""Board pages met in real cases (issue 14 §6): full authority names in the decision form,
recorded reasons for opening a session early, without papers or without civil society, and no
"Sin quórum" before attendance is taken."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from measures.board import lifecycle as ml
from measures.board import services as bs
from measures.models import (
    Attendance,
    BoardMember,
    SessionKind,
    SessionStatus,
    SessionWaiver,
    SessionWaiverKind,
)
from protection.errors import DomainError

from .. import factories as f
from .board_fixtures import (
    SEATS,
    awaiting_board_case,
    board,
    grant_lines,
    item_for,
    mark_present,
    record,
)

pytestmark = pytest.mark.django_db


def test_the_decision_form_lists_authorities_by_full_name(
    client, reception, analyst, analyst2, coordinator
):
    f.AuthorityFactory(name="Banco de Equipos de Blindaje", short_name="BEB")
    case = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, case)
    decision = record(coordinator, case, item, [])
    client.force_login(coordinator)
    html = client.get(reverse("measures:board_decision", args=[decision.pk])).content.decode()
    assert ">Banco de Equipos de Blindaje (BEB)</option>" in html
    assert ">BEB</option>" not in html
    assert ml.decision_problems(decision)  # still a draft with no lines: nothing confirmed


def bare_session(coordinator, days_ahead=7):
    """A session as the coordinator schedules it: its date ahead, papers not sent, no reasons."""
    session = bs.session_schedule(
        actor=coordinator,
        kind=SessionKind.ORDINARY,
        scheduled_at=timezone.now() + timedelta(days=days_ahead),
    )
    members = [
        BoardMember.objects.create(name=f"Integrante {i}", seat=seat, institution=str(seat))
        for i, seat in enumerate(SEATS)
    ]
    for member in members:
        Attendance.objects.get_or_create(session=session, member=member)
    return session, members


def test_opening_early_and_without_papers_needs_a_reason_for_each(client, coordinator):
    session, _members = bare_session(coordinator)
    with pytest.raises(DomainError, match="antes de esa fecha") as refused:
        bs.session_open(actor=coordinator, session=session)
    assert "carpeta" in str(refused.value)
    # One reason is not enough: nothing is kept, the session stays closed.
    with pytest.raises(DomainError, match="carpeta"):
        bs.session_open(
            actor=coordinator,
            session=session,
            reasons={SessionWaiverKind.EARLY: "Caso urgente de una periodista."},
        )
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED and not session.waivers.exists()

    # In the browser: the open form asks for both reasons and keeps them on the session.
    client.force_login(coordinator)
    page = reverse("measures:board_session", args=[session.pk])
    html = client.get(page).content.decode()
    form = html[html.index('data-testid="open-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="reason_early"' in form and 'name="reason_no_papers"' in form
    refused = client.post(
        reverse("measures:board_session_open", args=[session.pk]),
        {"reason_early": "Caso urgente de una periodista.", "reason_no_papers": "  "},
        follow=True,
    )
    assert "carpeta de la sesión no se envió" in refused.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    opened = client.post(
        reverse("measures:board_session_open", args=[session.pk]),
        {
            "reason_early": "Caso urgente de una periodista.",
            "reason_no_papers": "Expediente presentado en la sesión.",
        },
        follow=True,
    )
    assert "Sesión abierta." in opened.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.IN_SESSION
    reasons = dict(session.waivers.values_list("kind", "reason"))
    assert reasons == {
        SessionWaiverKind.EARLY: "Caso urgente de una periodista.",
        SessionWaiverKind.NO_PAPERS: "Expediente presentado en la sesión.",
    }
    assert "Caso urgente de una periodista." in opened.content.decode()


def test_no_quorum_message_waits_for_attendance(client, coordinator):
    session, members = bare_session(coordinator)
    client.force_login(coordinator)
    page = reverse("measures:board_session", args=[session.pk])
    html = client.get(page).content.decode()
    quorum = html[html.index('data-testid="quorum"') :][:600]
    assert "Sin quórum" not in quorum and "Asistencia aún no registrada" in quorum
    assert 'data-testid="civil-warning"' not in html
    bs.attendance_record(actor=coordinator, session=session, member=members[0], present=True)
    html = client.get(page).content.decode()
    assert "Sin quórum" in html and 'data-testid="civil-warning"' in html


def test_deciding_without_civil_society_needs_a_reason_shown_on_decision_and_letters(
    client, reception, analyst, analyst2, coordinator
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(coordinator)
    mark_present(coordinator, session, members, count=5, civil=0)
    item = item_for(coordinator, session, case)
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    bs.session_open(actor=coordinator, session=session)
    decision = record(coordinator, case, item, grant_lines(case, f.AuthorityFactory()))
    assert any("sociedad civil" in p for p in ml.decision_problems(decision))
    with pytest.raises(DomainError, match="sociedad civil"):
        bs.decision_confirm(actor=coordinator, decision=decision)

    client.force_login(coordinator)
    page = client.get(reverse("measures:board_session", args=[session.pk])).content.decode()
    assert 'name="kind" value="no_civil"' in page
    client.post(
        reverse("measures:board_session_waiver", args=[session.pk]),
        {"kind": "no_civil", "reason": "Las cuatro consejeras excusaron su asistencia."},
    )
    assert ml.decision_problems(decision) == []
    bs.decision_confirm(actor=coordinator, decision=decision)

    html = client.get(reverse("measures:board_decision", args=[decision.pk])).content.decode()
    waivers = html[html.index('data-testid="waivers"') :]
    assert "Las cuatro consejeras excusaron su asistencia." in waivers
    assert "Sesión extraordinaria adelantada" in waivers  # the fixture's early-sitting reason
    assert coordinator.display_name in waivers
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    letters = case_page[case_page.index('id="oficios"') :]
    assert 'data-testid="letter-waiver"' in letters
    assert "Las cuatro consejeras excusaron su asistencia." in letters


def test_waiver_refuses_an_empty_reason_and_a_second_one(coordinator):
    session, _members = bare_session(coordinator)
    with pytest.raises(DomainError, match="motivo"):
        bs.session_waiver_record(
            actor=coordinator, session=session, kind=SessionWaiverKind.EARLY, reason=" "
        )
    bs.session_waiver_record(
        actor=coordinator, session=session, kind=SessionWaiverKind.EARLY, reason="Urgencia."
    )
    with pytest.raises(DomainError, match="Ya consta"):
        bs.session_waiver_record(
            actor=coordinator, session=session, kind=SessionWaiverKind.EARLY, reason="Otra."
        )


def test_waiver_page_access(client, coordinator, reception):
    session, _members = bare_session(coordinator)
    url = reverse("measures:board_session_waiver", args=[session.pk])
    data = {"kind": "early", "reason": "Urgencia."}
    assert client.post(url, data).status_code == 302  # anonymous: to login
    assert "/accounts/login/" in client.post(url, data)["Location"]
    client.force_login(reception)
    assert client.post(url, data).status_code == 403
    client.force_login(coordinator)
    missing = reverse("measures:board_session_waiver", args=[987654])
    assert client.post(missing, data).status_code == 404
    assert not SessionWaiver.objects.exists()
