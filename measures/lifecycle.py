"""The maps of the measures app: how a granted measure, a Board session, an agenda item, a
decision, an appeal, a re-discussion request and a letter may move. Each step names the access
policy it needs and the legal conditions it checks (protection/transitions.py).

How can a granted measure end?
==============================

A granted measure (`MEASURE` below) moves GRANTED → NOTIFIED → IMPLEMENTED, may be SUSPENDED and
resumed, and ENDS only by one of these four steps — there is no other way, in a page, a task,
the admin (read-only for measures) or a script (tests/test_transitions_guard.py):

| step               | from                          | who (access.POLICY)            | condition          |
|--------------------|-------------------------------|--------------------------------|--------------------|
| `board_end`        | granted, notified, implemented, suspended | a confirmed Board decision (board.decide) that ends, reduces, modifies or withdraws it, or denies the case | never while a court hold (LegalHold) protects it |
| `voluntary_exit`   | any open state                | the beneficiary's written exit, recorded by follow-up or the coordination (case.voluntary_exit) | — |
| `request_rejected` | any open state                | the request is found inadmissible while an urgent measure issued on it runs (case.admissibility) | — |
| `person_lost`      | any open state                | the covered person's death or disappearance is recorded (person.life_status) | not a withdrawal: a hold does not keep it open |

A measure never ends by itself: when its term (`review_due_at`) passes it stays in force until
the Board decides. Besides ending, a confirmed Board decision may suspend an implemented measure
(`board_suspend`, also barred by a court hold) and resume it (`board_resume`). Each end records
the reason (MeasureEndReason), the decision if any, the date and the acting user, in the
measure's history.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The appeal's map has its own module (with its track rules); importing it here registers it
# with the app's other maps (protection.transitions.machines() discovers `lifecycle` modules).
from cases import tallies
from measures.board.appeal_lifecycle import APPEAL  # noqa: F401
from protection import access, clocks
from protection.reports.facts import refresh_of
from protection.transitions import StateMachine, Step

from .models import (
    AgendaItem,
    AgendaItemStatus,
    Attendance,
    AuthorityMember,
    BoardSession,
    Decision,
    DecisionStatus,
    GrantedMeasure,
    LegalHold,
    Letter,
    LetterStatus,
    LineAction,
    MeasureOrigin,
    MeasureStatus,
    RecipientKind,
    RediscussionRequest,
    RediscussionStatus,
    Resolution,
    SessionStatus,
    SessionWaiver,
    SessionWaiverKind,
)

# ---------------------------------------------------------------------------------------------
# Granted measures

M = MeasureStatus
OPEN_MEASURE = (M.GRANTED, M.NOTIFIED, M.IMPLEMENTED, M.SUSPENDED)


def may_record_implementation(user, measure):
    """Follow-up records what happened to a measure; urgent measures are put in place by the
    reception unit itself (art. 26-II)."""
    return access.can(user, "measure.implementation") or (
        measure.origin == MeasureOrigin.URGENT and access.can(user, "urgent.implement")
    )


def active_holds(case_id, measure=None):
    """Court holds in force on a case (and on one of its measures, or all of them)."""
    holds = LegalHold.objects.filter(case=case_id, lifted_on__isnull=True)
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


def _holds_text(measure):
    holds = list(active_holds(measure.case_id, measure).order_by("issued_on", "pk"))
    return "; ".join(_hold_label(hold) for hold in holds)


def _no_hold(measure, user):
    holds = _holds_text(measure)
    if holds:
        return [
            _("Una suspensión judicial vigente impide retirar «%(m)s»: %(holds)s.")
            % {"m": measure, "holds": holds}
        ]
    return []


def _no_hold_to_suspend(measure, user):
    holds = _holds_text(measure)
    if holds:
        return [
            _("Una suspensión judicial vigente impide suspender «%(m)s»: %(holds)s.")
            % {"m": measure, "holds": holds}
        ]
    return []


def _measure_saved(measure):
    tallies.refresh_of(measure)  # a case whose measures in place nobody follows (the home)
    refresh_of(measure)  # grant, implementation and notification dates feed the indicators


MEASURE = StateMachine(
    GrantedMeasure,
    states=M,
    saved=_measure_saved,
    describe=lambda m: (
        _("la medida «%(type)s» de %(file)s") % {"type": m.measure_type, "file": m.case}
    ),
    steps=[
        Step(
            "notify",
            (M.GRANTED,),
            M.NOTIFIED,
            gettext_lazy("comunicar la medida a la autoridad"),
            # Taken with the decision's notification or the urgent issue, which check the role.
        ),
        Step(
            "implement",
            (M.GRANTED, M.NOTIFIED),
            M.IMPLEMENTED,
            gettext_lazy("registrar la medida como implementada"),
            policy=may_record_implementation,
        ),
        Step(
            "board_end",
            OPEN_MEASURE,
            M.ENDED,
            gettext_lazy("concluir la medida por acuerdo de la Junta"),
            policy="board.decide",
            guard=_no_hold,
        ),
        # The Board suspends a measure in force (art. 8-I, II) and later resumes it, both by a
        # confirmed decision's lines. Only an implemented measure is suspended (one not yet in
        # place is modified or ended instead), so resuming puts it back where it was. A court
        # hold that forbids withdrawing it forbids suspending it too: either takes the
        # protection away.
        Step(
            "board_suspend",
            (M.IMPLEMENTED,),
            M.SUSPENDED,
            gettext_lazy("suspender la medida por acuerdo de la Junta"),
            policy="board.decide",
            guard=_no_hold_to_suspend,
        ),
        Step(
            "board_resume",
            (M.SUSPENDED,),
            M.IMPLEMENTED,
            gettext_lazy("reanudar la medida por acuerdo de la Junta"),
            policy="board.decide",
        ),
        Step(
            "voluntary_exit",
            OPEN_MEASURE,
            M.ENDED,
            gettext_lazy("concluir la medida por salida voluntaria"),
            policy="case.voluntary_exit",
        ),
        Step(
            "request_rejected",
            OPEN_MEASURE,
            M.ENDED,
            gettext_lazy("concluir la medida urgente al no admitirse la solicitud"),
            policy="case.admissibility",
        ),
        # The covered person was killed or disappeared (cases.services_gravest): nobody is left
        # to protect; this is not a withdrawal, so a court hold does not keep it open.
        Step(
            "person_lost",
            OPEN_MEASURE,
            M.ENDED,
            gettext_lazy("concluir la medida por fallecimiento o desaparición de la persona"),
            policy="person.life_status",
        ),
    ],
)

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
# Letters (oficios)

L = LetterStatus


def _reissue_conditions(letter, user):
    if letter.decision.superseded_by.filter(status=DecisionStatus.CONFIRMED).exists():
        return [_("El acuerdo fue sustituido: sus oficios ya no se reemiten.")]
    return []


def _portal_delivery_conditions(letter, user):
    if letter.recipient_kind != RecipientKind.AUTHORITY:
        return [_("Sólo los oficios a autoridades se entregan por el portal.")]
    if not letter.file:
        return [_("El oficio aún no tiene su PDF.")]
    if not AuthorityMember.objects.filter(
        authority_id=letter.recipient_authority_id, user__is_active=True
    ).exists():
        return [_("La autoridad no tiene personas con acceso al portal.")]
    return []


LETTER = StateMachine(
    Letter,
    states=L,
    describe=lambda letter: _("el oficio %(n)s") % {"n": letter.number},
    steps=[
        # Rendering is done by a worker (measures.letters.rendering), not by a person.
        Step("render", (L.PENDING, L.FAILED), L.GENERATED, gettext_lazy("generar el oficio")),
        Step("fail", (L.PENDING, L.FAILED), L.FAILED, gettext_lazy("registrar el error")),
        Step(
            "deliver",
            (L.GENERATED,),
            L.SENT,
            gettext_lazy("registrar la entrega del oficio"),
            policy="letter.deliver",
        ),
        Step(
            "deliver_portal",
            (L.GENERATED,),
            L.SENT,
            gettext_lazy("entregar el oficio por el portal de autoridades"),
            policy="letter.deliver",
            guard=_portal_delivery_conditions,
        ),
        Step(
            "acknowledge",
            (L.SENT,),
            L.ACKNOWLEDGED,
            gettext_lazy("registrar el acuse de recibo"),
            policy="letter.deliver",
        ),
        # The authority itself, in its portal (the letter must be addressed to it: the portal's
        # selectors find only those).
        Step(
            "acknowledge_portal",
            (L.SENT,),
            L.ACKNOWLEDGED,
            gettext_lazy("acusar recibo en el portal"),
            policy="authority.portal",
        ),
        Step(
            "reissue",
            (L.GENERATED, L.SENT, L.ACKNOWLEDGED),
            L.SUPERSEDED,
            gettext_lazy("emitir una nueva versión del oficio"),
            policy="letter.generate",
            guard=_reissue_conditions,
        ),
        Step(
            "supersede",
            (L.PENDING, L.GENERATED, L.SENT, L.ACKNOWLEDGED, L.FAILED),
            L.SUPERSEDED,
            gettext_lazy("sustituir el oficio por un nuevo acuerdo"),
            policy="board.decide",
        ),
    ],
)
