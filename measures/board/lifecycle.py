"""The Governing Board's maps: how a session, an agenda item, a decision, a re-discussion request
and an appeal may move, with the legal conditions each step checks — quorum, the coordinator's
recorded waivers, the beneficiary's presence, court holds on the measures a decision ends — and the
predicates the Board's pages and services share (protection/transitions.py).

Appeals (recursos de inconformidad). Ordinary track (arts. 55–58): filed → new risk study → (if
the disagreement persists) independent study → Consejo ruling (≤ 15 days) → on the Board's agenda
→ resolved by the Board at its next session. Urgent track (arts. 59–62): filed → the CEN confirms,
revokes or modifies within 12 hours. An appeal filed out of time is recorded as inadmissible with
the reason, never lost.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measures.lifecycle import MEASURE
from measures.models import (
    AgendaItem,
    AgendaItemStatus,
    Appeal,
    AppealTrack,
    Attendance,
    BoardSession,
    Decision,
    DecisionStatus,
    GrantedMeasure,
    LineAction,
    RediscussionRequest,
    RediscussionStatus,
    Resolution,
    SessionStatus,
    SessionWaiver,
    SessionWaiverKind,
)
from measures.models import AppealStatus as A
from protection import clocks
from protection.models import Clock, Role
from protection.reports.facts import refresh_of
from protection.transitions import StateMachine, Step

# ---------------------------------------------------------------------------------------------
# Board sessions


def _close_conditions(session, user):
    problems = []
    drafts = list(
        Decision.objects.filter(session=session, status=DecisionStatus.DRAFT).values_list(
            "number", flat=True
        )
    )
    if drafts:
        problems.append(
            _("Hay acuerdos sin confirmar: %(list)s. Confírmelos o corríjalos antes de cerrar.")
            % {"list": ", ".join(drafts)}
        )
    pending = list(
        AgendaItem.objects.filter(session=session, status=AgendaItemStatus.PENDING)
        .select_related("case")
        .order_by("position")
    )
    if pending:
        problems.append(
            _("Quedan puntos sin tratar: %(list)s. Resuélvalos o difiéralos con su motivo.")
            % {"list": ", ".join(i.case.file_number for i in pending)}
        )
    return problems


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


def _open_conditions(session, user):
    return [session_waiver_prompt(session, kind) for kind in session_waivers_missing(session)]


SESSION = StateMachine(
    BoardSession,
    states=SessionStatus,
    describe=lambda s: _("la sesión %(s)s") % {"s": s},
    steps=[
        Step(
            "papers_send",
            (SessionStatus.SCHEDULED,),
            SessionStatus.PAPERS_SENT,
            gettext_lazy("enviar la carpeta a la Junta"),
            policy="board.manage",
        ),
        Step(
            "open",
            (SessionStatus.SCHEDULED, SessionStatus.PAPERS_SENT),
            SessionStatus.IN_SESSION,
            gettext_lazy("abrir la sesión"),
            policy="board.manage",
            guard=_open_conditions,
        ),
        Step(
            "close",
            (SessionStatus.IN_SESSION,),
            SessionStatus.CLOSED,
            gettext_lazy("cerrar la sesión"),
            policy="board.manage",
            guard=_close_conditions,
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# Agenda items


def _no_decision_yet(item, user):
    if Decision.objects.filter(agenda_item=item).exists():
        return [_("El punto ya tiene un acuerdo registrado; no puede diferirse.")]
    return []


AGENDA_ITEM = StateMachine(
    AgendaItem,
    states=AgendaItemStatus,
    describe=lambda i: _("el punto de %(file)s") % {"file": i.case},
    steps=[
        Step(
            "defer",
            (AgendaItemStatus.PENDING,),
            AgendaItemStatus.DEFERRED,
            gettext_lazy("diferir el punto"),
            policy="board.manage",
            guard=_no_decision_yet,
        ),
        Step(
            "decide",
            (AgendaItemStatus.PENDING,),
            AgendaItemStatus.DECIDED,
            gettext_lazy("resolver el punto con un acuerdo"),
            policy="board.decide",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# Decisions


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
# Lines that suspend or resume a measure in force: the MEASURE step each one takes.
PAUSING = {LineAction.SUSPEND: "board_suspend", LineAction.RESUME: "board_resume"}


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
        problems.extend(MEASURE.problems(target, "board_end"))
    for line in lines:
        step = PAUSING.get(line.action)
        if step is not None:
            refused = MEASURE.refusal(line.target, step)
            if refused:
                problems.append(refused)
    changing = (*GRANTING, LineAction.EXTEND)
    if decision.resolution == Resolution.MODIFY:
        changing = (*changing, *PAUSING)
    if decision.resolution in (Resolution.GRANT, Resolution.MODIFY, Resolution.EXTEND) and not [
        ln for ln in lines if ln.action in changing
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


def _confirm_conditions(decision, user):
    return decision_problems(decision)


DECISION = StateMachine(
    Decision,
    states=DecisionStatus,
    saved=refresh_of,  # confirmation and notification dates feed the indicators
    describe=lambda d: _("el acuerdo %(n)s") % {"n": d.number},
    explain={
        DecisionStatus.CONFIRMED: gettext_lazy(
            "Un acuerdo confirmado sólo cambia con un nuevo acuerdo."
        )
    },
    steps=[
        Step(
            "confirm",
            (DecisionStatus.DRAFT,),
            DecisionStatus.CONFIRMED,
            gettext_lazy("confirmar el acuerdo"),
            policy="board.decide",
            guard=_confirm_conditions,
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# Re-discussion requests

R = RediscussionStatus

REDISCUSSION = StateMachine(
    RediscussionRequest,
    states=R,
    describe=lambda r: _("la solicitud de nueva discusión de %(file)s") % {"file": r.case},
    steps=[
        Step(
            "schedule",
            (R.OPEN,),
            R.ON_AGENDA,
            gettext_lazy("poner la solicitud en el orden del día"),
            policy="board.manage",
        ),
        Step(
            "unschedule",
            (R.ON_AGENDA,),
            R.OPEN,
            gettext_lazy("devolver la solicitud a la lista (punto diferido)"),
            policy="board.manage",
        ),
        Step(
            "answer",
            (R.ON_AGENDA,),
            R.ANSWERED,
            gettext_lazy("resolver la solicitud por acuerdo de la Junta"),
            policy="board.decide",
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# Appeals

APPEAL_OPEN = (A.FILED, A.NEW_STUDY, A.INDEPENDENT_STUDY, A.CONSEJO_RULED, A.ON_AGENDA)


def _on_track(track):
    def condition(appeal, user):
        if appeal.track != track:
            return [
                _("Este paso no corresponde a la vía %(track)s de la inconformidad.")
                % {"track": appeal.get_track_display().lower()}
            ]
        return []

    return condition


URGENT_ONLY = _on_track(AppealTrack.URGENT)
ORDINARY_ONLY = _on_track(AppealTrack.ORDINARY)

APPEAL = StateMachine(
    Appeal,
    states=A,
    describe=lambda a: _("la inconformidad de %(file)s") % {"file": a.case},
    steps=[
        Step(
            "reject_late",
            (A.FILED,),
            A.INADMISSIBLE,
            gettext_lazy("declarar improcedente por extemporánea"),
        ),
        Step(
            "order_new_study",
            (A.FILED,),
            A.NEW_STUDY,
            gettext_lazy("ordenar un nuevo estudio de riesgo"),
            policy="appeal.record",
            guard=ORDINARY_ONLY,
        ),
        Step(
            "rule_urgent",
            (A.FILED,),
            A.RESOLVED,
            gettext_lazy("resolver la inconformidad urgente (CEN, 12 horas)"),
            policy="board.decide",
            guard=URGENT_ONLY,
        ),
        Step(
            "request_independent_study",
            (A.FILED, A.NEW_STUDY),
            A.INDEPENDENT_STUDY,
            gettext_lazy("solicitar el estudio independiente al Consejo Consultivo"),
            policy="board.manage",
            guard=ORDINARY_ONLY,
        ),
        Step(
            "consejo_rule",
            (A.INDEPENDENT_STUDY,),
            A.CONSEJO_RULED,
            gettext_lazy("registrar el dictamen del Consejo Consultivo"),
            policy="board.manage",
            guard=ORDINARY_ONLY,
        ),
        Step(
            "put_on_agenda",
            (A.NEW_STUDY, A.CONSEJO_RULED, A.ON_AGENDA),
            A.ON_AGENDA,
            gettext_lazy("poner la inconformidad en el orden del día de la Junta"),
            policy="board.manage",
            guard=ORDINARY_ONLY,
        ),
        Step(
            "board_resolve",
            (A.ON_AGENDA,),
            A.RESOLVED,
            gettext_lazy("resolver la inconformidad por acuerdo de la Junta"),
            policy="board.decide",
            guard=ORDINARY_ONLY,
        ),
    ],
)


def appeal_allowed(appeal, step):
    """The map and the track allow the step now (pages show the button on this)."""
    return APPEAL.allows(appeal, step)


# ---------------------------------------------------------------------------------------------
# Predicates beyond the map (one place: pages, services and the agenda use them)


def appeal_new_study_approved(appeal):
    study = appeal.new_study
    return study is not None and study.approved_at is not None


def appeal_needs_new_study(appeal):
    """Art. 58-I: the ordinary track orders a new risk study; none assigned yet."""
    return (
        appeal.track == AppealTrack.ORDINARY
        and appeal.status == A.NEW_STUDY
        and appeal.new_study_id is None
    )


def appeal_ready_for_board(appeal):
    """The Board may take it up: the new study is approved (and no independent study was asked
    for), or the Consejo has ruled; or it was deferred from an earlier agenda."""
    if not appeal_allowed(appeal, "put_on_agenda"):
        return False
    if appeal.status == A.NEW_STUDY:
        return appeal_new_study_approved(appeal)
    return True


def appeal_board_due_at(start):
    """When the Board must rule (art. 58-IV, "at its next session"): the first session scheduled
    after `start` that is still to be held, else the configured clock from `start`."""
    start = start or timezone.now()
    session = (
        BoardSession.objects.filter(scheduled_at__gt=start)
        .exclude(status=SessionStatus.CLOSED)
        .order_by("scheduled_at")
        .first()
    )
    if session is not None:
        return session.scheduled_at
    return clocks.due_at(Clock.APPEAL_BOARD_RULING, start)


def appeal_next_step(appeal):
    """(what must happen next, who acts) for the case page and the "my work" page; None when the
    appeal is closed."""
    if appeal.status not in APPEAL_OPEN:
        return None
    if appeal.track == AppealTrack.URGENT:
        return _("La Coordinación confirma, revoca o modifica la decisión"), Role.COORDINATOR
    if appeal_needs_new_study(appeal):
        return _("Asignar el nuevo estudio de riesgo"), Role.COORDINATOR
    if appeal.status == A.NEW_STUDY and not appeal_new_study_approved(appeal):
        return _("Concluir y aprobar el nuevo estudio de riesgo"), Role.ANALYST
    if appeal.status == A.INDEPENDENT_STUDY:
        return _("Registrar el dictamen del Consejo Consultivo"), Role.COORDINATOR
    if appeal.status == A.ON_AGENDA:
        return _("La Junta resuelve en la sesión"), Role.COORDINATOR
    return _("Poner en el orden del día de la próxima sesión"), Role.COORDINATOR
