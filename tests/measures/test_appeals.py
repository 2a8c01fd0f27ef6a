"""Appeals (inconformidades) in the browser's pages: recorded from the case page, each step of
both tracks with its legal clock, swept and flagged, on the Board's agenda when due, on the
timeline, on the "my work" page and in the indicators."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from measures import services as ms
from measures.board import services as bs
from measures.board.lifecycle import appeal_next_step
from measures.models import (
    AgendaItemKind,
    Appeal,
    AppealStatus,
    AppealTrack,
    BoardSession,
    Decision,
    Resolution,
    SessionStatus,
)
from protection import clocks
from protection.deadlines.models import OverdueFlag, SubjectType
from protection.deadlines.sweep import deadlines_sweep
from protection.errors import TransitionNotAllowed
from protection.models import Clock, Role
from protection.reports import indicators
from risk.models import RiskStudy, StudyKind

from .. import factories as f
from .. import workflows as wf
from .board_fixtures import board, mark_present

pytestmark = pytest.mark.django_db


def held(case):
    """The session that decided the case was held (wf.grant records the decision only)."""
    BoardSession.objects.filter(agenda_items__case=case).update(
        status=SessionStatus.CLOSED, closed_at=timezone.now()
    )


def followed_case(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    decision = wf.grant(coordinator, case, authority)
    held(case)
    case.refresh_from_db()
    return case, decision


def urgent_case(reception, authority):
    case = wf.register(reception, urgent=True)
    ms.urgent_measures_issue(
        actor=reception,
        case=case,
        measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
            }
        ],
    )
    case.refresh_from_db()
    return case


def file_url(case):
    return reverse("measures:appeal_file", args=[case.pk])


def detail_url(appeal):
    return reverse("measures:appeal_detail", args=[appeal.pk])


def now_local():
    # What a person in the mechanism's zone types (the pages read it in the user's zone).
    return timezone.localtime(timezone.now(), clocks.mechanism_zone()).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def granted(reception, analyst, analyst2, coordinator, authority):
    return followed_case(reception, analyst, analyst2, coordinator, authority)


# --------------------------------------------------------------------------------------------
# Recording an appeal from the case page


def test_case_page_offers_the_appeal_to_the_coordination(client, coordinator, granted):
    case, _decision = granted
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert file_url(case) in page
    assert "Registrar inconformidad" in page


def test_coordinator_records_an_ordinary_appeal_against_a_decision(client, coordinator, granted):
    case, decision = granted
    client.force_login(coordinator)
    response = client.post(
        file_url(case),
        {
            "track": "ordinary",
            "against_decision": decision.pk,
            "filed_at": now_local(),
            "grounds": "El botón de pánico no funciona en su comunidad: no hay señal.",
        },
    )
    appeal = Appeal.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == detail_url(appeal)
    assert appeal.status == AppealStatus.NEW_STUDY
    # 30 calendar days from the decision (it was not communicated yet: from its confirmation).
    assert appeal.filing_deadline_at == clocks.due_at(Clock.APPEAL_FILING, decision.confirmed_at)
    assert (
        timedelta(days=29) < appeal.filing_deadline_at - decision.confirmed_at < timedelta(days=31)
    )
    page = client.get(detail_url(appeal)).content.decode()
    assert "Asignar el nuevo estudio de riesgo" in page  # the next step, named
    assert reverse("measures:appeal_new_study", args=[appeal.pk]) in page
    # On the case page and its timeline.
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Inconformidad presentada (Ordinaria (arts. 55–58))" in case_page


def test_appeal_without_grounds_or_object_is_refused_and_saves_nothing(
    client, coordinator, granted
):
    case, decision = granted
    client.force_login(coordinator)
    response = client.post(
        file_url(case), {"track": "ordinary", "filed_at": now_local(), "grounds": "Agravio."}
    )
    assert response.status_code == 200
    assert "Indique el acuerdo impugnado o marque que se impugna la implementación." in (
        response.content.decode()
    )
    response = client.post(
        file_url(case),
        {"track": "ordinary", "against_decision": decision.pk, "filed_at": now_local()},
    )
    assert response.status_code == 200 and "Este campo es obligatorio" in response.content.decode()
    future = (
        timezone.localtime(timezone.now(), clocks.mechanism_zone()) + timedelta(days=2)
    ).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        file_url(case),
        {"track": "ordinary", "against_decision": decision.pk, "filed_at": future, "grounds": "X"},
    )
    assert "no puede estar en el futuro" in response.content.decode()
    assert not Appeal.objects.exists()


def test_appeal_out_of_time_is_kept_as_inadmissible(client, coordinator, granted):
    case, decision = granted
    long_ago = timezone.now() - timedelta(days=40)
    Decision.objects.filter(pk=decision.pk).update(confirmed_at=long_ago, notified_at=long_ago)
    client.force_login(coordinator)
    client.post(
        file_url(case),
        {
            "track": "ordinary",
            "against_decision": decision.pk,
            "filed_at": now_local(),
            "grounds": "No estamos de acuerdo con el acuerdo.",
        },
    )
    appeal = Appeal.objects.get(case=case)
    assert appeal.status == AppealStatus.INADMISSIBLE
    assert appeal_next_step(appeal) is None
    assert "Presentada fuera del plazo legal." in client.get(detail_url(appeal)).content.decode()


def test_reception_records_only_the_urgent_track(client, reception, coordinator, authority):
    case = urgent_case(reception, authority)
    client.force_login(reception)
    page = client.get(file_url(case)).content.decode()
    assert 'value="urgent"' in page and 'value="ordinary"' not in page
    response = client.post(
        file_url(case),
        {
            "track": "ordinary",
            "against_implementation": "on",
            "filed_at": now_local(),
            "grounds": "Las medidas urgentes no llegaron.",
        },
    )
    assert response.status_code == 200 and not Appeal.objects.exists()
    client.post(
        file_url(case),
        {
            "track": "urgent",
            "against_implementation": "on",
            "filed_at": now_local(),
            "grounds": "Las medidas urgentes no llegaron.",
        },
    )
    appeal = Appeal.objects.get(case=case)
    assert appeal.track == AppealTrack.URGENT and appeal.status == AppealStatus.FILED
    assert appeal.ruling_due_at == appeal.filed_at + timedelta(hours=12)
    # The reception unit does not rule: that is the CEN's (art. 62).
    assert client.get(reverse("measures:appeal_rule_urgent", args=[appeal.pk])).status_code == 403


def test_appeal_pages_refuse_other_roles_and_other_cases(
    client, reception, analyst, follow_up, coordinator, authority, granted
):
    case, _decision = granted
    client.force_login(analyst)
    assert client.get(file_url(case)).status_code == 403
    client.force_login(follow_up)
    assert client.get(file_url(case)).status_code == 403
    # A reception caseworker who neither registered nor handles the case: 404, as if absent.
    stranger = f.UserFactory(username="recepcion_ajena", role=Role.RECEPTION)
    client.force_login(stranger)
    assert client.get(file_url(case)).status_code == 404
    appeal = bs.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        grounds="Implementación deficiente.",
        against_implementation=True,
    )
    assert client.get(detail_url(appeal)).status_code == 404
    client.logout()
    response = client.get(detail_url(appeal))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------------------------
# The urgent track


def test_urgent_appeal_is_ruled_by_the_coordination_within_its_clock(
    client, reception, coordinator, authority
):
    case = urgent_case(reception, authority)
    appeal = bs.appeal_file(
        actor=reception,
        case=case,
        track=AppealTrack.URGENT,
        grounds="La reubicación ofrecida está en la misma ciudad del agresor.",
        against_implementation=True,
    )
    later = appeal.ruling_due_at + timedelta(minutes=1)
    deadlines_sweep(now=later)
    flag = OverdueFlag.objects.get(clock=Clock.URGENT_APPEAL_RULING, cleared_at__isnull=True)
    assert (flag.subject_type, flag.subject_id, flag.case_id) == (
        SubjectType.APPEAL,
        appeal.pk,
        case.pk,
    )
    client.force_login(coordinator)
    url = reverse("measures:appeal_rule_urgent", args=[appeal.pk])
    response = client.post(url, {"upheld": "yes", "ruling": ""})
    assert response.status_code == 200
    response = client.post(
        url, {"upheld": "yes", "ruling": "Se modifica: reubicación en otra entidad."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RESOLVED and appeal.upheld is True
    assert deadlines_sweep(now=later).cleared == 1
    # Ruling twice is refused by the map, with the reason, and changes nothing.
    response = client.post(url, {"upheld": "no", "ruling": "Otra vez."})
    assert "No se puede resolver la inconformidad urgente" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.upheld is True


# --------------------------------------------------------------------------------------------
# The ordinary track, step by step


def test_ordinary_appeal_walks_every_step_with_its_clocks(
    client, reception, analyst, analyst2, coordinator, authority, granted
):
    case, decision = granted
    client.force_login(coordinator)
    client.post(
        file_url(case),
        {
            "track": "ordinary",
            "against_decision": decision.pk,
            "filed_at": now_local(),
            "grounds": "La valoración del riesgo no consideró la nueva amenaza.",
        },
    )
    appeal = Appeal.objects.get(case=case)

    # 1. The new risk study (art. 58-I): assigned from the appeal page, with its own clock.
    response = client.post(
        reverse("measures:appeal_new_study", args=[appeal.pk]), {"analyst": analyst.pk}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    study = appeal.new_study
    assert study.kind == StudyKind.APPEAL and study.analyst == analyst
    assert appeal_next_step(appeal)[1] == "analyst"
    # Not ready for the Board before the study is approved.
    session, members = board(coordinator)
    response = client.post(
        reverse("measures:appeal_agenda", args=[appeal.pk]), {"session": session.pk}
    )
    assert "falta aprobar el nuevo estudio" in response.content.decode()

    # 2. The disagreement persists: independent study, the Consejo rules in 15 days.
    response = client.post(
        reverse("measures:appeal_independent", args=[appeal.pk]), {"analyst": analyst2.pk}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.INDEPENDENT_STUDY
    assert appeal.consejo_ruling_due_at is not None
    independent = RiskStudy.objects.get(case=case, kind=StudyKind.INDEPENDENT)
    assert appeal.independent_study == independent
    late = appeal.consejo_ruling_due_at + timedelta(hours=1)
    deadlines_sweep(now=late)
    assert OverdueFlag.objects.filter(
        clock=Clock.APPEAL_CONSEJO_RULING, subject_id=appeal.pk, cleared_at__isnull=True
    ).exists()

    # 3. The Consejo's ruling: the Board must decide at its next session.
    response = client.post(
        reverse("measures:appeal_consejo", args=[appeal.pk]),
        {"ruling": "El Consejo considera fundada la inconformidad.", "independent_study": ""},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CONSEJO_RULED
    assert appeal.ruling_due_at == session.scheduled_at
    assert deadlines_sweep(now=late).cleared == 1

    # 4. On the agenda of that session (the Board's agenda shows it when due).
    response = client.post(
        reverse("measures:appeal_agenda", args=[appeal.pk]), {"session": session.pk}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    item = session.agenda_items.get()
    assert appeal.status == AppealStatus.ON_AGENDA and item.kind == AgendaItemKind.APPEAL
    assert item.appeal == appeal

    # 5. The Board resolves it: a decision that grants another measure upholds it.
    mark_present(coordinator, session, members)
    bs.session_open(actor=coordinator, session=session)
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    ruling = bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.RULE_ON_APPEAL,
        legal_basis="Art. 58 de la Ley",
        text="Se declara fundada y se otorga un teléfono satelital.",
        votes_for=5,
        confirmed_risk_level=f.level("extraordinary"),
        lines=[
            {
                "action": "grant",
                "measure_type": f.measure_type("satellite_phone"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
                "duration_months": 12,
            }
        ],
    )
    bs.decision_confirm(actor=coordinator, decision=ruling)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RESOLVED and appeal.upheld is True
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Inconformidad resuelta: Resuelta" in page


def test_board_ruling_clock_is_swept_when_no_session_takes_the_appeal(
    reception, analyst, analyst2, coordinator, authority, granted
):
    case, decision = granted
    appeal = bs.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        grounds="No se valoró la nueva amenaza.",
        against_decision=decision,
    )
    wf.complete_appeal_study(analyst, analyst2, case)
    appeal.refresh_from_db()
    # No session scheduled: the configured clock (one month) stands for "the next session".
    assert appeal.ruling_due_at is not None
    assert timedelta(days=27) < appeal.ruling_due_at - timezone.now() < timedelta(days=32)
    deadlines_sweep(now=appeal.ruling_due_at + timedelta(hours=1))
    flag = OverdueFlag.objects.get(clock=Clock.APPEAL_BOARD_RULING, cleared_at__isnull=True)
    assert flag.subject_id == appeal.pk and flag.responsible is None  # to coordination at once


def test_the_map_refuses_steps_out_of_order(coordinator, granted):
    case, decision = granted
    appeal = bs.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        grounds="Agravios.",
        against_decision=decision,
    )
    with pytest.raises(TransitionNotAllowed):
        bs.appeal_consejo_rule(actor=coordinator, appeal=appeal, ruling="Dictamen.")
    with pytest.raises(TransitionNotAllowed):
        bs.appeal_rule_urgent(actor=coordinator, appeal=appeal, upheld=True, ruling="X")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.NEW_STUDY and appeal.consejo_ruling == ""


# --------------------------------------------------------------------------------------------
# Where appeals show up: "my work", indicators


def test_coordinator_home_lists_running_appeals_with_their_next_step(client, coordinator, granted):
    case, decision = granted
    appeal = bs.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        grounds="Agravios.",
        against_decision=decision,
    )
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Inconformidades en trámite" in page
    assert detail_url(appeal) in page and "Asignar el nuevo estudio de riesgo" in page


def test_urgent_appeal_due_today_is_in_the_coordinators_due_list(
    client, reception, coordinator, authority
):
    case = urgent_case(reception, authority)
    appeal = bs.appeal_file(
        actor=reception,
        case=case,
        track=AppealTrack.URGENT,
        grounds="Insuficientes.",
        against_implementation=True,
    )
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    due = [item for item in response.context["due_items"] if item.url_arg == appeal.pk]
    assert due and due[0].url_name == "measures:appeal_detail"
    assert due[0].due_at == appeal.ruling_due_at


def test_indicators_count_appeals_filed_resolved_and_overdue(
    reception, coordinator, authority, granted
):
    case, decision = granted
    bs.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        grounds="Agravios.",
        against_decision=decision,
    )
    urgent = urgent_case(reception, authority)
    late = bs.appeal_file(
        actor=reception,
        case=urgent,
        track=AppealTrack.URGENT,
        grounds="Insuficientes.",
        against_implementation=True,
    )
    ruled = bs.appeal_file(
        actor=reception,
        case=urgent,
        track=AppealTrack.URGENT,
        grounds="Otra.",
        against_implementation=True,
    )
    bs.appeal_rule_urgent(actor=coordinator, appeal=ruled, upheld=False, ruling="Se confirma.")
    result = indicators.compute({}, now=late.ruling_due_at + timedelta(minutes=1))
    assert result.appeals["filed"] == 3
    assert result.appeals["filed_urgent"] == 2
    assert result.appeals["resolved"] == 1 and result.appeals["resolved_on_time"] == 1
    assert result.appeals["open_now"] == 2
    assert result.appeals["overdue_now"] == 1  # the urgent one past its 12 hours
