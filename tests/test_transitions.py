"""Every guarded transition, allowed and refused; refused steps change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.lifecycle import CASE
from cases.models import AdmissibilityReason, Case, CaseStatus
from measures import services as measure_services
from measures.board import services as board_services
from measures.models import BoardSession, Decision, DecisionStatus, Resolution, WithdrawalGround
from protection import transitions
from protection.errors import DomainError, PermissionDenied, TransitionNotAllowed
from risk import services as risk_services

from . import factories as f
from . import workflows as wf


def _stub(machine, state):
    """An unsaved record of the machine's model in `state`, with what its message names."""
    from measures.models import MeasureType
    from protection.models import User

    obj = machine.model(**{machine.field: state})
    case = Case(file_number="T/1")
    related = {
        "case": case,
        "measure_type": MeasureType(name="Escolta"),
        "number": "N/1",
        "kind": "ordinary",
        "scheduled_at": timezone.now(),
        "recipient": User(username="x"),
    }
    names = {f.name for f in machine.model._meta.get_fields()}
    for name, value in related.items():
        if name in names and not (name == "number" and machine.model is BoardSession):
            setattr(obj, name, value)
    if machine.model is BoardSession:
        obj.number = 1
    if machine.model is Case:
        obj.file_number = "T/1"
    return obj


MAP_CASES = [
    (label, step, state)
    for label, machine in sorted(transitions.machines().items())
    for step in machine.steps
    for state in machine.states.values
]


@pytest.mark.parametrize(("label", "step", "state"), MAP_CASES)
def test_every_map_allows_exactly_its_sources(label, step, state):
    """Every move of every map: from a source state the step is allowed and leads to its target;
    from any other state it is refused with a Spanish sentence and the record is unchanged."""
    machine = transitions.machines()[label]
    obj = _stub(machine, state)
    rule = machine.steps[step]
    if state in rule.sources:
        assert machine.refusal(obj, step, conditions=False) is None
        if rule.guard is None:  # steps with legal conditions are walked by the service tests
            machine.transition(obj, step, actor=None, save=False)
            assert machine.state_of(obj) == rule.target
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            machine.transition(obj, step, actor=None, save=False, touched=True)
        message = str(refused.value)
        assert message.startswith("No se puede ")
        assert machine.label_of(state) in message  # says where the record is
        assert machine.state_of(obj) == state
        assert not hasattr(obj, "touched")  # nothing was set before the refusal


pytestmark = pytest.mark.django_db


def test_refused_steps_on_saved_records_change_nothing(
    reception, analyst, analyst2, coordinator, authority
):
    """On real rows of every kind a Board decision touches, each step the map does not allow
    from the row's state is refused and leaves the row and its history as they were."""
    from measures.board.lifecycle import AGENDA_ITEM, DECISION, SESSION
    from measures.letters.lifecycle import LETTER
    from measures.lifecycle import MEASURE
    from tests.measures.board_fixtures import confirmed_decision

    decision = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    rows = [
        (CASE, decision.case),
        (DECISION, decision),
        (AGENDA_ITEM, decision.agenda_item),
        (SESSION, decision.session),
        (MEASURE, decision.granted_measures.get()),
        (LETTER, decision.letters.first()),
    ]
    tried = 0
    for machine, row in rows:
        state = machine.state_of(row)
        for step, rule in machine.steps.items():
            if state in rule.sources:
                continue
            before = (state, row.history.count())
            # Refused for the state, or first for the role (a step only another role takes,
            # such as the authority's acknowledgement in its portal).
            with pytest.raises((TransitionNotAllowed, PermissionDenied)):
                machine.transition(row, step, actor=coordinator, closure_notes="x")
            row.refresh_from_db()
            assert (machine.state_of(row), row.history.count()) == before, (machine, step)
            tried += 1
    assert tried >= 10


def _snapshot(case):
    case.refresh_from_db()
    return (case.status, case.version, case.history.count())


def test_admitting_twice_is_refused_and_changes_nothing(reception):
    case = wf.register(reception)
    wf.admit(reception, case)
    before = _snapshot(case)
    with pytest.raises(DomainError):
        wf.admit(reception, case)
    assert _snapshot(case) == before


def test_admissibility_needs_reasons_of_the_right_kind_and_an_explanation(reception):
    case = wf.register(reception)
    before = _snapshot(case)
    rejection_reasons = AdmissibilityReason.objects.filter(for_admission=False)
    for reasons, explanation in [
        ([], "x"),
        (rejection_reasons, "x"),
        (AdmissibilityReason.objects.filter(for_admission=True), " "),
    ]:
        with pytest.raises(DomainError):
            case_services.case_admissibility_decide(
                actor=reception, case=case, admitted=True, reasons=reasons, explanation=explanation
            )
    assert _snapshot(case) == before


def test_wrong_role_is_refused(analyst):
    with pytest.raises(PermissionDenied):
        wf.register(analyst)


def test_urgent_measures_only_on_the_extraordinary_route(reception, authority):
    case = wf.register(reception, urgent=False)
    before = _snapshot(case)
    with pytest.raises(DomainError):
        measure_services.urgent_measures_issue(
            actor=reception,
            case=case,
            measures=[
                {
                    "measure_type": f.measure_type("escorts"),
                    "covered": f.beneficiary_of(case),
                    "authority": authority,
                }
            ],
        )
    assert _snapshot(case) == before and not case.granted_measures.exists()


def test_request_without_consent_needs_the_serious_cause(reception):
    person = f.PersonFactory.build()
    with pytest.raises(DomainError):
        case_services.request_register(
            actor=reception,
            received_at=timezone.now(),
            channel="phone",
            petitioner=person,
            beneficiaries=[person],
            declares_imminent_danger=False,
            facts="Amenazas.",
            consent_given=False,
        )
    assert not Case.objects.exists()


def test_study_approval_by_its_own_analyst_is_refused(reception, analyst):
    case = wf.register(reception)
    wf.admit(reception, case)
    with pytest.raises(DomainError):
        wf.complete_study(analyst, analyst, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.RISK_EVALUATION


def test_incomplete_study_cannot_be_submitted(reception, analyst):
    case = wf.register(reception)
    wf.admit(reception, case)
    study = risk_services.risk_study_open(actor=analyst, case=case, analyst=analyst)
    with pytest.raises(DomainError) as refused:
        risk_services.risk_study_submit(actor=analyst, study=study)
    assert "contexto" in str(refused.value)
    study.refresh_from_db()
    assert study.status == "draft"


def test_decision_without_quorum_is_refused(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    session = wf.board_with_quorum(coordinator, present=3, civil=1)
    item = board_services.agenda_item_add(
        actor=coordinator, session=session, case=case, kind="incorporation"
    )
    board_services.agenda_item_presence(actor=coordinator, item=item, attended=True)
    decision = board_services.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.GRANT,
        legal_basis="Art. 29",
        text="Se otorgan.",
        confirmed_risk_level=f.level("ordinary"),
        votes_for=3,
        lines=[
            {
                "action": "grant",
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
                "duration_months": 12,
            }
        ],
    )
    with pytest.raises(DomainError, match="quórum"):
        board_services.decision_confirm(actor=coordinator, decision=decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT and not case.granted_measures.exists()


def test_absent_beneficiary_who_asked_to_attend_blocks_the_decision(
    reception, analyst, analyst2, coordinator, authority
):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    session = wf.board_with_quorum(coordinator)
    item = board_services.agenda_item_add(
        actor=coordinator,
        session=session,
        case=case,
        kind="incorporation",
        beneficiary_requested_presence=True,
    )
    decision = board_services.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.DENY,
        legal_basis="Art. 29",
        text="Se niega.",
        votes_for=5,
    )
    with pytest.raises(DomainError, match="presente"):
        board_services.decision_confirm(actor=coordinator, decision=decision)
    board_services.agenda_item_presence(
        actor=coordinator,
        item=item,
        attended=False,
        absence_waiver="Renuncia firmada el 2 de mayo.",
    )
    board_services.decision_confirm(actor=coordinator, decision=decision)


def test_withdrawal_needs_a_ground_and_is_refused_under_a_legal_hold(
    reception, analyst, analyst2, coordinator, authority
):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)

    def withdrawal(ground):
        session = wf.board_with_quorum(coordinator)
        item = board_services.agenda_item_add(
            actor=coordinator, session=session, case=case, kind="withdrawal"
        )
        board_services.agenda_item_presence(actor=coordinator, item=item, attended=True)
        return board_services.decision_record(
            actor=coordinator,
            case=case,
            agenda_item=item,
            resolution=Resolution.WITHDRAW,
            legal_basis="Art. 37",
            text="Se retiran.",
            votes_for=5,
            confirmed_risk_level=f.level("ordinary"),
            withdrawal_ground=ground,
        )

    no_ground = withdrawal("")
    with pytest.raises(DomainError, match="causal"):
        board_services.decision_confirm(actor=coordinator, decision=no_ground)
    measure_services.legal_hold_record(
        actor=coordinator,
        case=case,
        court="Juzgado 3o",
        reference="Amparo 123/2026",
        issued_on=timezone.localdate() - timedelta(days=1),
    )
    held = withdrawal(WithdrawalGround.ABANDON)
    with pytest.raises(DomainError, match="suspensión judicial"):
        board_services.decision_confirm(actor=coordinator, decision=held)
    assert case.granted_measures.filter(ended_at__isnull=True).count() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP


def test_confirmed_decision_changes_only_by_a_new_decision(
    reception, analyst, analyst2, coordinator, authority
):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    decision = wf.grant(coordinator, case, authority)
    with pytest.raises(DomainError):
        board_services.decision_confirm(actor=coordinator, decision=decision)
    with pytest.raises(DomainError):
        board_services.decision_line_add(
            actor=coordinator, decision=decision, action="end", target=case.granted_measures.get()
        )
    assert Decision.objects.get(pk=decision.pk).lines.count() == 1


def test_closing_with_open_measures_is_refused(
    reception, analyst, analyst2, coordinator, authority
):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    with pytest.raises(DomainError):
        case_services.case_close(actor=coordinator, case=case, reason="other", notes="Cierre.")
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP


POLICY_CASES = [
    (label, step)
    for label, machine in sorted(transitions.machines().items())
    for step, rule in machine.steps.items()
    if isinstance(rule.policy, str)
]


@pytest.mark.parametrize(("label", "step"), POLICY_CASES)
def test_every_step_refuses_a_role_its_policy_does_not_name(label, step):
    from protection.access import POLICY
    from protection.models import Role, User

    machine = transitions.machines()[label]
    rule = machine.steps[step]
    outsider = next(role for role in Role if role not in POLICY[rule.policy])
    obj = _stub(machine, rule.sources[0])
    user = User(username="fuera", role=outsider, is_active=True)
    assert "rol" in machine.refusal(obj, step, user=user)
    with pytest.raises(PermissionDenied):
        machine.transition(obj, step, actor=user, save=False)
    assert machine.state_of(obj) == rule.sources[0]
