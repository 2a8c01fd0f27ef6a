"""Decisions of the Board and their effects on measures, through the services and the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus
from measures import services as ms
from measures.board import lifecycle as ml
from measures.board import services as bs
from measures.models import (
    AgendaItemStatus,
    Decision,
    DecisionStatus,
    GrantedMeasure,
    Letter,
    LetterStatus,
    MeasureStatus,
    RecipientKind,
    Resolution,
    WithdrawalGround,
)
from protection.errors import DomainError
from protection.models import Role

from .. import factories as f
from .board_fixtures import (
    awaiting_board_case,
    board,
    confirmed_decision,
    grant_lines,
    item_for,
    mark_present,
    record,
)

pytestmark = pytest.mark.django_db


def in_session(coordinator, case, *, attended=True):
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, case)
    if attended:
        bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    bs.session_open(actor=coordinator, session=session)
    return session, item


def follow(client, response):
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


# ---------------------------------------------------------------------------------------------
# Effects on measures (services)


def test_grant_creates_measures_with_clocks_and_plans_letters(
    reception, analyst, analyst2, coordinator
):
    authorities = [f.AuthorityFactory(), f.AuthorityFactory()]
    decision = confirmed_decision(coordinator, reception, analyst, analyst2, authorities)
    measures = list(GrantedMeasure.objects.filter(decision=decision).order_by("pk"))
    assert [m.authority for m in measures] == authorities
    for measure in measures:
        assert measure.status == MeasureStatus.GRANTED
        assert measure.notification_due_at - decision.confirmed_at == timedelta(hours=72)
        assert measure.implementation_due_at - decision.confirmed_at >= timedelta(days=29)
        assert measure.review_due_at > measure.implementation_due_at
    letters = Letter.objects.filter(decision=decision)
    assert letters.filter(recipient_kind=RecipientKind.BENEFICIARY).count() == 1
    assert set(
        letters.filter(recipient_kind=RecipientKind.AUTHORITY).values_list(
            "recipient_authority", flat=True
        )
    ) == {a.pk for a in authorities}
    decision.case.refresh_from_db()
    assert decision.case.status == CaseStatus.FOLLOW_UP


def test_extend_and_end_lines_change_existing_measures(reception, analyst, analyst2, coordinator):
    authority = f.AuthorityFactory()
    first = confirmed_decision(
        coordinator, reception, analyst, analyst2, [authority, f.AuthorityFactory()]
    )
    case = first.case
    kept, dropped = GrantedMeasure.objects.filter(decision=first).order_by("pk")
    review_before = kept.review_due_at
    _session, item = in_session(coordinator, case)
    decision = record(
        coordinator,
        case,
        item,
        [
            {"action": "extend", "target": kept, "duration_months": 6},
            {"action": "end", "target": dropped},
        ],
        resolution=Resolution.MODIFY,
    )
    bs.decision_confirm(actor=coordinator, decision=decision)
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.ended_at is None and kept.review_due_at > review_before + timedelta(days=180)
    assert dropped.ended_at is not None and dropped.ended_by_decision == decision
    assert dropped.end_reason == "replaced"


def test_withdrawal_needs_a_ground_and_respects_legal_holds(
    reception, analyst, analyst2, coordinator, follow_up
):
    first = confirmed_decision(coordinator, reception, analyst, analyst2, [f.AuthorityFactory()])
    case = first.case
    _session, item = in_session(coordinator, case)
    decision = record(coordinator, case, item, [], resolution=Resolution.WITHDRAW)
    problems = ml.decision_problems(decision)
    assert any("causales permitidas" in p for p in problems)
    decision = bs.decision_draft_update(
        actor=coordinator, decision=decision, fields={"withdrawal_ground": WithdrawalGround.PROFIT}
    )
    hold = ms.legal_hold_record(
        actor=follow_up,
        case=case,
        court="Juzgado Tercero de Distrito",
        reference="Amparo 123/2026",
        issued_on=timezone.localdate(),
    )
    with pytest.raises(DomainError, match="suspensión judicial") as refused:
        bs.decision_confirm(actor=coordinator, decision=decision)
    # The refusal names the hold, so the coordinator can look it up.
    assert "Juzgado Tercero de Distrito" in str(refused.value)
    assert "Amparo 123/2026" in str(refused.value)
    assert GrantedMeasure.objects.filter(case=case, ended_at__isnull=True).count() == 1
    ms.legal_hold_lift(
        actor=follow_up, hold=hold, lifted_on=timezone.localdate(), notes="Se negó el amparo."
    )
    bs.decision_confirm(actor=coordinator, decision=decision)
    assert not GrantedMeasure.objects.filter(case=case, ended_at__isnull=True).exists()
    # The authority whose measure ended gets a letter even though the decision had no lines.
    assert Letter.objects.filter(
        decision=decision,
        recipient_kind=RecipientKind.AUTHORITY,
        recipient_authority=first.granted_measures.get().authority,
    ).exists()


def test_votes_cannot_exceed_members_present_nor_lack_a_majority(
    reception, analyst, analyst2, coordinator, authority
):
    case = awaiting_board_case(reception, analyst, analyst2)
    _session, item = in_session(coordinator, case)
    decision = record(coordinator, case, item, grant_lines(case, authority), votes_for=6)
    assert any("sólo hay 5" in p for p in ml.decision_problems(decision))
    decision = bs.decision_draft_update(
        actor=coordinator, decision=decision, fields={"votes_for": 2, "votes_against": 3}
    )
    assert any("mayoría" in p for p in ml.decision_problems(decision))


def test_confirmed_decision_changes_only_by_a_new_decision(
    reception, analyst, analyst2, coordinator, authority
):
    first = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    with pytest.raises(DomainError, match="nuevo acuerdo"):
        bs.decision_draft_update(actor=coordinator, decision=first, fields={"votes_for": 9})
    with pytest.raises(DomainError, match="nuevo acuerdo"):
        bs.decision_line_add(
            actor=coordinator, decision=first, **grant_lines(first.case, authority)[0]
        )
    with pytest.raises(DomainError, match="nuevo acuerdo"):
        bs.decision_line_remove(actor=coordinator, line=first.lines.get())
    with pytest.raises(DomainError, match="nuevo acuerdo"):
        bs.decision_confirm(actor=coordinator, decision=first)
    first.refresh_from_db()
    assert first.votes_for == 5 and first.lines.count() == 1


def test_superseding_decision_marks_earlier_letters_superseded(
    reception, analyst, analyst2, coordinator, authority
):
    first = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    case = first.case
    old_letters = list(Letter.objects.filter(decision=first))
    assert len(old_letters) == 2
    old_measure = first.granted_measures.get()
    other = f.AuthorityFactory()
    _session, item = in_session(coordinator, case)
    second = record(
        coordinator,
        case,
        item,
        [
            {"action": "end", "target": old_measure},
            *grant_lines(case, other, code="cameras"),
        ],
        resolution=Resolution.MODIFY,
        supersedes=first,
    )
    bs.decision_confirm(actor=coordinator, decision=second)
    for letter in old_letters:
        letter.refresh_from_db()
        assert letter.status == LetterStatus.SUPERSEDED
    new_letters = Letter.objects.filter(decision=second)
    beneficiary_old = next(ln for ln in old_letters if ln.recipient_kind == "beneficiary")
    assert beneficiary_old.superseded_by == new_letters.get(recipient_kind="beneficiary")
    assert set(
        new_letters.filter(recipient_kind="authority").values_list("recipient_authority", flat=True)
    ) == {authority.pk, other.pk}
    old_measure.refresh_from_db()
    assert old_measure.ended_by_decision == second
    # A decision that was already replaced cannot be replaced a second time.
    _session, item3 = in_session(coordinator, case)
    third = record(
        coordinator,
        case,
        item3,
        grant_lines(case, other, code="patrols"),
        resolution=Resolution.GRANT,
        supersedes=first,
    )
    assert any("ya fue sustituido" in p for p in ml.decision_problems(third))


# ---------------------------------------------------------------------------------------------
# Pages


def test_coordinator_records_and_confirms_a_decision_through_the_pages(
    client, reception, analyst, analyst2, coordinator, authority
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, case, beneficiary_requested_presence=True)
    client.force_login(coordinator)
    url = reverse("measures:board_decision_record", args=[item.pk])
    data = {
        "resolution": "grant",
        "legal_basis": "Arts. 29 y 33",
        "text": "Se incorpora al Mecanismo y se otorgan medidas.",
        "confirmed_risk_level": f.level("extraordinary").pk,
        "votes_for": 5,
        "votes_against": 0,
        "votes_abstaining": 0,
        "dissent": "",
        "withdrawal_ground": "",
    }
    # Outside the session: refused with a message, nothing recorded.
    response = client.post(url, data)
    assert response.status_code == 200 and "durante la sesión" in response.content.decode()
    assert not Decision.objects.exists()
    bs.session_open(actor=coordinator, session=session)
    page = follow(client, client.post(url, data))
    decision = Decision.objects.get()
    html = page.content.decode()
    assert decision.status == DecisionStatus.DRAFT
    # The problems are listed in plain words before confirmation.
    assert "no contiene medidas" in html and "renuncia escrita" in html
    page = follow(
        client,
        client.post(
            reverse("measures:board_decision_line_add", args=[decision.pk]),
            {
                "action": "grant",
                "measure_type": f.measure_type("panic_button").pk,
                "covered": f.beneficiary_of(case).pk,
                "authority": authority.pk,
                "duration_months": 12,
                "details": "",
            },
        ),
    )
    assert decision.lines.count() == 1
    # Confirmation refused while the beneficiary who asked to attend is absent without waiver.
    page = follow(
        client, client.post(reverse("measures:board_decision_confirm", args=[decision.pk]))
    )
    assert "renuncia escrita" in page.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    follow(
        client,
        client.post(
            reverse("measures:board_item_presence", args=[item.pk]),
            {"requested": "on", "attended": "on", "absence_waiver": ""},
        ),
    )
    page = follow(
        client, client.post(reverse("measures:board_decision_confirm", args=[decision.pk]))
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CONFIRMED
    html = page.content.decode()
    assert "Medidas otorgadas y sus plazos" in html and "Oficios" in html
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.DECIDED
    # Read-only afterwards: a correction is refused with the message, nothing changes.
    page = follow(
        client,
        client.post(
            reverse("measures:board_decision_edit", args=[decision.pk]), {**data, "votes_for": 9}
        ),
    )
    assert "sólo cambia con un nuevo acuerdo" in page.content.decode()
    decision.refresh_from_db()
    assert decision.votes_for == 5


def test_decision_form_offers_only_replaceable_decisions_to_supersede(
    client, reception, analyst, analyst2, coordinator, authority
):
    first = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    _session, item = in_session(coordinator, first.case)
    client.force_login(coordinator)
    html = client.get(reverse("measures:board_decision_record", args=[item.pk])).content.decode()
    assert f'value="{first.pk}"' in html and first.number in html


def test_decision_pages_refuse_anonymous_and_other_roles(
    client, reception, analyst, analyst2, coordinator, authority
):
    decision = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    url = reverse("measures:board_decision", args=[decision.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for role in (Role.ANALYST, Role.BOARD_CIVIL, Role.FOLLOW_UP):
        client.force_login(f.UserFactory(username=f"r_{role}", role=role))
        assert client.get(url).status_code == 403
        assert (
            client.post(reverse("measures:board_decision_confirm", args=[decision.pk])).status_code
            == 403
        )
    client.force_login(coordinator)
    assert client.get(reverse("measures:board_decision", args=[999999])).status_code == 404
    assert client.get(url).status_code == 200
