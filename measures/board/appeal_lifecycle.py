"""The appeal (recurso de inconformidad) as an explicit map of allowed transitions
(Appeal.status, in the shared form of protection/transitions.py), plus the one predicate per
step that pages and services share.

Ordinary track (arts. 55–58): filed → new risk study → (if the disagreement persists) independent
study → Consejo ruling (≤ 15 days) → on the Board's agenda → resolved by the Board at its next
session. Urgent track (arts. 59–62): filed → the CEN confirms, revokes or modifies within 12 hours.
An appeal filed out of time is recorded as inadmissible with the reason, never lost.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measures.models import Appeal, AppealTrack
from measures.models import AppealStatus as S
from protection import clocks
from protection.models import Clock, Role
from protection.transitions import StateMachine, Step

OPEN = (S.FILED, S.NEW_STUDY, S.INDEPENDENT_STUDY, S.CONSEJO_RULED, S.ON_AGENDA)


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
    states=S,
    describe=lambda a: _("la inconformidad de %(file)s") % {"file": a.case},
    steps=[
        Step(
            "reject_late",
            (S.FILED,),
            S.INADMISSIBLE,
            gettext_lazy("declarar improcedente por extemporánea"),
        ),
        Step(
            "order_new_study",
            (S.FILED,),
            S.NEW_STUDY,
            gettext_lazy("ordenar un nuevo estudio de riesgo"),
            policy="appeal.record",
            guard=ORDINARY_ONLY,
        ),
        Step(
            "rule_urgent",
            (S.FILED,),
            S.RESOLVED,
            gettext_lazy("resolver la inconformidad urgente (CEN, 12 horas)"),
            policy="board.decide",
            guard=URGENT_ONLY,
        ),
        Step(
            "request_independent_study",
            (S.FILED, S.NEW_STUDY),
            S.INDEPENDENT_STUDY,
            gettext_lazy("solicitar el estudio independiente al Consejo Consultivo"),
            policy="board.manage",
            guard=ORDINARY_ONLY,
        ),
        Step(
            "consejo_rule",
            (S.INDEPENDENT_STUDY,),
            S.CONSEJO_RULED,
            gettext_lazy("registrar el dictamen del Consejo Consultivo"),
            policy="board.manage",
            guard=ORDINARY_ONLY,
        ),
        Step(
            "put_on_agenda",
            (S.NEW_STUDY, S.CONSEJO_RULED, S.ON_AGENDA),
            S.ON_AGENDA,
            gettext_lazy("poner la inconformidad en el orden del día de la Junta"),
            policy="board.manage",
            guard=ORDINARY_ONLY,
        ),
        Step(
            "board_resolve",
            (S.ON_AGENDA,),
            S.RESOLVED,
            gettext_lazy("resolver la inconformidad por acuerdo de la Junta"),
            policy="board.decide",
            guard=ORDINARY_ONLY,
        ),
    ],
)


def allowed(appeal, step):
    """The map and the track allow the step now (pages show the button on this)."""
    return APPEAL.allows(appeal, step)


# ---------------------------------------------------------------------------------------------
# Predicates beyond the map (one place: pages, services and the agenda use them)


def new_study_approved(appeal):
    study = appeal.new_study
    return study is not None and study.approved_at is not None


def needs_new_study(appeal):
    """Art. 58-I: the ordinary track orders a new risk study; none assigned yet."""
    return (
        appeal.track == AppealTrack.ORDINARY
        and appeal.status == S.NEW_STUDY
        and appeal.new_study_id is None
    )


def ready_for_board(appeal):
    """The Board may take it up: the new study is approved (and no independent study was asked
    for), or the Consejo has ruled; or it was deferred from an earlier agenda."""
    if not allowed(appeal, "put_on_agenda"):
        return False
    if appeal.status == S.NEW_STUDY:
        return new_study_approved(appeal)
    return True


def board_due_at(start):
    """When the Board must rule (art. 58-IV, "at its next session"): the first session scheduled
    after `start` that is still to be held, else the configured clock from `start`."""
    from measures.models import BoardSession, SessionStatus

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


def next_step(appeal):
    """(what must happen next, who acts) for the case page and the "my work" page; None when the
    appeal is closed."""
    if appeal.status not in OPEN:
        return None
    if appeal.track == AppealTrack.URGENT:
        return _("La Coordinación confirma, revoca o modifica la decisión"), Role.COORDINATOR
    if needs_new_study(appeal):
        return _("Asignar el nuevo estudio de riesgo"), Role.COORDINATOR
    if appeal.status == S.NEW_STUDY and not new_study_approved(appeal):
        return _("Concluir y aprobar el nuevo estudio de riesgo"), Role.ANALYST
    if appeal.status == S.INDEPENDENT_STUDY:
        return _("Registrar el dictamen del Consejo Consultivo"), Role.COORDINATOR
    if appeal.status == S.ON_AGENDA:
        return _("La Junta resuelve en la sesión"), Role.COORDINATOR
    return _("Poner en el orden del día de la próxima sesión"), Role.COORDINATOR
