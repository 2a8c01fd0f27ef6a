"""Shared set-up for the Board and letter tests: real services all the way (tests/workflows.py)."""

from datetime import timedelta

from django.utils import timezone

from cases import services as case_services
from measures.board import services as bs
from measures.models import BoardMember, Resolution, Seat, SessionKind, SessionWaiverKind
from protection.models import Role
from risk.models import RiskStudy

from .. import factories as f
from .. import workflows as wf

SEATS = [
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

# What a Board member must never read (the factories' PersonFactory values look like these).
SECRET_PHONE = "+52 951 777 0101"
SECRET_EMAIL = "refugio.secreto@example.org"
SECRET_ADDRESS = "Callejón del Resguardo 77, Barrio Alto"
SECRET_SAFE_HOUSE = "Casa de protección en Calle Oculta 5, Tlaxiaco"


def awaiting_board_case(reception, analyst, approver, *, person=None):
    person = person or f.PersonFactory.build(
        phone=SECRET_PHONE,
        email=SECRET_EMAIL,
        home_address=SECRET_ADDRESS,
        safe_contact_notes="Llamar sólo por Signal a su hermana.",
    )
    case = wf.register(reception, person=person)
    wf.admit(reception, case)
    wf.complete_study(analyst, approver, case)
    case.refresh_from_db()
    return case


def board(coordinator, *, scheduled_at=None, users=None):
    """A session with the nine voting seats; `users` maps a seat index to the user linked to that
    member. Nobody is marked present yet."""
    users = users or {}
    members = [
        BoardMember.objects.create(
            name=f"Integrante {i}", seat=seat, institution=f"Institución {seat}", user=users.get(i)
        )
        for i, seat in enumerate(SEATS)
    ]
    session = bs.session_schedule(
        actor=coordinator,
        kind=SessionKind.ORDINARY,
        scheduled_at=scheduled_at or timezone.now() + timedelta(days=7),
    )
    reasons_for_sitting_early(coordinator, session)
    return session, members


def reasons_for_sitting_early(coordinator, session):
    """These test sessions sit today, a week before their date and without sending papers:
    as in real life, only with the coordinator's recorded reasons (tests of the reasons
    themselves schedule their sessions with bs.session_schedule)."""
    bs.session_waiver_record(
        actor=coordinator,
        session=session,
        kind=SessionWaiverKind.EARLY,
        reason="Sesión extraordinaria adelantada por la urgencia del caso.",
    )
    bs.session_waiver_record(
        actor=coordinator,
        session=session,
        kind=SessionWaiverKind.NO_PAPERS,
        reason="Los expedientes se presentan en la sesión.",
    )


def mark_present(coordinator, session, members, *, count=5, civil=2):
    civil_members = [m for m in members if m.is_civil_society][:civil]
    gov = [m for m in members if not m.is_civil_society][: max(count - civil, 0)]
    for member in civil_members + gov:
        bs.attendance_record(actor=coordinator, session=session, member=member, present=True)
    return civil_members + gov


def item_for(coordinator, session, case, **kwargs):
    study = RiskStudy.objects.filter(case=case, status="approved").first()
    return bs.agenda_item_add(
        actor=coordinator,
        session=session,
        case=case,
        kind="incorporation",
        risk_study=study,
        **kwargs,
    )


def grant_lines(case, authority, *, code="panic_button", months=12, details=""):
    return [
        {
            "action": "grant",
            "measure_type": f.measure_type(code),
            "covered": f.beneficiary_of(case),
            "authority": authority,
            "duration_months": months,
            "details": details,
        }
    ]


def record(
    coordinator,
    case,
    item,
    lines,
    *,
    resolution=Resolution.GRANT,
    votes_for=5,
    supersedes=None,
    **kwargs,
):
    return bs.decision_record(
        actor=coordinator,
        case=case,
        agenda_item=item,
        resolution=resolution,
        legal_basis="Arts. 8, 29 y 33 de la Ley",
        text="Se incorporan y otorgan medidas.",
        confirmed_risk_level=f.level("extraordinary"),
        votes_for=votes_for,
        lines=lines,
        supersedes=supersedes,
        **kwargs,
    )


def confirmed_decision(
    coordinator, reception, analyst, approver, authorities, *, lines=None, case=None
):
    """A case decided at a session with quorum; `authorities` each get one granted measure."""
    case = case or awaiting_board_case(reception, analyst, approver)
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, case)
    codes = ["panic_button", "cameras", "patrols", "safe_house"]
    if lines is None:
        lines = []
        for i, authority in enumerate(authorities):
            lines += grant_lines(case, authority, code=codes[i % len(codes)], months=6 + 6 * i)
    decision = record(coordinator, case, item, lines)
    return bs.decision_confirm(actor=coordinator, decision=decision)


def board_user(username, role=Role.BOARD_CIVIL):
    return f.UserFactory(username=username, role=role)


def confirm_case_party(case):
    return f.beneficiary_of(case)


def add_party(coordinator, case, person):
    return case_services.case_person_add(
        actor=coordinator, case=case, party=person, role="relative", relationship="hija"
    )
