"""Services for measures and the Board: urgent measures, implementation, legal holds, sessions,
agendas, decisions and their effects, appeals. Letters are in measures/letters.py."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import lifecycle
from cases.models import Case, CaseStatus, ClosureReason, Procedure
from protection import access, clocks
from protection.errors import DomainError
from protection.history import save, stamp
from protection.models import Clock, Role

from . import appeal_lifecycle
from .models import (
    IMPLEMENTING_EVENTS,
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    Appeal,
    AppealStatus,
    AppealTrack,
    Attendance,
    BoardMember,
    BoardSession,
    Decision,
    DecisionLine,
    DecisionStatus,
    EventKind,
    EventOutcome,
    GrantedMeasure,
    ImplementationEvent,
    LegalHold,
    LineAction,
    MeasureEndReason,
    MeasureOrigin,
    MeasureStatus,
    Observation,
    RediscussionRequest,
    RediscussionStatus,
    Resolution,
    SessionStatus,
    SessionWaiver,
    SessionWaiverKind,
    WithdrawalGround,
)

# ---------------------------------------------------------------------------------------------
# Urgent measures (extraordinary procedure)


@transaction.atomic
def urgent_measures_issue(*, actor, case, measures, issued_at=None):
    """Art. 26: URCRR issues urgent measures (≤ 3 h from the request); each must be in place
    ≤ 9 h after issue. `measures`: dicts with measure_type, covered, authority, details."""
    access.require(actor, "urgent.issue")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.procedure != Procedure.EXTRAORDINARY:
        raise DomainError(
            _(
                "Las medidas urgentes sólo proceden en el procedimiento "
                "extraordinario (peligro inminente declarado)."
            )
        )
    if not measures:
        raise DomainError(_("Indique al menos una medida urgente."))
    lifecycle.transition(case, "urgent_measures_issue")
    issued_at = issued_at or timezone.now()
    implement_rule = clocks.rule(Clock.URGENT_IMPLEMENT)
    created = []
    for item in measures:
        if item["covered"].case_id != case.pk:
            raise DomainError(_("La persona cubierta debe figurar en el expediente."))
        created.append(
            save(
                GrantedMeasure(
                    case=case,
                    origin=MeasureOrigin.URGENT,
                    measure_type=item["measure_type"],
                    covered=item["covered"],
                    authority=item["authority"],
                    details=item.get("details", ""),
                    responsible=actor,
                    granted_at=issued_at,
                    # URCRR implements directly: there is no separate notification step.
                    notified_at=issued_at,
                    status=MeasureStatus.NOTIFIED,
                    implementation_due_at=clocks.due_at(
                        Clock.URGENT_IMPLEMENT, issued_at, clock_rule=implement_rule
                    ),
                ),
                actor,
                _("Medida urgente emitida"),
            )
        )
    case.urgent_issued_at = issued_at
    # The 9-hour clock runs from issue, but never later than the one tracked from the request.
    from_issue = clocks.due_at(Clock.URGENT_IMPLEMENT, issued_at, clock_rule=implement_rule)
    case.urgent_implement_due_at = min(filter(None, [case.urgent_implement_due_at, from_issue]))
    case.recompute_next_deadline()
    save(case, actor, _("Medidas urgentes emitidas"))
    return created


# ---------------------------------------------------------------------------------------------
# Implementation


@transaction.atomic
def implementation_event_record(
    *,
    actor,
    measure,
    kind,
    occurred_at,
    notes,
    outcome=EventOutcome.NA,
    response_minutes=None,
    burden_amount=None,
    resolves=None,
):
    """Record what happened to a granted measure. A successful delivery or installation marks it
    implemented; the last urgent measure in place stops the case's urgent clock."""
    measure = GrantedMeasure.objects.select_for_update().get(pk=measure.pk)
    # Urgent measures are put in place by the reception unit itself (art. 26-II).
    if not (
        access.can(actor, "measure.implementation")
        or (measure.origin == MeasureOrigin.URGENT and access.can(actor, "urgent.implement"))
    ):
        access.require(actor, "measure.implementation")
    if measure.ended_at:
        raise DomainError(_("La medida ya concluyó; no se registran más eventos."))
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
        raise DomainError(_("La fecha del evento no puede estar en el futuro."))
    if occurred_at < measure.granted_at:
        raise DomainError(_("El evento no puede ser anterior al otorgamiento de la medida."))
    if not (notes or "").strip():
        raise DomainError(_("Describa el evento."))
    if kind == EventKind.BURDEN and burden_amount is None and not notes.strip():
        raise DomainError(_("Indique la carga o el costo para la persona beneficiaria."))
    if resolves is not None and resolves.measure_id != measure.pk:
        raise DomainError(_("La falla atendida debe ser de la misma medida."))
    event = save(
        ImplementationEvent(
            measure=measure,
            kind=kind,
            occurred_at=occurred_at,
            outcome=outcome,
            response_minutes=response_minutes,
            burden_amount=burden_amount,
            resolves=resolves,
            notes=notes,
            recorded_by=actor,
        ),
        actor,
    )
    if (
        kind in IMPLEMENTING_EVENTS
        and outcome != EventOutcome.FAILED
        and measure.implemented_at is None
    ):
        measure.implemented_at = occurred_at
        measure.status = MeasureStatus.IMPLEMENTED
        if measure.notified_at is None:
            measure.notified_at = occurred_at
        save(measure, actor, _("Medida implementada"))
        if measure.origin == MeasureOrigin.URGENT:
            _urgent_implemented_check(actor, measure.case_id)
    return event


def _urgent_implemented_check(actor, case_id):
    case = Case.objects.select_for_update().get(pk=case_id)
    pending = GrantedMeasure.objects.filter(
        case=case, origin=MeasureOrigin.URGENT, implemented_at__isnull=True, ended_at__isnull=True
    )
    if case.urgent_implemented_at is None and not pending.exists():
        case.urgent_implemented_at = (
            GrantedMeasure.objects.filter(
                case=case, origin=MeasureOrigin.URGENT, implemented_at__isnull=False
            )
            .latest("implemented_at")
            .implemented_at
        )
        case.recompute_next_deadline()
        save(case, actor, _("Medidas urgentes implementadas"))


def measure_mark_implemented(*, actor, measure, at, notes):
    """Shortcut used by forms: a delivery event that worked."""
    return implementation_event_record(
        actor=actor,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=at,
        outcome=EventOutcome.OK,
        notes=notes,
    )


def _end_measure(actor, measure, reason, decision=None, at=None):
    measure.ended_at = at or timezone.now()
    measure.end_reason = reason
    measure.status = MeasureStatus.ENDED
    measure.ended_by_decision = decision
    return save(measure, actor, _("Medida concluida"))


def measures_end_all(*, actor, case, reason):
    """End every open measure of a case (voluntary exit, closure). Caller holds the transaction."""
    ended = []
    for measure in GrantedMeasure.objects.select_for_update().filter(
        case=case, ended_at__isnull=True
    ):
        ended.append(_end_measure(actor, measure, reason))
    return ended


# ---------------------------------------------------------------------------------------------
# Legal holds


def active_holds(case, measure=None):
    holds = LegalHold.objects.filter(case=case, lifted_on__isnull=True)
    if measure is not None:
        holds = holds.filter(Q(measure__isnull=True) | Q(measure=measure))
    return holds


def _hold_label(hold):
    """The hold as a person can look it up: court, amparo number and date."""
    return _("%(court)s, expediente %(reference)s, del %(date)s") % {
        "court": hold.court,
        "reference": hold.reference,
        "date": date_format(hold.issued_on, "SHORT_DATE_FORMAT"),
    }


@transaction.atomic
def legal_hold_record(*, actor, case, court, reference, issued_on, measure=None, notes=""):
    access.require(actor, "legal_hold.record")
    if not court.strip() or not reference.strip():
        raise DomainError(_("Indique el juzgado y el número del expediente judicial."))
    return save(
        LegalHold(
            case=case,
            measure=measure,
            court=court,
            reference=reference,
            issued_on=issued_on,
            notes=notes,
            recorded_by=actor,
        ),
        actor,
        _("Suspensión judicial registrada"),
    )


@transaction.atomic
def legal_hold_lift(*, actor, hold, lifted_on, notes):
    access.require(actor, "legal_hold.record")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_on:
        raise DomainError(_("La suspensión ya fue levantada."))
    if not (notes or "").strip():
        raise DomainError(_("Indique la resolución judicial que levanta la suspensión."))
    hold.lifted_on = lifted_on
    hold.notes = f"{hold.notes}\n{notes}".strip()
    return save(hold, actor, _("Suspensión judicial levantada"))


# ---------------------------------------------------------------------------------------------
# Board sessions and agendas


@transaction.atomic
def session_schedule(*, actor, kind, scheduled_at, place=""):
    access.require(actor, "board.manage")
    if scheduled_at <= timezone.now():
        raise DomainError(_("La sesión debe programarse en el futuro."))
    last = BoardSession.objects.select_for_update().filter(kind=kind).order_by("-number").first()
    number = (last.number + 1) if last else 1
    session = save(
        BoardSession(
            kind=kind,
            number=number,
            scheduled_at=scheduled_at,
            place=place,
            papers_due_at=clocks.due_before(Clock.BOARD_PAPERS, scheduled_at),
        ),
        actor,
        _("Sesión programada"),
    )
    # Every member in office is called; attendance is recorded at the session.
    for member in BoardMember.objects.filter(active=True):
        save(Attendance(session=session, member=member, present=False), actor)
    return session


@transaction.atomic
def attendance_record(*, actor, session, member, present):
    access.require(actor, "board.manage")
    if session.status == SessionStatus.CLOSED:
        raise DomainError(_("La sesión ya concluyó; la asistencia no cambia."))
    if present:
        _seat_once_check(session, member)
    row, _created = Attendance.objects.get_or_create(session=session, member=member)
    row.present = present
    return save(row, actor)


def _seat_once_check(session, member):
    """A principal and their substitute never both count: one seat, one vote."""
    present = Attendance.objects.filter(session=session, present=True)
    if member.substitute_for_id and present.filter(member_id=member.substitute_for_id).exists():
        raise DomainError(
            _("%(principal)s ya está presente: su suplente no ocupa el lugar.")
            % {"principal": member.substitute_for.name}
        )
    substitute = present.filter(member__substitute_for=member).select_related("member").first()
    if substitute is not None:
        raise DomainError(
            _(
                "Su suplente %(substitute)s ya ocupa el lugar en esta sesión; "
                "márquelo ausente primero."
            )
            % {"substitute": substitute.member.name}
        )


@transaction.atomic
def agenda_item_add(
    *, actor, session, case, kind, risk_study=None, appeal=None, beneficiary_requested_presence=None
):
    access.require(actor, "board.manage")
    item = _agenda_item_create(
        actor=actor,
        session=session,
        case=case,
        kind=kind,
        risk_study=risk_study,
        appeal=appeal,
        beneficiary_requested_presence=beneficiary_requested_presence,
    )
    if appeal is not None and appeal.status != AppealStatus.ON_AGENDA:
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        appeal_lifecycle.transition(appeal, "put_on_agenda")
        save(appeal, actor, _("Inconformidad en el orden del día"))
    return item


def _agenda_item_create(
    *, actor, session, case, kind, risk_study=None, appeal=None, beneficiary_requested_presence=None
):
    """The item itself; callers check who may put it there. Caller holds the transaction."""
    if session.status == SessionStatus.CLOSED:
        raise DomainError(_("La sesión ya concluyó."))
    if AgendaItem.objects.filter(
        session=session, case=case, status=AgendaItemStatus.PENDING
    ).exists():
        raise DomainError(_("El expediente ya está en el orden del día de esta sesión."))
    position = AgendaItem.objects.filter(session=session).count() + 1
    if beneficiary_requested_presence is None:
        beneficiary_requested_presence = case.beneficiary_requested_presence
    return save(
        AgendaItem(
            session=session,
            case=case,
            kind=kind,
            position=position,
            risk_study=risk_study,
            appeal=appeal,
            beneficiary_requested_presence=beneficiary_requested_presence,
        ),
        actor,
        _("Agregado al orden del día"),
    )


@transaction.atomic
def agenda_item_defer(*, actor, item, reason):
    access.require(actor, "board.manage")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.status != AgendaItemStatus.PENDING:
        raise DomainError(_("Sólo se difiere un punto pendiente."))
    if Decision.objects.filter(agenda_item=item).exists():
        raise DomainError(_("El punto ya tiene un acuerdo registrado; no puede diferirse."))
    if not (reason or "").strip():
        raise DomainError(_("Indique el motivo del diferimiento."))
    item.status = AgendaItemStatus.DEFERRED
    item.deferred_reason = reason
    # A deferred re-discussion request goes back to the queue for the next session.
    request = RediscussionRequest.objects.select_for_update().filter(agenda_item=item).first()
    if request is not None:
        request.status = RediscussionStatus.OPEN
        request.agenda_item = None
        save(request, actor, _("Punto diferido: vuelve a la lista de solicitudes"))
    return save(item, actor, _("Punto diferido"))


@transaction.atomic
def agenda_item_presence(*, actor, item, attended, absence_waiver=""):
    access.require(actor, "board.manage")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.beneficiary_attended = attended
    item.absence_waiver = absence_waiver
    return save(item, actor)


def voting_seats():
    return settings.BOARD_VOTING_SEATS


def quorum_required():
    return voting_seats() // 2 + 1


def session_quorum(session):
    """(present voting members, required, has quorum, civil-society members present)."""
    present = list(
        Attendance.objects.filter(session=session, present=True).select_related("member")
    )
    voting = [a for a in present if a.member.votes]
    civil = [a for a in voting if a.member.is_civil_society]
    required = quorum_required()
    return len(voting), required, len(voting) >= required, len(civil)


# ---------------------------------------------------------------------------------------------
# Decisions


@transaction.atomic
def decision_record(
    *,
    actor,
    case,
    resolution,
    legal_basis,
    text,
    agenda_item=None,
    confirmed_risk_level=None,
    votes_for=0,
    votes_against=0,
    votes_abstaining=0,
    dissent="",
    withdrawal_ground="",
    lines=(),
    supersedes=None,
    number=None,
):
    """Record a draft decision during the session. `lines`: dicts with action, measure_type,
    covered, authority, duration_months, details, target."""
    from protection.numbering import number_next

    access.require(actor, "board.decide")
    if agenda_item is not None:
        if agenda_item.case_id != case.pk:
            raise DomainError(_("El punto del orden del día es de otro expediente."))
        if hasattr(agenda_item, "decision"):
            raise DomainError(_("Este punto ya tiene un acuerdo registrado."))
    if not (legal_basis or "").strip() or not (text or "").strip():
        raise DomainError(_("El acuerdo requiere fundamento y texto."))
    decision = save(
        Decision(
            session=agenda_item.session if agenda_item else None,
            agenda_item=agenda_item,
            case=case,
            number=number or number_next(key="decision"),
            resolution=resolution,
            legal_basis=legal_basis,
            text=text,
            confirmed_risk_level=confirmed_risk_level,
            votes_for=votes_for,
            votes_against=votes_against,
            votes_abstaining=votes_abstaining,
            dissent=dissent,
            withdrawal_ground=withdrawal_ground,
            recorded_by=actor,
            supersedes=supersedes,
        ),
        actor,
        _("Acuerdo registrado"),
    )
    for line in lines:
        decision_line_add(actor=actor, decision=decision, **line)
    return decision


def decision_line_add(
    *,
    actor,
    decision,
    action,
    measure_type=None,
    covered=None,
    authority=None,
    duration_months=None,
    details="",
    target=None,
):
    access.require(actor, "board.decide")
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError(_("El acuerdo ya fue confirmado: sólo cambia con un nuevo acuerdo."))
    if action == LineAction.GRANT:
        if not (measure_type and covered and authority):
            raise DomainError(
                _(
                    "Cada medida otorgada requiere tipo, persona cubierta y "
                    "autoridad implementadora."
                )
            )
        if covered.case_id != decision.case_id:
            raise DomainError(_("La persona cubierta debe figurar en el expediente."))
        if not duration_months:
            raise DomainError(_("Indique la duración de la medida."))
    elif action == LineAction.RESTORE:
        if target is None or target.case_id != decision.case_id or target.ended_at is None:
            raise DomainError(_("Seleccione una medida concluida de este expediente."))
        if not duration_months:
            raise DomainError(_("Indique por cuántos meses se restablece la medida."))
    else:
        if target is None or target.case_id != decision.case_id or target.ended_at:
            raise DomainError(_("Seleccione una medida vigente de este expediente."))
        if action == LineAction.EXTEND and not duration_months:
            raise DomainError(_("Indique por cuántos meses se prorroga."))
    return save(
        DecisionLine(
            decision=decision,
            action=action,
            measure_type=measure_type,
            covered=covered,
            authority=authority,
            duration_months=duration_months,
            details=details,
            target=target,
        ),
        actor,
    )


END_REASON = {
    Resolution.WITHDRAW: MeasureEndReason.WITHDRAWN,
    Resolution.REDUCE: MeasureEndReason.REDUCED,
    Resolution.MODIFY: MeasureEndReason.REPLACED,
}
PROTECTIVE = (
    Resolution.ADMIT,
    Resolution.GRANT,
    Resolution.MODIFY,
    Resolution.EXTEND,
    Resolution.REDUCE,
    Resolution.RESTORE,
)
# Lines that put a measure in place (a new promise with its own clocks).
GRANTING = (LineAction.GRANT, LineAction.RESTORE)


def decision_problems(decision):
    """Rules a decision must meet before confirmation, as user-facing sentences."""
    problems = []
    item = decision.agenda_item
    if decision.session_id:
        present, required, ok, civil = session_quorum(decision.session)
        for kind in session_waivers_missing(decision.session, civil_present=civil):
            problems.append(session_waiver_prompt(decision.session, kind))
        if not ok:
            problems.append(
                _(
                    "No hay quórum: %(present)s integrantes con voto presentes, se "
                    "requieren %(required)s."
                )
                % {"present": present, "required": required}
            )
        cast = decision.votes_for + decision.votes_against + decision.votes_abstaining
        if cast > present:
            problems.append(
                _(
                    "Se registraron %(cast)s votos pero sólo hay %(present)s "
                    "integrantes con voto presentes."
                )
                % {"cast": cast, "present": present}
            )
        if decision.votes_for <= decision.votes_against:
            problems.append(_("El acuerdo no tiene mayoría de votos a favor."))
    if item is not None:
        if item.status != AgendaItemStatus.PENDING:
            problems.append(_("El punto del orden del día no está pendiente."))
        if (
            item.beneficiary_requested_presence
            and not item.beneficiary_attended
            and not item.absence_waiver.strip()
        ):
            problems.append(
                _(
                    "La persona beneficiaria pidió estar presente y no asistió: no "
                    "puede resolverse sin su renuncia escrita."
                )
            )
    lines = list(decision.lines.all())
    if decision.resolution == Resolution.WITHDRAW:
        if not decision.withdrawal_ground:
            problems.append(_("El retiro requiere una de las causales permitidas."))
    ending = [ln for ln in lines if ln.action == LineAction.END]
    if decision.resolution == Resolution.DENY or (
        decision.resolution == Resolution.WITHDRAW and not ending
    ):
        ending_targets = list(
            GrantedMeasure.objects.filter(case=decision.case_id, ended_at__isnull=True)
        )
    else:
        ending_targets = [ln.target for ln in ending]
    for target in ending_targets:
        holds = list(active_holds(decision.case_id, target).order_by("issued_on", "pk"))
        if holds:
            problems.append(
                _("Una suspensión judicial vigente impide retirar «%(m)s»: %(holds)s.")
                % {"m": target, "holds": "; ".join(_hold_label(hold) for hold in holds)}
            )
    if decision.resolution in (Resolution.GRANT, Resolution.MODIFY, Resolution.EXTEND) and not [
        ln for ln in lines if ln.action in (*GRANTING, LineAction.EXTEND)
    ]:
        problems.append(_("El acuerdo no contiene medidas que otorgar o prorrogar."))
    if decision.resolution == Resolution.RESTORE and not [
        ln for ln in lines if ln.action == LineAction.RESTORE
    ]:
        problems.append(_("El acuerdo no contiene medidas concluidas que restablecer."))
    if decision.resolution == Resolution.REDUCE and not [
        ln for ln in lines if ln.action == LineAction.END
    ]:
        problems.append(_("Indique qué medidas concluyen con la reducción."))
    if decision.resolution in PROTECTIVE and decision.confirmed_risk_level_id is None:
        problems.append(_("Indique el nivel de riesgo que la Junta confirma."))
    if decision.supersedes_id:
        earlier = decision.supersedes
        if earlier.case_id != decision.case_id or earlier.status != DecisionStatus.CONFIRMED:
            problems.append(_("Sólo se sustituye un acuerdo confirmado del mismo expediente."))
        elif (
            Decision.objects.filter(supersedes=earlier, status=DecisionStatus.CONFIRMED)
            .exclude(pk=decision.pk)
            .exists()
        ):
            problems.append(_("El acuerdo %(n)s ya fue sustituido por otro.") % {"n": earlier})
    return problems


@transaction.atomic
def decision_confirm(*, actor, decision):
    """Confirm a recorded decision and apply it: grant, extend or end measures, move the case,
    start the notification (72 h), implementation (30 days) and re-evaluation clocks."""
    access.require(actor, "board.decide")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError(_("El acuerdo ya fue confirmado: sólo cambia con un nuevo acuerdo."))
    problems = decision_problems(decision)
    if problems:
        raise DomainError(" ".join(problems))
    case = Case.objects.select_for_update().get(pk=decision.case_id)
    now = timezone.now()
    rules = clocks.rules()
    notification_due = clocks.due_at(Clock.NOTIFICATION, now, clock_rule=rules[Clock.NOTIFICATION])
    implementation_due = clocks.due_at(
        Clock.IMPLEMENTATION, now, clock_rule=rules[Clock.IMPLEMENTATION]
    )

    follow_up_officer = case_follow_up_officer(case)
    for line in decision.lines.select_related("target").order_by("pk"):
        if line.action in GRANTING:
            # A restored measure is a new promise for the same measure, person and authority;
            # the ended one stays ended (its history is the record of the gap).
            source = line.target if line.action == LineAction.RESTORE else line
            line.result = save(
                GrantedMeasure(
                    case=case,
                    decision=decision,
                    origin=MeasureOrigin.BOARD,
                    measure_type_id=source.measure_type_id,
                    covered_id=source.covered_id,
                    authority_id=source.authority_id,
                    details=line.details or source.details,
                    granted_at=now,
                    duration_months=line.duration_months,
                    responsible=follow_up_officer,
                    notification_due_at=notification_due,
                    implementation_due_at=implementation_due,
                    review_due_at=clocks.shift(
                        now, clocks.ClockRule(line.duration_months, "months", "", "")
                    ),
                ),
                actor,
                _("Medida restablecida por la Junta")
                if line.action == LineAction.RESTORE
                else _("Medida otorgada por la Junta"),
            )
            save(line, actor)
        elif line.action == LineAction.EXTEND:
            target = GrantedMeasure.objects.select_for_update().get(pk=line.target_id)
            base = max(filter(None, [target.review_due_at, now]))
            target.review_due_at = clocks.shift(
                base, clocks.ClockRule(line.duration_months, "months", "", "")
            )
            target.duration_months = (target.duration_months or 0) + line.duration_months
            save(target, actor, _("Medida prorrogada"))
        else:
            target = GrantedMeasure.objects.select_for_update().get(pk=line.target_id)
            _end_measure(
                actor,
                target,
                END_REASON.get(decision.resolution, MeasureEndReason.REPLACED),
                decision,
                now,
            )
    ends_everything = decision.resolution == Resolution.DENY or (
        decision.resolution == Resolution.WITHDRAW
        and not decision.lines.filter(action=LineAction.END).exists()
    )
    if ends_everything:  # a denial also ends urgent measures issued while the case waited
        for target in GrantedMeasure.objects.select_for_update().filter(
            case=case, ended_at__isnull=True
        ):
            _end_measure(actor, target, MeasureEndReason.WITHDRAWN, decision, now)

    _apply_to_case(actor, decision, case, now)
    decision.status = DecisionStatus.CONFIRMED
    decision.confirmed_by = actor
    decision.confirmed_at = now
    decision.notification_due_at = notification_due
    save(decision, actor, _("Acuerdo confirmado"))
    if decision.agenda_item_id:
        item = decision.agenda_item
        item.status = AgendaItemStatus.DECIDED
        save(item, actor)
        request = RediscussionRequest.objects.select_for_update().filter(agenda_item=item).first()
        if request is not None:
            request.status = RediscussionStatus.ANSWERED
            request.answered_at = now
            request.answered_by_decision = decision
            save(request, actor, _("Nueva discusión resuelta por la Junta"))
        if item.appeal_id:
            appeal = Appeal.objects.select_for_update().get(pk=item.appeal_id)
            appeal_lifecycle.transition(appeal, "board_resolve")
            appeal.ruled_at = now
            appeal.ruling = decision.text
            # Upheld when the Board changed the measures the beneficiary appealed about.
            appeal.upheld = decision.lines.exclude(action=LineAction.END).exists()
            save(appeal, actor, _("Inconformidad resuelta por la Junta"))
    if decision.supersedes_id:
        from .letters import letters_supersede_for

        letters_supersede_for(actor=actor, decision=decision.supersedes)
    from .letters import letters_plan

    letters_plan(actor=actor, decision=decision)
    return decision


def case_follow_up_officer(case):
    """Who follows the measures the Board grants on `case`: its follow-up officer, else its
    assigned officer when she is a follow-up officer; None leaves the flags to coordination."""
    if case.follow_up_officer_id:
        return case.follow_up_officer
    officer = case.assigned_officer
    if officer is not None and officer.role == Role.FOLLOW_UP and officer.is_active:
        return officer
    return None


def _apply_to_case(actor, decision, case, now):
    open_measures = GrantedMeasure.objects.filter(case=case, ended_at__isnull=True).exists()
    resolution = decision.resolution
    if resolution == Resolution.DENY:
        lifecycle.transition(case, "board_deny")
        case.closed_at, case.closure_reason = now, ClosureReason.DENIED
        case.closure_notes = decision.text
    elif resolution == Resolution.WITHDRAW and not open_measures:
        lifecycle.transition(case, "board_end")
        case.closed_at = now
        case.closure_reason = (
            ClosureReason.RISK_ENDED
            if decision.withdrawal_ground == WithdrawalGround.RISK_DECREASED
            else ClosureReason.WITHDRAWN
        )
        case.closure_notes = decision.text
    elif resolution == Resolution.RULE_ON_APPEAL and case.status != CaseStatus.AWAITING_BOARD:
        pass  # a ruling that changes no measure leaves the case where it is
    elif resolution == Resolution.RULE_ON_APPEAL and not open_measures:
        lifecycle.transition(case, "board_deny")
        case.closed_at, case.closure_reason = now, ClosureReason.DENIED
        case.closure_notes = decision.text
    else:
        lifecycle.transition(case, "board_protect")
        case.reevaluation_due_at = clocks.due_at(Clock.REEVALUATION, now)
    if decision.confirmed_risk_level_id:
        case.current_risk_level_id = decision.confirmed_risk_level_id
    case.recompute_next_deadline()
    save(case, actor, _("Acuerdo %(n)s aplicado") % {"n": decision.number})


@transaction.atomic
def decision_mark_notified(*, actor, decision, at=None):
    """The decision was communicated to the implementing authorities (art. 29-I)."""
    access.require(actor, "measure.notify")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.CONFIRMED:
        raise DomainError(_("Sólo se comunica un acuerdo confirmado."))
    at = at or timezone.now()
    decision.notified_at = decision.notified_at or at
    save(decision, actor, _("Acuerdo comunicado"))
    for measure in GrantedMeasure.objects.select_for_update().filter(
        decision=decision, notified_at__isnull=True, ended_at__isnull=True
    ):
        measure.notified_at = at
        if measure.status == MeasureStatus.GRANTED:
            measure.status = MeasureStatus.NOTIFIED
        save(measure, actor, _("Medida comunicada"))
    return decision


# ---------------------------------------------------------------------------------------------
# Appeals (recurso de inconformidad)


@transaction.atomic
def appeal_file(
    *,
    actor,
    case,
    track,
    grounds,
    against_decision=None,
    against_implementation=False,
    filed_at=None,
):
    """File an appeal. Out of time, it is recorded as inadmissible with the reason (never lost).
    The ordinary track orders a new risk study (art. 58); the urgent track gives the CEN 12 h."""
    access.require(
        actor, "appeal.record_urgent" if track == AppealTrack.URGENT else "appeal.record"
    )
    if not (grounds or "").strip():
        raise DomainError(_("Escriba los agravios de la inconformidad."))
    if against_decision is None and not against_implementation:
        raise DomainError(_("Indique el acuerdo impugnado o que se impugna la implementación."))
    if track not in AppealTrack.values:
        raise DomainError(_("Indique la vía de la inconformidad."))
    now = timezone.now()
    filed_at = filed_at or now
    if filed_at > now + timezone.timedelta(minutes=5):
        raise DomainError(_("La fecha de presentación no puede estar en el futuro."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if against_decision is not None:
        against_decision = Decision.objects.filter(
            pk=against_decision.pk, case=case, status=DecisionStatus.CONFIRMED
        ).first()
        if against_decision is None:
            raise DomainError(_("Sólo se impugna un acuerdo confirmado de este expediente."))
    if track == AppealTrack.URGENT and not case.urgent_issued_at and against_decision is None:
        raise DomainError(
            _(
                "La vía urgente impugna decisiones del procedimiento extraordinario: este "
                "expediente no tiene medidas urgentes emitidas."
            )
        )
    filing_clock = (
        Clock.URGENT_APPEAL_FILING if track == AppealTrack.URGENT else Clock.APPEAL_FILING
    )
    deadline = None
    if against_decision is not None:
        start = against_decision.notified_at or against_decision.confirmed_at
        deadline = clocks.due_at(filing_clock, start) if start else None
    elif track == AppealTrack.URGENT and case.urgent_issued_at:
        deadline = clocks.due_at(filing_clock, case.urgent_issued_at)
    appeal = Appeal(
        case=case,
        track=track,
        against_decision=against_decision,
        against_implementation=against_implementation,
        filed_at=filed_at,
        filing_deadline_at=deadline,
        grounds=grounds.strip(),
        recorded_by=actor,
    )
    if deadline and filed_at > deadline and not against_implementation:
        appeal.status = AppealStatus.INADMISSIBLE
        appeal.ruling = _("Presentada fuera del plazo legal.")
        appeal.ruled_at = now
        return save(appeal, actor, _("Inconformidad fuera de plazo"))
    if track == AppealTrack.URGENT:
        appeal.ruling_due_at = clocks.due_at(Clock.URGENT_APPEAL_RULING, filed_at)
    else:
        appeal.status = AppealStatus.NEW_STUDY
        if case.status == CaseStatus.CLOSED:
            lifecycle.transition(case, "appeal_reopen")
            case.closed_at = None
            case.closure_reason = ""
            case.risk_study_due_at = clocks.due_at(Clock.RISK_STUDY, filed_at)
            case.recompute_next_deadline()
            save(case, actor, _("Reabierto por inconformidad"))
    return save(appeal, actor, _("Inconformidad presentada"))


@transaction.atomic
def appeal_rule_urgent(*, actor, appeal, upheld, ruling):
    """Art. 62: the CEN confirms, revokes or modifies the decision within 12 hours."""
    access.require(actor, "board.decide")
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not (ruling or "").strip():
        raise DomainError(_("Escriba la resolución."))
    appeal_lifecycle.transition(appeal, "rule_urgent")
    appeal.upheld = upheld
    appeal.ruling = ruling.strip()
    appeal.ruled_at = timezone.now()
    return save(appeal, actor, _("Inconformidad urgente resuelta"))


@transaction.atomic
def appeal_request_independent_study(*, actor, appeal):
    """The disagreement persists (art. 58-II): the Consejo commissions an independent study and
    rules within 15 days. The Board's clock waits for the Consejo."""
    access.require(actor, "board.manage")
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    appeal_lifecycle.transition(appeal, "request_independent_study")
    now = timezone.now()
    appeal.consejo_ruling_due_at = clocks.due_at(Clock.APPEAL_CONSEJO_RULING, now)
    appeal.ruling_due_at = None
    return save(appeal, actor, _("Estudio independiente solicitado"))


@transaction.atomic
def appeal_consejo_rule(*, actor, appeal, ruling, independent_study=None):
    """Art. 58-III: the Consejo's ruling; the Board decides at its next session (58-IV)."""
    access.require(actor, "board.manage")
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not (ruling or "").strip():
        raise DomainError(_("Escriba el dictamen del Consejo."))
    if independent_study is not None and independent_study.case_id != appeal.case_id:
        raise DomainError(_("El estudio independiente debe ser de este expediente."))
    appeal_lifecycle.transition(appeal, "consejo_rule")
    now = timezone.now()
    appeal.consejo_ruling = ruling.strip()
    appeal.consejo_ruled_at = now
    if independent_study is not None:
        appeal.independent_study = independent_study
    appeal.ruling_due_at = appeal_lifecycle.board_due_at(now)
    return save(appeal, actor, _("Dictamen del Consejo"))


@transaction.atomic
def appeal_put_on_agenda(*, actor, appeal, session):
    """Put an ordinary-track appeal that is ready on a session's agenda (art. 58-IV)."""
    access.require(actor, "board.manage")
    appeal = (
        Appeal.objects.select_for_update(of=("self",)).select_related("new_study").get(pk=appeal.pk)
    )
    appeal_lifecycle.check(appeal, "put_on_agenda")
    if not appeal_lifecycle.ready_for_board(appeal):
        raise DomainError(
            _("La inconformidad aún no está lista para la Junta: falta aprobar el nuevo estudio.")
        )
    if AgendaItem.objects.filter(
        appeal=appeal, status__in=[AgendaItemStatus.PENDING, AgendaItemStatus.DECIDED]
    ).exists():
        raise DomainError(_("La inconformidad ya está en un orden del día."))
    return agenda_item_add(
        actor=actor,
        session=session,
        case=appeal.case,
        kind=AgendaItemKind.APPEAL,
        appeal=appeal,
        risk_study=appeal.independent_study or appeal.new_study,
    )


def next_session():
    """The next session still open to new items: scheduled, papers not sent, in the future."""
    return (
        BoardSession.objects.filter(status=SessionStatus.SCHEDULED, scheduled_at__gt=timezone.now())
        .order_by("scheduled_at")
        .first()
    )


@transaction.atomic
def measures_modification_propose(*, actor, case, reason):
    """ "Proponer modificación de medidas": a case with measures in place goes on the next
    session's agenda with the reason; the Board's decision then reduces, modifies, extends or
    restores measures."""
    access.require(actor, "measure.propose_modification")
    if not (reason or "").strip():
        raise DomainError(_("Explique por qué se propone modificar las medidas."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in (CaseStatus.FOLLOW_UP, CaseStatus.REEVALUATION):
        raise DomainError(
            _("Sólo se propone modificar medidas de un expediente en seguimiento (ahora: «%(s)s»).")
            % {"s": case.get_status_display()}
        )
    if not GrantedMeasure.objects.filter(case=case, origin=MeasureOrigin.BOARD).exists():
        raise DomainError(_("El expediente no tiene medidas otorgadas por la Junta."))
    session = next_session()
    if session is None:
        raise DomainError(
            _(
                "No hay una próxima sesión programada con la carpeta aún sin enviar: la "
                "Coordinación debe programarla primero."
            )
        )
    item = _agenda_item_create(
        actor=actor, session=session, case=case, kind=AgendaItemKind.MODIFICATION
    )
    item.reason = reason.strip()
    item.proposed_by = actor
    item.proposed_at = timezone.now()
    return save(item, actor, _("Modificación de medidas propuesta"))


# ---------------------------------------------------------------------------------------------
# Board pages: running a session, the agenda, papers, observations, re-discussion requests


# A session may go ahead early, without its papers or without civil society only with the
# coordinator's recorded reason (SessionWaiver), never on a mere warning.


def session_waivers_needed(session, *, civil_present=None, now=None):
    """The exceptions `session` needs a reason for now: before its scheduled date (on the
    mechanism's calendar), papers never sent and — once attendance is known
    (`civil_present` not None) — no civil-society member present."""
    now = now or timezone.now()
    zone = clocks.mechanism_zone()
    needed = []
    if timezone.localdate(now, zone) < timezone.localdate(session.scheduled_at, zone):
        needed.append(SessionWaiverKind.EARLY)
    if session.papers_sent_at is None:
        needed.append(SessionWaiverKind.NO_PAPERS)
    if civil_present == 0:
        needed.append(SessionWaiverKind.NO_CIVIL_SOCIETY)
    return needed


def session_waivers_missing(session, *, civil_present=None, now=None):
    needed = session_waivers_needed(session, civil_present=civil_present, now=now)
    if not needed:
        return []
    have = set(SessionWaiver.objects.filter(session=session).values_list("kind", flat=True))
    return [kind for kind in needed if kind not in have]


def session_waiver_prompt(session, kind):
    """What the coordinator must explain, as a sentence."""
    if kind == SessionWaiverKind.EARLY:
        return _(
            "La sesión está programada para el %(date)s: registre el motivo para sesionar y "
            "decidir antes de esa fecha."
        ) % {"date": date_format(timezone.localtime(session.scheduled_at), "SHORT_DATE_FORMAT")}
    if kind == SessionWaiverKind.NO_PAPERS:
        return _(
            "La carpeta de la sesión no se envió a las personas integrantes: registre el motivo "
            "para sesionar sin ella."
        )
    return _(
        "Ningún integrante de la sociedad civil (Consejo Consultivo) está presente: registre el "
        "motivo para decidir así."
    )


def _waiver_save(actor, session, kind, reason):
    if kind not in SessionWaiverKind.values:
        raise DomainError(_("Excepción desconocida."))
    if not (reason or "").strip():
        raise DomainError(_("Escriba el motivo."))
    if SessionWaiver.objects.filter(session=session, kind=kind).exists():
        raise DomainError(_("Ya consta un motivo para esta excepción de la sesión."))
    return save(
        SessionWaiver(
            session=session,
            kind=kind,
            reason=reason.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        ),
        actor,
        _("Motivo de excepción registrado"),
    )


@transaction.atomic
def session_waiver_record(*, actor, session, kind, reason):
    """Record the reason for one exception (say, deciding with no civil society present)."""
    access.require(actor, "board.manage")
    session = BoardSession.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.CLOSED:
        raise DomainError(_("La sesión ya concluyó."))
    return _waiver_save(actor, session, kind, reason)


@transaction.atomic
def session_open(*, actor, session, reasons=None):
    """The session starts: decisions are recorded from now on. Before its scheduled date or
    without its papers sent, only with the reason for each (`reasons`: {kind: text})."""
    access.require(actor, "board.manage")
    session = BoardSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in (SessionStatus.SCHEDULED, SessionStatus.PAPERS_SENT):
        raise DomainError(_("La sesión ya fue abierta."))
    reasons = reasons or {}
    missing = session_waivers_missing(session)
    still_missing = []
    for kind in missing:
        if (reasons.get(kind) or "").strip():
            _waiver_save(actor, session, kind, reasons[kind])
        else:
            still_missing.append(kind)
    if still_missing:
        raise DomainError(" ".join(session_waiver_prompt(session, k) for k in still_missing))
    session.status = SessionStatus.IN_SESSION
    session.opened_at = timezone.now()
    return save(session, actor, _("Sesión abierta"))


@transaction.atomic
def session_close(*, actor, session):
    """Close the session. Every item must be decided or deferred with its reason first, and no
    decision may stay half-recorded."""
    access.require(actor, "board.manage")
    session = BoardSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.IN_SESSION:
        raise DomainError(_("Sólo se cierra una sesión abierta."))
    drafts = list(
        Decision.objects.filter(session=session, status=DecisionStatus.DRAFT).values_list(
            "number", flat=True
        )
    )
    if drafts:
        raise DomainError(
            _("Hay acuerdos sin confirmar: %(list)s. Confírmelos o corríjalos antes de cerrar.")
            % {"list": ", ".join(drafts)}
        )
    pending = list(
        AgendaItem.objects.filter(session=session, status=AgendaItemStatus.PENDING)
        .select_related("case")
        .order_by("position")
    )
    if pending:
        raise DomainError(
            _("Quedan puntos sin tratar: %(list)s. Resuélvalos o difiéralos con su motivo.")
            % {"list": ", ".join(i.case.file_number for i in pending)}
        )
    session.status = SessionStatus.CLOSED
    session.closed_at = timezone.now()
    return save(session, actor, _("Sesión concluida"))


@transaction.atomic
def agenda_item_move(*, actor, item, direction):
    """Move an item one place up or down the agenda."""
    access.require(actor, "board.manage")
    if direction not in ("up", "down"):
        raise DomainError(_("Dirección no válida."))
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(session_id=item.session_id)
        .order_by("position", "pk")
    )
    index = next((i for i, row in enumerate(items) if row.pk == item.pk), None)
    if index is None:
        raise DomainError(_("El punto no pertenece a la sesión."))
    if items[index].session.status == SessionStatus.CLOSED:
        raise DomainError(_("La sesión ya concluyó."))
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return items[index]
    items[index], items[other] = items[other], items[index]
    for position, row in enumerate(items, start=1):
        if row.position != position:
            row.position = position
            save(row, actor, _("Orden del día reordenado"))
    return item


@transaction.atomic
def agenda_item_presence_requested(*, actor, item, requested):
    """Record whether the beneficiary asked to be present when their case is discussed."""
    access.require(actor, "board.manage")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.status != AgendaItemStatus.PENDING:
        raise DomainError(_("El punto ya no está pendiente."))
    item.beneficiary_requested_presence = bool(requested)
    return save(item, actor, _("Solicitud de presencia registrada"))


@transaction.atomic
def rediscussion_request_record(*, actor, case, requested_by_name, reason, received_at=None):
    """A request to discuss a case again; its answer is due within Clock.REDISCUSSION."""
    access.require(actor, "board.manage")
    if not (requested_by_name or "").strip() or not (reason or "").strip():
        raise DomainError(_("Indique quién solicita la nueva discusión y por qué."))
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + timezone.timedelta(minutes=5):
        raise DomainError(_("La fecha de recepción no puede estar en el futuro."))
    return save(
        RediscussionRequest(
            case=case,
            requested_by_name=requested_by_name.strip(),
            reason=reason.strip(),
            received_at=received_at,
            due_at=clocks.due_at(Clock.REDISCUSSION, received_at),
            recorded_by=actor,
        ),
        actor,
        _("Solicitud de nueva discusión recibida"),
    )


@transaction.atomic
def agenda_item_add_rediscussion(*, actor, session, request):
    """Put an open re-discussion request on a session's agenda."""
    access.require(actor, "board.manage")
    request = RediscussionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RediscussionStatus.OPEN:
        raise DomainError(_("La solicitud ya está en un orden del día o fue resuelta."))
    item = agenda_item_add(
        actor=actor, session=session, case=request.case, kind=AgendaItemKind.REDISCUSSION
    )
    request.status = RediscussionStatus.ON_AGENDA
    request.agenda_item = item
    save(request, actor, _("Nueva discusión en el orden del día"))
    return item


@transaction.atomic
def observation_record(*, actor, item, text):
    """A civil-society member's observation on an item, before the session starts."""
    from cases.selectors import case_visible

    from .selectors_board import board_membership

    access.require(actor, "board.observe")
    item = AgendaItem.objects.select_related("session").get(pk=item.pk)
    rows = [row for row in board_membership(actor, item.session) if row.member.is_civil_society]
    if not rows or not case_visible(actor, item.case_id):
        raise DomainError(
            _(
                "Sólo integrantes de la sociedad civil convocados a esta sesión "
                "registran observaciones."
            )
        )
    session = item.session
    if (
        session.status not in (SessionStatus.SCHEDULED, SessionStatus.PAPERS_SENT)
        or session.scheduled_at <= timezone.now()
    ):
        raise DomainError(_("Las observaciones se registran antes de que inicie la sesión."))
    if item.status != AgendaItemStatus.PENDING:
        raise DomainError(_("El punto ya no está pendiente."))
    if not (text or "").strip():
        raise DomainError(_("Escriba la observación."))
    return save(
        Observation(
            agenda_item=item,
            member=rows[0].member,
            author=actor,
            text=text.strip(),
            recorded_at=timezone.now(),
        ),
        actor,
        _("Observación registrada"),
    )


@transaction.atomic
def session_papers_generate(*, actor, session):
    """Render the session's packet (agenda and one redacted dossier per item) as one PDF, stored
    under a name of its own with its SHA-256. Regenerated while unsent; frozen once sent."""
    from .rendering import papers_render, pdf_store

    access.require(actor, "board.manage")
    session = BoardSession.objects.select_for_update().get(pk=session.pk)
    if session.papers_sent_at:
        raise DomainError(_("La carpeta ya se envió a la Junta: está congelada."))
    if session.status == SessionStatus.CLOSED:
        raise DomainError(_("La sesión ya concluyó."))
    if not AgendaItem.objects.filter(session=session, status=AgendaItemStatus.PENDING).exists():
        raise DomainError(_("El orden del día no tiene puntos pendientes."))
    pdf = papers_render(session)
    name, digest = pdf_store(f"board-papers/sesion-{session.kind}-{session.number}", pdf)
    session.papers_file.name = name
    session.papers_sha256 = digest
    session.papers_generated_at = timezone.now()
    return save(session, actor, _("Carpeta de la sesión generada"))


@transaction.atomic
def session_papers_send(*, actor, session, at=None):
    """Send the frozen packet to every member called to the session. Their access to the cases
    on the agenda starts now (cases.selectors.board_case_ids). Lateness is kept, not hidden."""
    access.require(actor, "board.manage")
    session = BoardSession.objects.select_for_update().get(pk=session.pk)
    if not session.papers_file:
        raise DomainError(_("Genere primero la carpeta de la sesión."))
    if session.papers_sent_at:
        raise DomainError(_("La carpeta ya fue enviada."))
    at = at or timezone.now()
    session.papers_sent_at = at
    if session.status == SessionStatus.SCHEDULED:
        session.status = SessionStatus.PAPERS_SENT
    save(session, actor, _("Carpeta enviada a la Junta"))
    for row in Attendance.objects.select_for_update().filter(
        session=session, papers_sent_at__isnull=True
    ):
        row.papers_sent_at = at
        save(row, actor, _("Carpeta enviada"))
    return session


DRAFT_FIELDS = (
    "resolution",
    "legal_basis",
    "text",
    "confirmed_risk_level",
    "votes_for",
    "votes_against",
    "votes_abstaining",
    "dissent",
    "withdrawal_ground",
    "supersedes",
)


@transaction.atomic
def decision_draft_update(*, actor, decision, fields):
    """Correct a decision still being recorded (votes, text...). Confirmed ones never change."""
    access.require(actor, "board.decide")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError(_("El acuerdo ya fue confirmado: sólo cambia con un nuevo acuerdo."))
    for name, value in fields.items():
        if name not in DRAFT_FIELDS:
            raise DomainError(_("Campo no editable: %(name)s") % {"name": name})
        setattr(decision, name, value)
    if not (decision.legal_basis or "").strip() or not (decision.text or "").strip():
        raise DomainError(_("El acuerdo requiere fundamento y texto."))
    return save(decision, actor, _("Acuerdo en registro corregido"))


@transaction.atomic
def decision_line_remove(*, actor, line):
    access.require(actor, "board.decide")
    line = DecisionLine.objects.select_related("decision").get(pk=line.pk)
    if line.decision.status != DecisionStatus.DRAFT:
        raise DomainError(_("El acuerdo ya fue confirmado: sólo cambia con un nuevo acuerdo."))
    stamp(line, actor, _("Medida quitada del acuerdo en registro"))
    line.delete()
