"""Services of the Governing Board: sessions, attendance and waivers, the agenda, decisions and their
effects on measures and the case, appeals, re-discussion requests, proposals to modify measures,
observations and the session papers."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import tallies
from cases.lifecycle import CASE
from cases.models import Case, CaseStatus, ClosureReason
from cases.selectors import case_visible
from measures.letters.services import letters_plan, letters_supersede_for
from measures.lifecycle import MEASURE
from measures.models import (
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
    GrantedMeasure,
    LineAction,
    MeasureEndReason,
    MeasureOrigin,
    Observation,
    RediscussionRequest,
    Resolution,
    SessionStatus,
    SessionWaiver,
    SessionWaiverKind,
    WithdrawalGround,
)
from measures.services import measure_end
from protection import access, clocks
from protection.errors import DomainError
from protection.history import save, stamp
from protection.models import Clock, Role
from protection.numbering import number_next
from protection.pdf import pdf_store
from protection.reports.facts import refresh_of

from .lifecycle import (
    AGENDA_ITEM,
    APPEAL,
    DECISION,
    GRANTING,
    PAUSING,
    REDISCUSSION,
    SESSION,
    appeal_board_due_at,
    appeal_ready_for_board,
    session_waivers_missing,
)
from .papers import papers_render
from .selectors import board_membership

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
        APPEAL.transition(
            appeal, "put_on_agenda", actor=actor, reason=_("Inconformidad en el orden del día")
        )
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
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    AGENDA_ITEM.check(item, "defer", user=actor)
    if not (reason or "").strip():
        raise DomainError(_("Indique el motivo del diferimiento."))
    # A deferred re-discussion request goes back to the queue for the next session.
    request = RediscussionRequest.objects.select_for_update().filter(agenda_item=item).first()
    if request is not None:
        REDISCUSSION.transition(
            request,
            "unschedule",
            actor=actor,
            reason=_("Punto diferido: vuelve a la lista de solicitudes"),
            agenda_item=None,
        )
    return AGENDA_ITEM.transition(
        item, "defer", actor=actor, reason=_("Punto diferido"), deferred_reason=reason
    )


@transaction.atomic
def agenda_item_presence(*, actor, item, attended, absence_waiver=""):
    access.require(actor, "board.manage")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item.beneficiary_attended = attended
    item.absence_waiver = absence_waiver
    return save(item, actor)


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
    elif action == LineAction.SUSPEND:
        if target is None or target.case_id != decision.case_id:
            raise DomainError(_("Seleccione una medida implementada de este expediente."))
        MEASURE.check(target, PAUSING[action], conditions=False)
    elif action == LineAction.RESUME:
        if target is None or target.case_id != decision.case_id:
            raise DomainError(_("Seleccione una medida suspendida de este expediente."))
        MEASURE.check(target, PAUSING[action], conditions=False)
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


@transaction.atomic
def decision_confirm(*, actor, decision):
    """Confirm a recorded decision and apply it: grant, extend or end measures, move the case,
    start the notification (72 h), implementation (30 days) and re-evaluation clocks."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    case = Case.objects.select_for_update().get(pk=decision.case_id)
    now = timezone.now()
    rules = clocks.rules()
    notification_due = clocks.due_at(Clock.NOTIFICATION, now, clock_rule=rules[Clock.NOTIFICATION])
    DECISION.transition(
        decision,
        "confirm",
        actor=actor,
        reason=_("Acuerdo confirmado"),
        confirmed_by=actor,
        confirmed_at=now,
        notification_due_at=notification_due,
    )
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
        elif line.action in PAUSING:
            target = GrantedMeasure.objects.select_for_update().get(pk=line.target_id)
            MEASURE.transition(
                target,
                PAUSING[line.action],
                actor=actor,
                reason=(
                    _("Medida suspendida por el acuerdo %(n)s")
                    if line.action == LineAction.SUSPEND
                    else _("Medida reanudada por el acuerdo %(n)s")
                )
                % {"n": decision.number},
            )
        elif line.action == LineAction.EXTEND:
            target = GrantedMeasure.objects.select_for_update().get(pk=line.target_id)
            base = max(filter(None, [target.review_due_at, now]))
            MEASURE.update(
                target,
                actor=actor,
                reason=_("Medida prorrogada"),
                review_due_at=clocks.shift(
                    base, clocks.ClockRule(line.duration_months, "months", "", "")
                ),
                duration_months=(target.duration_months or 0) + line.duration_months,
            )
        else:
            target = GrantedMeasure.objects.select_for_update().get(pk=line.target_id)
            measure_end(
                actor,
                target,
                "board_end",
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
            measure_end(actor, target, "board_end", MeasureEndReason.WITHDRAWN, decision, now)

    _apply_to_case(actor, decision, case, now)
    if decision.agenda_item_id:
        item = AgendaItem.objects.select_for_update().get(pk=decision.agenda_item_id)
        AGENDA_ITEM.transition(item, "decide", actor=actor)
        request = RediscussionRequest.objects.select_for_update().filter(agenda_item=item).first()
        if request is not None:
            REDISCUSSION.transition(
                request,
                "answer",
                actor=actor,
                reason=_("Nueva discusión resuelta por la Junta"),
                answered_at=now,
                answered_by_decision=decision,
            )
        if item.appeal_id:
            appeal = Appeal.objects.select_for_update().get(pk=item.appeal_id)
            APPEAL.transition(
                appeal,
                "board_resolve",
                actor=actor,
                reason=_("Inconformidad resuelta por la Junta"),
                ruled_at=now,
                ruling=decision.text,
                # Upheld when the Board changed the measures the beneficiary appealed about.
                upheld=decision.lines.exclude(action=LineAction.END).exists(),
            )
    if decision.supersedes_id:
        letters_supersede_for(actor=actor, decision=decision.supersedes)
    letters_plan(actor=actor, decision=decision)
    refresh_of(case)  # the measures it granted (created above, not by a step)
    tallies.refresh_of(case)  # measures in place: whether someone follows them (the home)
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
    reason = _("Acuerdo %(n)s aplicado") % {"n": decision.number}
    changes = {}
    if decision.confirmed_risk_level_id:
        changes["current_risk_level_id"] = decision.confirmed_risk_level_id
    closing = {"closed_at": now, "closure_notes": decision.text}
    if resolution == Resolution.DENY or (
        resolution == Resolution.RULE_ON_APPEAL
        and case.status == CaseStatus.AWAITING_BOARD
        and not open_measures
    ):
        step = "board_deny"
        changes.update(closing, closure_reason=ClosureReason.DENIED)
    elif resolution == Resolution.WITHDRAW and not open_measures:
        step = "board_end"
        changes.update(
            closing,
            closure_reason=ClosureReason.RISK_ENDED
            if decision.withdrawal_ground == WithdrawalGround.RISK_DECREASED
            else ClosureReason.WITHDRAWN,
        )
    elif resolution == Resolution.RULE_ON_APPEAL and case.status != CaseStatus.AWAITING_BOARD:
        # A ruling that changes no measure leaves the case where it is.
        CASE.update(case, actor=actor, reason=reason, **changes)
        return
    else:
        step = "board_protect"
        changes["reevaluation_due_at"] = clocks.due_at(Clock.REEVALUATION, now)
    CASE.transition(case, step, actor=actor, reason=reason, **changes)


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
        return APPEAL.transition(
            appeal,
            "reject_late",
            actor=actor,
            reason=_("Inconformidad fuera de plazo"),
            ruling=_("Presentada fuera del plazo legal."),
            ruled_at=now,
        )
    if track == AppealTrack.URGENT:
        appeal.ruling_due_at = clocks.due_at(Clock.URGENT_APPEAL_RULING, filed_at)
        return save(appeal, actor, _("Inconformidad presentada"))
    if CASE.allows(case, "appeal_reopen"):
        CASE.transition(
            case,
            "appeal_reopen",
            actor=actor,
            reason=_("Reabierto por inconformidad"),
            closed_at=None,
            closure_reason="",
            risk_study_due_at=clocks.due_at(Clock.RISK_STUDY, filed_at),
        )
    return APPEAL.transition(
        appeal, "order_new_study", actor=actor, reason=_("Inconformidad presentada")
    )


@transaction.atomic
def appeal_rule_urgent(*, actor, appeal, upheld, ruling):
    """Art. 62: the CEN confirms, revokes or modifies the decision within 12 hours."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    APPEAL.check(appeal, "rule_urgent", user=actor)
    if not (ruling or "").strip():
        raise DomainError(_("Escriba la resolución."))
    return APPEAL.transition(
        appeal,
        "rule_urgent",
        actor=actor,
        reason=_("Inconformidad urgente resuelta"),
        upheld=upheld,
        ruling=ruling.strip(),
        ruled_at=timezone.now(),
    )


@transaction.atomic
def appeal_request_independent_study(*, actor, appeal):
    """The disagreement persists (art. 58-II): the Consejo commissions an independent study and
    rules within 15 days. The Board's clock waits for the Consejo."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    return APPEAL.transition(
        appeal,
        "request_independent_study",
        actor=actor,
        reason=_("Estudio independiente solicitado"),
        consejo_ruling_due_at=clocks.due_at(Clock.APPEAL_CONSEJO_RULING, timezone.now()),
        ruling_due_at=None,
    )


@transaction.atomic
def appeal_consejo_rule(*, actor, appeal, ruling, independent_study=None):
    """Art. 58-III: the Consejo's ruling; the Board decides at its next session (58-IV)."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    APPEAL.check(appeal, "consejo_rule", user=actor)
    if not (ruling or "").strip():
        raise DomainError(_("Escriba el dictamen del Consejo."))
    if independent_study is not None and independent_study.case_id != appeal.case_id:
        raise DomainError(_("El estudio independiente debe ser de este expediente."))
    now = timezone.now()
    return APPEAL.transition(
        appeal,
        "consejo_rule",
        actor=actor,
        reason=_("Dictamen del Consejo"),
        consejo_ruling=ruling.strip(),
        consejo_ruled_at=now,
        independent_study=independent_study or appeal.independent_study,
        ruling_due_at=appeal_board_due_at(now),
    )


@transaction.atomic
def appeal_put_on_agenda(*, actor, appeal, session):
    """Put an ordinary-track appeal that is ready on a session's agenda (art. 58-IV)."""
    access.require(actor, "board.manage")
    appeal = (
        Appeal.objects.select_for_update(of=("self",)).select_related("new_study").get(pk=appeal.pk)
    )
    APPEAL.check(appeal, "put_on_agenda", user=actor, conditions=False)
    if not appeal_ready_for_board(appeal):
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
    without its papers sent, only with the reason for each (`reasons`: {kind: text}); the
    step's condition (measures.board.lifecycle) refuses while a reason is missing."""
    session = BoardSession.objects.select_for_update().get(pk=session.pk)
    SESSION.check(session, "open", user=actor, conditions=False)
    for kind, reason in (reasons or {}).items():
        if kind in session_waivers_missing(session) and (reason or "").strip():
            _waiver_save(actor, session, kind, reason)
    return SESSION.transition(
        session, "open", actor=actor, reason=_("Sesión abierta"), opened_at=timezone.now()
    )


@transaction.atomic
def session_close(*, actor, session):
    """Close the session. Every item must be decided or deferred with its reason first, and no
    decision may stay half-recorded."""
    session = BoardSession.objects.select_for_update().get(pk=session.pk)
    return SESSION.transition(
        session, "close", actor=actor, reason=_("Sesión concluida"), closed_at=timezone.now()
    )


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
    request = RediscussionRequest.objects.select_for_update().get(pk=request.pk)
    REDISCUSSION.check(request, "schedule", user=actor)
    item = agenda_item_add(
        actor=actor, session=session, case=request.case, kind=AgendaItemKind.REDISCUSSION
    )
    REDISCUSSION.transition(
        request,
        "schedule",
        actor=actor,
        reason=_("Nueva discusión en el orden del día"),
        agenda_item=item,
    )
    return item


@transaction.atomic
def observation_record(*, actor, item, text):
    """A civil-society member's observation on an item, before the session starts."""
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
    if SESSION.allows(session, "papers_send"):
        SESSION.transition(
            session,
            "papers_send",
            actor=actor,
            reason=_("Carpeta enviada a la Junta"),
            papers_sent_at=at,
        )
    else:  # sent late, once the session had opened: the date is kept, the state stays
        SESSION.update(
            session, actor=actor, reason=_("Carpeta enviada a la Junta"), papers_sent_at=at
        )
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
