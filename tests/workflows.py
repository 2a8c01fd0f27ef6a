"""Walk a case through the lifecycle with the real services (shared by tests)."""

from datetime import timedelta

from django.utils import timezone

from cases import services as case_services
from cases.models import AdmissibilityReason
from measures.board import services as board_services
from measures.models import (
    BoardMember,
    Resolution,
    Seat,
    SessionKind,
    SessionWaiverKind,
)
from risk import services as risk_services
from risk.models import RiskStudy

from . import factories as f


def register(actor, *, urgent=False, received_at=None, person=None):
    person = person or f.PersonFactory.build()
    request = case_services.request_register(
        actor=actor,
        received_at=received_at or timezone.now() - timedelta(minutes=30),
        channel="phone",
        petitioner=person,
        beneficiaries=[person],
        declares_imminent_danger=urgent,
        facts="Recibió amenazas de muerte por su defensa del territorio.",
        consent_given=True,
        consent_evidence="Consentimiento verbal grabado en la llamada.",
    )
    return request.case


def admit(actor, case):
    return case_services.case_admissibility_decide(
        actor=actor,
        case=case,
        admitted=True,
        reasons=AdmissibilityReason.objects.filter(for_admission=True),
        explanation="Defensora comunitaria; amenazas vinculadas a su labor.",
    )


def complete_study(analyst, approver, case, *, kind="initial"):
    study = risk_services.risk_study_open(actor=analyst, case=case, analyst=analyst, kind=kind)
    return finish_study(analyst, approver, study)


def finish_study(analyst, approver, study):
    """Fill in, submit and approve an open study (its analyst writes, another approves)."""
    case = study.case
    beneficiary = f.beneficiary_of(case)
    scores = {factor: (3, f"Motivo del puntaje de {factor.code}") for factor in f.factors()}
    study = risk_services.risk_study_save(
        actor=analyst,
        study=study,
        expected_version=study.version,
        fields={
            "narrative_context": "Conflicto agrario con un grupo armado en la región.",
            "differential_considerations": "Mujer indígena zapoteca en zona rural.",
            "person_own_view": "Teme por su vida y la de sus hijas.",
            "proposed_duration_months": 12,
            "resulting_level": f.level("extraordinary"),
        },
        scores=scores,
        proposed_measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": beneficiary,
                "duration_months": 12,
                "context_notes": "Sin costo para la beneficiaria.",
            }
        ],
    )
    risk_services.risk_study_submit(actor=analyst, study=study)
    return risk_services.risk_study_approve(actor=approver, study=study)


def complete_appeal_study(analyst, approver, case):
    """The new risk study an ordinary-track appeal orders (art. 58-I), approved."""
    return complete_study(analyst, approver, case, kind="appeal")


def board_with_quorum(coordinator, *, present=5, civil=2):
    session = board_services.session_schedule(
        actor=coordinator,
        kind=SessionKind.ORDINARY,
        scheduled_at=timezone.now() + timedelta(days=7),
    )
    # It sits today, before its date and without papers: only with recorded reasons.
    for kind, reason in (
        (SessionWaiverKind.EARLY, "Sesión adelantada por la urgencia de los casos."),
        (SessionWaiverKind.NO_PAPERS, "Los expedientes se presentan en la sesión."),
    ):
        board_services.session_waiver_record(
            actor=coordinator, session=session, kind=kind, reason=reason
        )
    seats = [
        Seat.SEGOB,
        Seat.FGR,
        Seat.SSPC,
        Seat.SRE,
        Seat.CNDH,
        Seat.COUNCIL_HR,
        Seat.COUNCIL_HR,
        Seat.COUNCIL_PRESS,
        Seat.COUNCIL_PRESS,
    ]
    members = [
        BoardMember.objects.create(name=f"Integrante {i}", seat=seat, institution=seat)
        for i, seat in enumerate(seats)
    ]
    civil_members = [m for m in members if m.is_civil_society][:civil]
    gov_members = [m for m in members if not m.is_civil_society][: max(present - civil, 0)]
    for member in members:
        board_services.attendance_record(
            actor=coordinator,
            session=session,
            member=member,
            present=member in civil_members + gov_members,
        )
    return session


def grant(coordinator, case, authority, *, session=None, beneficiary_attended=True):
    session = session or board_with_quorum(coordinator)
    study = RiskStudy.objects.filter(case=case, status="approved").first()
    item = board_services.agenda_item_add(
        actor=coordinator, session=session, case=case, kind="incorporation", risk_study=study
    )
    if beneficiary_attended:
        board_services.agenda_item_presence(actor=coordinator, item=item, attended=True)
    decision = board_services.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=Resolution.GRANT,
        legal_basis="Arts. 8, 29 y 33 de la Ley",
        text="Se incorpora y se otorgan medidas.",
        confirmed_risk_level=f.level("extraordinary"),
        votes_for=5,
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
    return board_services.decision_confirm(actor=coordinator, decision=decision)
