"""Sessions, agendas, attendance, quorum, presence, papers: services and coordination pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.selectors import case_list_for
from measures.board import lifecycle as ml
from measures.board import services as bs
from measures.models import (
    AgendaItemKind,
    AgendaItemStatus,
    Attendance,
    BoardMember,
    RediscussionStatus,
    Seat,
    SessionStatus,
)
from protection.clocks import mechanism_zone
from protection.errors import DomainError
from protection.models import Role

from .. import factories as f
from .board_fixtures import (
    awaiting_board_case,
    board,
    board_user,
    grant_lines,
    item_for,
    mark_present,
    record,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Quorum, attendance, substitutes


def test_quorum_needs_half_of_voting_seats_plus_one(coordinator):
    session, members = board(coordinator)
    mark_present(coordinator, session, members, count=4, civil=1)
    present, required, ok, civil = ml.session_quorum(session)
    assert (present, required, ok, civil) == (4, 5, False, 1)
    gov = next(
        m
        for m in members
        if not m.is_civil_society and not Attendance.objects.get(session=session, member=m).present
    )
    bs.attendance_record(actor=coordinator, session=session, member=gov, present=True)
    assert ml.session_quorum(session)[:3] == (5, 5, True)


def test_invitees_do_not_count_for_quorum(coordinator):
    session, members = board(coordinator)
    mark_present(coordinator, session, members, count=4, civil=2)
    invitee = BoardMember.objects.create(name="ONU-DH", seat=Seat.INVITEE, institution="OACNUDH")
    bs.attendance_record(actor=coordinator, session=session, member=invitee, present=True)
    assert ml.session_quorum(session)[:3] == (4, 5, False)


def test_substitute_and_principal_never_both_count(coordinator):
    session, members = board(coordinator)
    principal = members[1]
    substitute = BoardMember.objects.create(
        name="Suplente FGR", seat=principal.seat, institution="FGR", substitute_for=principal
    )
    bs.attendance_record(actor=coordinator, session=session, member=principal, present=True)
    with pytest.raises(DomainError, match="suplente"):
        bs.attendance_record(actor=coordinator, session=session, member=substitute, present=True)
    bs.attendance_record(actor=coordinator, session=session, member=principal, present=False)
    bs.attendance_record(actor=coordinator, session=session, member=substitute, present=True)
    assert ml.session_quorum(session)[0] == 1
    with pytest.raises(DomainError, match="suplente"):
        bs.attendance_record(actor=coordinator, session=session, member=principal, present=True)


def test_decision_without_quorum_is_refused_with_a_clear_message(
    reception, analyst, analyst2, coordinator, authority
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(coordinator)
    mark_present(coordinator, session, members, count=3, civil=1)
    item = item_for(coordinator, session, case)
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    decision = record(coordinator, case, item, grant_lines(case, authority), votes_for=3)
    with pytest.raises(DomainError, match="No hay quórum"):
        bs.decision_confirm(actor=coordinator, decision=decision)
    case.refresh_from_db()
    assert case.status == "awaiting_board" and not case.granted_measures.exists()


# ---------------------------------------------------------------------------------------------
# Beneficiary presence


def test_absent_beneficiary_who_asked_to_be_present_blocks_the_decision(
    reception, analyst, analyst2, coordinator, authority
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, case, beneficiary_requested_presence=True)
    decision = record(coordinator, case, item, grant_lines(case, authority))
    assert any("renuncia escrita" in p for p in ml.decision_problems(decision))
    with pytest.raises(DomainError, match="renuncia escrita"):
        bs.decision_confirm(actor=coordinator, decision=decision)
    # A written waiver lets the Board decide in their absence.
    bs.agenda_item_presence(
        actor=coordinator,
        item=item,
        attended=False,
        absence_waiver="Escrito firmado del 2 de marzo: no asistirá.",
    )
    decision.refresh_from_db()
    bs.decision_confirm(actor=coordinator, decision=decision)
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.DECIDED


def test_presence_request_recorded_per_item(reception, analyst, analyst2, coordinator):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator)
    item = item_for(coordinator, session, case)
    assert item.beneficiary_requested_presence is False
    bs.agenda_item_presence_requested(actor=coordinator, item=item, requested=True)
    item.refresh_from_db()
    assert item.beneficiary_requested_presence is True


# ---------------------------------------------------------------------------------------------
# Agenda: candidates, order, deferral, contradictions, re-discussion


def test_candidates_list_cases_awaiting_the_board_once(reception, analyst, analyst2, coordinator):
    from measures.board.selectors import agenda_candidates

    case = awaiting_board_case(reception, analyst, analyst2)
    keys = [c.key for c in agenda_candidates()]
    assert f"case-{case.pk}" in keys
    candidate = next(c for c in agenda_candidates() if c.case == case)
    assert candidate.kind == AgendaItemKind.INCORPORATION
    assert candidate.study.status == "approved"
    session, _members = board(coordinator)
    item = item_for(coordinator, session, case)
    assert f"case-{case.pk}" not in [c.key for c in agenda_candidates()]
    # Deferred: the case waits for the next session again.
    bs.agenda_item_defer(actor=coordinator, item=item, reason="Falta la opinión de la CNDH.")
    assert f"case-{case.pk}" in [c.key for c in agenda_candidates()]


def test_agenda_items_move_up_and_down(reception, analyst, analyst2, coordinator):
    session, _members = board(coordinator)
    cases = [awaiting_board_case(reception, analyst, analyst2) for _ in range(3)]
    items = [item_for(coordinator, session, case) for case in cases]
    bs.agenda_item_move(actor=coordinator, item=items[2], direction="up")
    order = list(session.agenda_items.order_by("position").values_list("case_id", flat=True))
    assert order == [cases[0].pk, cases[2].pk, cases[1].pk]
    bs.agenda_item_move(actor=coordinator, item=items[0], direction="down")
    order = list(session.agenda_items.order_by("position").values_list("case_id", flat=True))
    assert order == [cases[2].pk, cases[0].pk, cases[1].pk]
    # the first item cannot go further up; nothing changes
    bs.agenda_item_move(actor=coordinator, item=items[2], direction="up")
    assert list(session.agenda_items.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]


def test_defer_needs_a_reason_and_a_pending_item(reception, analyst, analyst2, coordinator):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator)
    item = item_for(coordinator, session, case)
    with pytest.raises(DomainError, match="motivo"):
        bs.agenda_item_defer(actor=coordinator, item=item, reason="  ")
    bs.agenda_item_defer(actor=coordinator, item=item, reason="Falta información.")
    with pytest.raises(DomainError):
        bs.agenda_item_defer(actor=coordinator, item=item, reason="Otra vez.")


def test_contradiction_when_another_body_found_higher_risk(
    reception, analyst, analyst2, coordinator
):
    from measures.board.selectors import agenda_items

    case = awaiting_board_case(reception, analyst, analyst2)
    # The study found "extraordinary" (the top of the default scale): make it ordinary.
    study = case.risk_studies.get()
    study.resulting_level = f.level("ordinary")
    study.save()
    session, _members = board(coordinator)
    item = item_for(coordinator, session, case)
    assert agenda_items(session)[0].contradictions == []
    case_services.external_protection_record(
        actor=coordinator,
        case=case,
        body="iachr",
        granted_on=timezone.localdate(),
        reference="MC-123-24",
        risk_level_found=f.level("extraordinary"),
    )
    [row] = agenda_items(session)
    assert [ep.reference for ep in row.contradictions] == ["MC-123-24"]
    assert row.pk == item.pk


def test_rediscussion_request_has_a_deadline_and_is_answered_by_a_decision(
    reception, analyst, analyst2, coordinator, authority
):
    from measures.board.selectors import agenda_candidates
    from tests import workflows as wf

    case = awaiting_board_case(reception, analyst, analyst2)
    wf.grant(coordinator, case, authority)
    received = timezone.now() - timedelta(days=2)
    request = bs.rediscussion_request_record(
        actor=coordinator,
        case=case,
        requested_by_name="Colectivo de Abogadas",
        reason="No se discutió con la beneficiaria presente.",
        received_at=received,
    )
    assert request.due_at - received >= timedelta(days=29)
    assert f"rediscussion-{request.pk}" in [c.key for c in agenda_candidates()]
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = bs.agenda_item_add_rediscussion(actor=coordinator, session=session, request=request)
    request.refresh_from_db()
    assert request.status == RediscussionStatus.ON_AGENDA and request.agenda_item == item
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    measure = case.granted_measures.get()
    decision = bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution="extend",
        legal_basis="Art. 29",
        text="Se prorrogan las medidas.",
        confirmed_risk_level=f.level("extraordinary"),
        votes_for=5,
        lines=[{"action": "extend", "target": measure, "duration_months": 6}],
    )
    bs.decision_confirm(actor=coordinator, decision=decision)
    request.refresh_from_db()
    assert request.status == RediscussionStatus.ANSWERED
    assert request.answered_by_decision == decision and request.answered_at


def test_deferred_rediscussion_returns_to_the_queue(reception, analyst, analyst2, coordinator):
    case = awaiting_board_case(reception, analyst, analyst2)
    request = bs.rediscussion_request_record(
        actor=coordinator, case=case, requested_by_name="La beneficiaria", reason="Hechos nuevos."
    )
    session, _members = board(coordinator)
    item = bs.agenda_item_add_rediscussion(actor=coordinator, session=session, request=request)
    bs.agenda_item_defer(actor=coordinator, item=item, reason="Sin tiempo en la sesión.")
    request.refresh_from_db()
    assert request.status == RediscussionStatus.OPEN and request.agenda_item is None


# ---------------------------------------------------------------------------------------------
# Papers and Board access


def test_papers_frozen_once_sent_and_late_packets_flagged(
    reception, analyst, analyst2, coordinator
):
    case = awaiting_board_case(reception, analyst, analyst2)
    # Scheduled 3 days ahead: the 5-day papers deadline has already passed.
    session, _members = board(coordinator, scheduled_at=timezone.now() + timedelta(days=3))
    with pytest.raises(DomainError, match="Genere primero"):
        bs.session_papers_send(actor=coordinator, session=session)
    with pytest.raises(DomainError, match="no tiene puntos"):
        bs.session_papers_generate(actor=coordinator, session=session)
    item_for(coordinator, session, case)
    session = bs.session_papers_generate(actor=coordinator, session=session)
    first_name, first_hash = session.papers_file.name, session.papers_sha256
    assert len(first_hash) == 64
    session = bs.session_papers_send(actor=coordinator, session=session)
    assert session.status == SessionStatus.PAPERS_SENT
    assert session.papers_sent_late is True
    assert not Attendance.objects.filter(session=session, papers_sent_at__isnull=True).exists()
    with pytest.raises(DomainError, match="congelada"):
        bs.session_papers_generate(actor=coordinator, session=session)
    session.refresh_from_db()
    assert (session.papers_file.name, session.papers_sha256) == (first_name, first_hash)
    from protection.pdf import file_sha256

    assert file_sha256(session.papers_file) == first_hash


def test_papers_sent_in_time_are_not_flagged(reception, analyst, analyst2, coordinator):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator, scheduled_at=timezone.now() + timedelta(days=10))
    item_for(coordinator, session, case)
    bs.session_papers_generate(actor=coordinator, session=session)
    session = bs.session_papers_send(actor=coordinator, session=session)
    assert session.papers_sent_late is False


def test_board_member_access_starts_when_papers_are_sent(reception, analyst, analyst2, coordinator):
    member_user = board_user("consejera_t")
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator, users={5: member_user})
    item_for(coordinator, session, case)
    assert not case_list_for(member_user).filter(pk=case.pk).exists()
    bs.session_papers_generate(actor=coordinator, session=session)
    bs.session_papers_send(actor=coordinator, session=session)
    assert case_list_for(member_user).filter(pk=case.pk).exists()


def test_session_close_refuses_pending_items(reception, analyst, analyst2, coordinator):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator)
    item = item_for(coordinator, session, case)
    with pytest.raises(DomainError, match="En sesión"):
        bs.session_close(actor=coordinator, session=session)
    bs.session_open(actor=coordinator, session=session)
    with pytest.raises(DomainError, match=case.file_number):
        bs.session_close(actor=coordinator, session=session)
    bs.agenda_item_defer(actor=coordinator, item=item, reason="Sin tiempo.")
    session = bs.session_close(actor=coordinator, session=session)
    assert session.status == SessionStatus.CLOSED
    with pytest.raises(DomainError):
        bs.attendance_record(
            actor=coordinator, session=session, member=BoardMember.objects.first(), present=True
        )


# ---------------------------------------------------------------------------------------------
# Pages


def test_pages_require_login(client, coordinator):
    session, _members = board(coordinator)
    for url in [
        reverse("measures:board_sessions"),
        reverse("measures:board_session", args=[session.pk]),
        reverse("measures:board_rediscussions"),
        reverse("measures:board_portal"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "role",
    [
        Role.RECEPTION,
        Role.ANALYST,
        Role.FOLLOW_UP,
        Role.BOARD_GOVERNMENT,
        Role.BOARD_CIVIL,
        Role.CONSULTANT,
    ],
)
def test_coordination_pages_refuse_other_roles(client, coordinator, role):
    session, _members = board(coordinator)
    client.force_login(f.UserFactory(username=f"otro_{role}", role=role))
    assert client.get(reverse("measures:board_sessions")).status_code == 403
    assert client.get(reverse("measures:board_session", args=[session.pk])).status_code == 403
    response = client.post(reverse("measures:board_papers_generate", args=[session.pk]))
    assert response.status_code == 403


def test_schedule_a_session_through_the_page(client, coordinator):
    client.force_login(coordinator)
    when = timezone.localtime(timezone.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("measures:board_sessions"),
        {"kind": "ordinary", "scheduled_at": when, "place": "Sala 1"},
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert "1ª Sesión Ordinaria" in response.content.decode()
    # a date in the past is refused with the service's message, not a 500
    past = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("measures:board_sessions"), {"kind": "ordinary", "scheduled_at": past}
    )
    assert response.status_code == 200
    assert "en el futuro" in response.content.decode()


def test_session_page_shows_quorum_civil_warning_and_contradiction(
    client, reception, analyst, analyst2, coordinator
):
    case = awaiting_board_case(reception, analyst, analyst2)
    study = case.risk_studies.get()
    study.resulting_level = f.level("ordinary")
    study.save()
    case_services.external_protection_record(
        actor=coordinator,
        case=case,
        body="iachr",
        granted_on=timezone.localdate(),
        reference="MC-77-25",
        risk_level_found=f.level("extraordinary"),
    )
    session, members = board(coordinator)
    mark_present(coordinator, session, members, count=5, civil=0)
    item_for(coordinator, session, case)
    client.force_login(coordinator)
    html = client.get(reverse("measures:board_session", args=[session.pk])).content.decode()
    assert "Hay quórum: 5 integrantes" in html
    assert "Ningún integrante de la sociedad civil" in html
    assert "MC-77-25" in html and "Contradicción" in html


def test_attendance_toggle_by_htmx_returns_the_fragment(client, coordinator):
    session, members = board(coordinator)
    client.force_login(coordinator)
    url = reverse("measures:board_attendance", args=[session.pk, members[0].pk])
    response = client.post(url, {"present": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="asistencia"' in html and "<html" not in html
    assert Attendance.objects.get(session=session, member=members[0]).present


def test_agenda_add_move_and_defer_through_the_pages(
    client, reception, analyst, analyst2, coordinator
):
    cases = [awaiting_board_case(reception, analyst, analyst2) for _ in range(2)]
    session, _members = board(coordinator)
    client.force_login(coordinator)
    for case in cases:
        response = client.post(
            reverse("measures:board_agenda_add", args=[session.pk]),
            {"candidate": f"case-{case.pk}"},
        )
        assert response.status_code == 302
    items = list(session.agenda_items.order_by("position"))
    assert [i.case_id for i in items] == [c.pk for c in cases]
    response = client.post(
        reverse("measures:board_item_move", args=[items[1].pk]),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="orden-del-dia"' in response.content.decode()
    assert list(session.agenda_items.order_by("position").values_list("case_id", flat=True)) == [
        cases[1].pk,
        cases[0].pk,
    ]
    response = client.post(reverse("measures:board_item_defer", args=[items[0].pk]), {"reason": ""})
    assert response.status_code == 200  # the form again, with the field error
    response = client.post(
        reverse("measures:board_item_defer", args=[items[0].pk]),
        {"reason": "Falta el estudio independiente."},
    )
    assert response.status_code == 302
    items[0].refresh_from_db()
    assert items[0].status == AgendaItemStatus.DEFERRED


def test_sessions_list_query_count_does_not_grow(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    for days in range(10, 16):
        board(coordinator, scheduled_at=timezone.now() + timedelta(days=days))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("measures:board_sessions"))
    assert response.content.decode().count("ª Ordinaria") >= 6


def test_session_page_query_count_does_not_grow_with_items(
    client, reception, analyst, analyst2, coordinator, django_assert_max_num_queries
):
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    for _ in range(4):
        item_for(coordinator, session, awaiting_board_case(reception, analyst, analyst2))
    client.force_login(coordinator)
    with django_assert_max_num_queries(30) as captured:
        client.get(reverse("measures:board_session", args=[session.pk]))
    four = len(captured.captured_queries)
    for _ in range(3):
        item_for(coordinator, session, awaiting_board_case(reception, analyst, analyst2))
    with django_assert_max_num_queries(four):
        client.get(reverse("measures:board_session", args=[session.pk]))


def test_rediscussion_page_records_a_request(client, reception, analyst, analyst2, coordinator):
    case = awaiting_board_case(reception, analyst, analyst2)
    client.force_login(coordinator)
    # The form reads local time in the user's zone (the mechanism's by default).
    when = timezone.localtime(timezone.now(), mechanism_zone()).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("measures:board_rediscussions"),
        {
            "file_number": case.file_number,
            "requested_by_name": "Red de Periodistas",
            "received_at": when,
            "reason": "Hechos nuevos tras la sesión.",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("measures:board_rediscussions")).content.decode()
    assert "Red de Periodistas" in html and case.file_number in html
    response = client.post(
        reverse("measures:board_rediscussions"),
        {"file_number": "NO-EXISTE", "requested_by_name": "X", "received_at": when, "reason": "Y"},
    )
    assert "No existe un expediente" in response.content.decode()


def test_appeal_goes_on_the_agenda_and_is_resolved_by_the_decision(
    client, reception, analyst, analyst2, coordinator, authority
):
    from measures.board.selectors import agenda_candidates
    from measures.models import AppealStatus
    from tests import workflows as wf

    case = awaiting_board_case(reception, analyst, analyst2)
    decision = wf.grant(coordinator, case, authority)
    appeal = bs.appeal_file(
        actor=coordinator,
        case=case,
        track="ordinary",
        grounds="El botón de pánico no es adecuado en una zona sin señal.",
        against_decision=decision,
    )
    assert appeal.status == AppealStatus.NEW_STUDY
    # Not before the new study (art. 58-I) is approved.
    assert f"appeal-{appeal.pk}" not in [c.key for c in agenda_candidates()]
    wf.complete_appeal_study(analyst, analyst2, case)
    assert f"appeal-{appeal.pk}" in [c.key for c in agenda_candidates()]
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    client.force_login(coordinator)
    response = client.post(
        reverse("measures:board_agenda_add", args=[session.pk]),
        {"candidate": f"appeal-{appeal.pk}"},
    )
    assert response.status_code == 302
    item = session.agenda_items.get()
    appeal.refresh_from_db()
    assert item.kind == AgendaItemKind.APPEAL and item.appeal == appeal
    assert appeal.status == AppealStatus.ON_AGENDA
    assert f"appeal-{appeal.pk}" not in [c.key for c in agenda_candidates()]
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    ruling = bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution="rule_on_appeal",
        legal_basis="Arts. 55 a 58",
        text="Se declara infundada la inconformidad.",
        votes_for=5,
    )
    bs.decision_confirm(actor=coordinator, decision=ruling)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RESOLVED and appeal.upheld is False


def test_approved_reevaluation_is_offered_as_a_reevaluation_item(
    reception, analyst, analyst2, coordinator, follow_up, authority
):
    from measures.board.selectors import agenda_candidates
    from risk import services as risk_services
    from tests import workflows as wf

    case = awaiting_board_case(reception, analyst, analyst2)
    wf.grant(coordinator, case, authority)
    risk_services.reevaluation_open(
        actor=follow_up, case=case, trigger="new_facts", reason="Nuevas amenazas.", analyst=analyst
    )
    study = case.risk_studies.get(kind="reevaluation")
    study = risk_services.risk_study_save(
        actor=analyst,
        study=study,
        expected_version=study.version,
        fields={
            "narrative_context": "Nuevas amenazas tras una publicación.",
            "differential_considerations": "Mujer indígena.",
            "person_own_view": "Tiene miedo.",
            "proposed_duration_months": 6,
            "proposed_measures_notes": "Mantener las medidas.",
            "resulting_level": f.level("extraordinary"),
        },
        scores={factor: (3, "Se mantiene.") for factor in f.factors()},
    )
    risk_services.risk_study_submit(actor=analyst, study=study)
    risk_services.risk_study_approve(actor=analyst2, study=study)
    [candidate] = [c for c in agenda_candidates() if c.case == case]
    assert candidate.kind == AgendaItemKind.REEVALUATION and candidate.study == study
