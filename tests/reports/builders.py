"""Fixture rows with exact, chosen timestamps for the indicator tests.

Built with the ORM directly (not the services) so that each timeline is exactly the one a test
needs, including ones the services would only produce over weeks of real time. Due dates are
stored as the services store them (from the clock rules).
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from cases.models import (
    AdmissibilityDecision,
    AdmissibilityReason,
    Aggression,
    AggressionType,
    Case,
    CasePerson,
    CaseRole,
    Collective,
    Person,
    ProtectionRequest,
    State,
)
from measures.models import Decision, GrantedMeasure, MeasureType
from protection import clocks
from protection.models import Clock
from protection.reports import facts
from risk.models import Reevaluation, RiskStudy

_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


def make_case(
    *,
    actor,
    received_at,
    gender="woman",
    state="OAX",
    profile="defender",
    collective=False,
    extraordinary=False,
    urgent_after=None,
    urgent_implemented_after=None,
    admitted=None,
    reasons=(),
    study_after=None,
    decision_after=None,
    notified_after=None,
    measures=(),
    aggressions=(),
    reevaluations=(),
    closed_after=None,
    extra_requests=(),
):
    """A case and its timeline. Offsets are timedeltas from the request (study, closure),
    from the study (decision), from the decision (notification); measures are dicts with
    authority, implemented_after / ended_after (from the grant) and origin."""
    n = _next()
    state_obj = State.objects.get(code=state)
    rules = clocks.rules()
    if collective:
        party = Collective.objects.create(
            name=f"Colectivo {n}", kind="community_radio", profile_type=profile, state=state_obj
        )
    else:
        party = Person.objects.create(
            given_names=f"Persona {n}",
            family_names="Prueba",
            gender=gender,
            profile_type=profile,
            state=state_obj,
            phone=f"+52 55 0000 {n:04d}",
            email=f"p{n}@example.org",
            home_address=f"Calle {n}",
        )
    case = Case(
        file_number=f"T/{n:05d}",
        procedure="extraordinary" if extraordinary else "ordinary",
        opened_at=received_at,
        unit="URCRR",
    )
    case.risk_study_due_at = clocks.due_at(
        Clock.RISK_STUDY, received_at, clock_rule=rules[Clock.RISK_STUDY]
    )
    if extraordinary:
        case.urgent_issue_due_at = clocks.due_at(
            Clock.URGENT_ISSUE, received_at, clock_rule=rules[Clock.URGENT_ISSUE]
        )
        case.urgent_implement_due_at = clocks.due_at(
            Clock.URGENT_IMPLEMENT,
            case.urgent_issue_due_at,
            clock_rule=rules[Clock.URGENT_IMPLEMENT],
        )
        if urgent_after is not None:
            case.urgent_issued_at = received_at + urgent_after
        if urgent_implemented_after is not None:
            case.urgent_implemented_at = received_at + urgent_implemented_after
    study_at = received_at + study_after if study_after is not None else None
    decision_at = study_at + decision_after if (study_at and decision_after is not None) else None
    if admitted is False or closed_after is not None:
        case.status = "closed"
        case.closed_at = received_at + (closed_after or timedelta(days=2))
        case.closure_reason = "inadmissible" if admitted is False else "other"
    elif decision_at:
        case.status = "follow_up"
        case.reevaluation_due_at = clocks.due_at(
            Clock.REEVALUATION, decision_at, clock_rule=rules[Clock.REEVALUATION]
        )
    elif study_at:
        case.status = "awaiting_board"
    elif admitted:
        case.status = "risk_evaluation"
    case.save()
    ProtectionRequest.objects.create(
        case=case,
        received_at=received_at,
        channel="phone",
        procedure=case.procedure,
        registered_by=actor,
        facts="Hechos.",
        **({"petitioner_collective": party} if collective else {"petitioner_person": party}),
    )
    for offset in extra_requests:  # later requests on the same case
        ProtectionRequest.objects.create(
            case=case,
            received_at=received_at + offset,
            channel="email",
            procedure=case.procedure,
            registered_by=actor,
            facts="Hechos nuevos.",
            **({"petitioner_collective": party} if collective else {"petitioner_person": party}),
        )
    beneficiary = CasePerson.objects.create(
        case=case,
        role=CaseRole.BENEFICIARY,
        from_date=received_at.date(),
        **({"collective": party} if collective else {"person": party}),
    )
    if admitted is not None:
        decision = AdmissibilityDecision.objects.create(
            case=case,
            admitted=admitted,
            explanation="Motivos.",
            decided_by=actor,
            decided_at=received_at + timedelta(days=1),
        )
        decision.reasons.set(AdmissibilityReason.objects.filter(code__in=reasons))
    if study_at:
        RiskStudy.objects.create(
            case=case,
            analyst=actor,
            requested_at=received_at,
            due_at=case.risk_study_due_at,
            status="approved",
            approved_at=study_at,
        )
    decision = None
    if decision_at:
        decision = Decision.objects.create(
            case=case,
            number=f"JG/T/{n:05d}",
            resolution="grant",
            legal_basis="Ley",
            text="Acuerdo.",
            status="confirmed",
            recorded_by=actor,
            confirmed_at=decision_at,
            notification_due_at=clocks.due_at(
                Clock.NOTIFICATION, decision_at, clock_rule=rules[Clock.NOTIFICATION]
            ),
            notified_at=decision_at + notified_after if notified_after is not None else None,
        )
    for spec in measures:
        origin = spec.get("origin", "board")
        granted_at = decision_at if origin == "board" else case.urgent_issued_at
        if granted_at is None:
            continue  # nothing was granted on this timeline
        impl = spec.get("implemented_after")
        ended = spec.get("ended_after")
        GrantedMeasure.objects.create(
            case=case,
            decision=decision if origin == "board" else None,
            origin=origin,
            measure_type=MeasureType.objects.get(code=spec.get("type", "panic_button")),
            covered=beneficiary,
            authority=spec["authority"],
            granted_at=granted_at,
            details=spec.get("details", ""),
            notified_at=decision.notified_at if decision and origin == "board" else granted_at,
            implementation_due_at=clocks.due_at(
                Clock.IMPLEMENTATION, granted_at, clock_rule=rules[Clock.IMPLEMENTATION]
            ),
            implemented_at=granted_at + impl if impl is not None else None,
            ended_at=granted_at + ended if ended is not None else None,
            status="implemented" if impl is not None else "notified",
        )
    for spec in aggressions:
        occurred_on = (received_at + spec["after"]).date()
        aggression = Aggression.objects.create(
            case=case,
            occurred_on=occurred_on,
            state=State.objects.get(code=spec.get("state", state)),
            presumed_aggressor=spec.get("aggressor", "unknown"),
            description="Descripción.",
            after_request=spec["after"] >= timedelta(0),
            recorded_by=actor,
            place=spec.get("place", ""),
            victim=beneficiary,
        )
        aggression.types.set(AggressionType.objects.filter(code__in=spec.get("types", ["threat"])))
    for requested_after, approved_after in reevaluations:
        study = None
        if approved_after is not None:
            study = RiskStudy.objects.create(
                case=case,
                analyst=actor,
                kind="reevaluation",
                status="approved",
                requested_at=received_at + requested_after,
                due_at=received_at + requested_after + relativedelta(days=10),
                approved_at=received_at + approved_after,
            )
        Reevaluation.objects.create(
            case=case,
            trigger="periodic",
            requested_by=actor,
            requested_at=received_at + requested_after,
            reason="Periódica.",
            study=study,
        )
    # Rows written straight with the ORM, as a bulk loader would: their facts follow at the end.
    facts.refresh([case.pk])
    return case
